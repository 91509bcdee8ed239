// One line of metrics.jsonl: what an epoch did, in the units users compare runs by.
namespace Dcgan.Training;

using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>Per-epoch means of the step results, plus timing.</summary>
public sealed record EpochMetrics
{
    [JsonPropertyName("epoch")] public int Epoch { get; init; }
    [JsonPropertyName("g_loss")] public double GeneratorLoss { get; init; }
    [JsonPropertyName("d_loss")] public double DiscriminatorLoss { get; init; }
    [JsonPropertyName("d_real_acc")] public double RealAccuracy { get; init; }
    [JsonPropertyName("d_fake_acc")] public double FakeAccuracy { get; init; }
    [JsonPropertyName("d_real_mean")] public double RealMean { get; init; }
    [JsonPropertyName("d_fake_mean")] public double FakeMean { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("images_per_s")] public double ImagesPerSecond { get; init; }
    [JsonPropertyName("steps")] public int Steps { get; init; }

    // Quality (train --eval-every): null on epochs that were not evaluated, and left out of the JSON then.
    [JsonPropertyName("fid")] public double? Fid { get; init; }
    [JsonPropertyName("kid")] public double? Kid { get; init; }
    [JsonPropertyName("precision")] public double? Precision { get; init; }
    [JsonPropertyName("recall")] public double? Recall { get; init; }
    [JsonPropertyName("inception_score")] public double? InceptionScore { get; init; }
    [JsonPropertyName("min_class_share")] public double? MinClassShare { get; init; }
    [JsonPropertyName("mean_confidence")] public double? MeanConfidence { get; init; }
    [JsonPropertyName("min_label_accuracy")] public double? MinLabelAccuracy { get; init; }

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Compact);

    public static EpochMetrics FromJsonLine(string line) => JsonSerializer.Deserialize<EpochMetrics>(line, Compact)
        ?? throw new InvalidDataException("empty metrics line");

    /// <summary>
    /// A run's metrics.jsonl, oldest epoch first (empty when there is none). A torn last line, from a run killed while
    /// appending, is left out; a bad line anywhere else is the file's damage and throws InvalidDataException.
    /// </summary>
    public static List<EpochMetrics> Read(RunFolder run)
    {
        if (!File.Exists(run.MetricsPath))
        {
            return [];
        }
        string[] lines = File.ReadAllLines(run.MetricsPath).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var epochs = new List<EpochMetrics>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            try
            {
                epochs.Add(FromJsonLine(lines[i]));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{run.MetricsPath}: line {i + 1} is not an epoch's metrics ({e.Message})", e);
            }
        }
        return epochs;
    }
}
