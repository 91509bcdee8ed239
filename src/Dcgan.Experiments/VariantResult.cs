// What a finished variant leaves in DIR/<variant>/done.json: its status, settings and report rows. The file is the
// "done" marker: a variant with it is not run again when an experiment resumes.
namespace Dcgan.Experiments;

using System.Text.Json;
using System.Text.Json.Serialization;
using Dcgan.Training;

/// <summary>The outcome of one variant.</summary>
public sealed record VariantResult
{
    public const string FileName = "done.json";

    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>"done", or "diverged: ..." when the losses stopped being finite.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "done";

    [JsonPropertyName("config")] public TrainConfig Config { get; init; } = new();

    [JsonPropertyName("rows")] public List<ResultRow> Rows { get; init; } = [];

    [JsonIgnore]
    public bool Succeeded => Status == "done";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static VariantResult FromJson(string json) => JsonSerializer.Deserialize<VariantResult>(json, Json)
        ?? throw new InvalidDataException("empty variant result");
}
