// What the memorisation check found (`dcgan evaluate`): how many generated samples sit closer to their nearest training
// image than training images typically sit to each other, next to the same share for real images the generator never
// had to copy. Part of a quality.jsonl line.
namespace Dcgan.Quality;

using System.Text.Json.Serialization;

/// <summary>The figures of one memorisation check, in the classifier's feature space.</summary>
public sealed record MemorisationReport
{
    /// <summary>Training images searched for each query's nearest neighbour.</summary>
    [JsonPropertyName("training_images")] public int TrainingImages { get; init; }

    /// <summary>
    /// The typical distance: the median, over evenly spaced training images, of each one's distance to its nearest
    /// other training image (leave-one-out).
    /// </summary>
    [JsonPropertyName("typical_distance")] public double TypicalDistance { get; init; }

    /// <summary>Training images whose nearest-neighbour distances gave the median.</summary>
    [JsonPropertyName("typical_from")] public int TypicalFrom { get; init; }

    /// <summary>Generated samples checked.</summary>
    [JsonPropertyName("samples")] public int Samples { get; init; }

    /// <summary>The share of samples whose nearest training image is closer than the typical distance.</summary>
    [JsonPropertyName("sample_share")] public double SampleShare { get; init; }

    /// <summary>The median distance from a sample to its nearest training image.</summary>
    [JsonPropertyName("sample_median_distance")] public double SampleMedianDistance { get; init; }

    /// <summary>Held-out real images checked (the reference images; a training image among them is left out of its own search).</summary>
    [JsonPropertyName("held_out")] public int HeldOut { get; init; }

    /// <summary>The same share for the held-out real images: what a generator that does not copy would get (about 50 %).</summary>
    [JsonPropertyName("held_out_share")] public double HeldOutShare { get; init; }

    /// <summary>The median distance from a held-out image to its nearest training image.</summary>
    [JsonPropertyName("held_out_median_distance")] public double HeldOutMedianDistance { get; init; }
}
