// What decoding an image folder found: how many files were candidates, used and skipped (each skipped file with
// its reason), the classes and their counts, the source images' sizes and formats. Written to the run folder as
// data_report.json, cached with the decoded images, and printed by `dcgan data info`.
namespace Dcgan.Data.Folders;

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>A skipped file and why.</summary>
public sealed record SkippedImage([property: JsonPropertyName("file")] string File, [property: JsonPropertyName("reason")] string Reason);

/// <summary>One class and the number of images used from it.</summary>
public sealed record ClassCount([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("images")] int Images);

/// <summary>The outcome of decoding one image folder.</summary>
public sealed record FolderReport
{
    public const string FileName = "data_report.json";

    [JsonPropertyName("source")] public string Source { get; init; } = "";
    [JsonPropertyName("image_size")] public int ImageSize { get; init; }
    [JsonPropertyName("channels")] public int Channels { get; init; }
    /// <summary>Why the channel count is what it is ("asked", "colour found", "no colour found").</summary>
    [JsonPropertyName("channels_reason")] public string ChannelsReason { get; init; } = "";
    [JsonPropertyName("background")] public string Background { get; init; } = "";
    /// <summary>Files with an image extension: the candidates.</summary>
    [JsonPropertyName("candidates")] public int Candidates { get; init; }
    [JsonPropertyName("used")] public int Used { get; init; }
    [JsonPropertyName("skipped")] public IReadOnlyList<SkippedImage> Skipped { get; init; } = [];
    /// <summary>Files without an image extension, not considered.</summary>
    [JsonPropertyName("other_files")] public int OtherFiles { get; init; }
    /// <summary>The classes (first-level subfolders, or a package's categories); empty when the set has none.</summary>
    [JsonPropertyName("classes")] public IReadOnlyList<ClassCount> Classes { get; init; } = [];
    /// <summary>Used images by source format ("PNG", "JPEG", ...).</summary>
    [JsonPropertyName("formats")] public IReadOnlyDictionary<string, int> Formats { get; init; } = new Dictionary<string, int>();
    [JsonPropertyName("min_width")] public int MinWidth { get; init; }
    [JsonPropertyName("max_width")] public int MaxWidth { get; init; }
    [JsonPropertyName("min_height")] public int MinHeight { get; init; }
    [JsonPropertyName("max_height")] public int MaxHeight { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    public static FolderReport FromJson(string json) => JsonSerializer.Deserialize<FolderReport>(json, Indented)
        ?? throw new InvalidDataException("empty data report");

    /// <summary>Skipped files counted by reason (the reason's text up to its first parenthesis).</summary>
    public IReadOnlyList<(string Reason, int Count)> SkipReasons() => Skipped
        .GroupBy(s => s.Reason.Split(" (")[0].Split(':')[0])
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal)
        .ToList();

    /// <summary>The report for people: the summary, the classes, the source sizes and formats, every skipped file.</summary>
    public IReadOnlyList<string> Lines()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string> { Summary() };
        lines.Add(string.Create(c, $"  channels: {Channels} ({ChannelsReason}); transparent pixels over {Background}"));
        foreach (var k in Classes)
        {
            lines.Add(string.Create(c, $"  class {k.Name}: {k.Images:N0} images"));
        }
        lines.Add(string.Create(c, $"  source sizes: {MinWidth}-{MaxWidth} x {MinHeight}-{MaxHeight} pixels; formats: {string.Join(", ", Formats.Select(f => $"{f.Key} {f.Value:N0}"))}"));
        if (OtherFiles > 0)
        {
            lines.Add(string.Create(c, $"  {OtherFiles:N0} other files (not images by their extension) ignored"));
        }
        foreach (var s in Skipped)
        {
            lines.Add($"  skipped {s.File}: {s.Reason}");
        }
        return lines;
    }

    /// <summary>One line for the console, e.g. "1,204 images used (10 classes), 3 skipped: 2 damaged ..., 1 empty file".</summary>
    public string Summary()
    {
        var c = CultureInfo.InvariantCulture;
        string classes = Classes.Count == 0 ? "no classes" : $"{Classes.Count} classes";
        string line = string.Create(c, $"{Source}: {Used:N0} of {Candidates:N0} images used ({ImageSize}x{ImageSize}x{Channels}, {classes})");
        if (Skipped.Count > 0)
        {
            line += string.Create(c, $", {Skipped.Count:N0} skipped: ") + string.Join(", ", SkipReasons().Select(r => string.Create(c, $"{r.Count:N0} {r.Reason}")));
        }
        return line;
    }
}
