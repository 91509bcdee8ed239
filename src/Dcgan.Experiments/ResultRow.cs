// One row of the experiment table: a variant at one epoch, with its training cost and its quality.
namespace Dcgan.Experiments;

using System.Text.Json.Serialization;

/// <summary>Training figures up to an epoch and the quality measured after it.</summary>
public sealed record ResultRow
{
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>Training seconds up to this epoch (train steps only; evaluation and plots excluded).</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    [JsonPropertyName("images_per_s")] public double ImagesPerSecond { get; init; }

    [JsonPropertyName("g_loss")] public double GeneratorLoss { get; init; }

    [JsonPropertyName("d_loss")] public double DiscriminatorLoss { get; init; }

    /// <summary>The discriminator's accuracy in this epoch: the mean of its real and fake accuracies.</summary>
    [JsonPropertyName("d_acc")] public double DiscriminatorAccuracy { get; init; }

    [JsonPropertyName("fid")] public double? Fid { get; init; }

    [JsonPropertyName("inception_score")] public double? InceptionScore { get; init; }

    [JsonPropertyName("min_class_share")] public double? MinClassShare { get; init; }

    [JsonPropertyName("classes_covered")] public int? ClassesCovered { get; init; }

    [JsonPropertyName("mean_confidence")] public double? MeanConfidence { get; init; }

    /// <summary>The epoch's sample grid (absolute path) when it exists.</summary>
    [JsonPropertyName("grid")] public string? Grid { get; init; }
}
