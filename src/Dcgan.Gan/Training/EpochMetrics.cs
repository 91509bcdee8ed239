// One line of metrics.jsonl: what an epoch did, in the units users compare runs by.
namespace Dcgan.Gan.Training;

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

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Compact);

    public static EpochMetrics FromJsonLine(string line) => JsonSerializer.Deserialize<EpochMetrics>(line, Compact)
        ?? throw new InvalidDataException("empty metrics line");
}
