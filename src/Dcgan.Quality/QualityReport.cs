// The quality figures of one set of generated images: FID in the classifier's feature space (Heusel et al. 2017),
// the Inception Score analogue exp(E_x KL(p(y|x) || p(y))) (Salimans et al. 2016), class coverage and confidence.
namespace Dcgan.Quality;

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>One evaluation: a line of quality.jsonl.</summary>
public sealed record QualityReport
{
    /// <summary>Epochs the generator had trained for (null when unknown).</summary>
    [JsonPropertyName("epoch")] public int? Epoch { get; init; }

    /// <summary>Fréchet distance to the test split's features (lower is better; about 0 for real images).</summary>
    [JsonPropertyName("fid")] public double Fid { get; init; }

    /// <summary>exp(E KL(p(y|x) || p(y))): 1 (one class, or no confident class) to 10 (confident and balanced).</summary>
    [JsonPropertyName("inception_score")] public double InceptionScore { get; init; }

    /// <summary>The share of images predicted as each class (sums to 1; 0.1 each when balanced).</summary>
    [JsonPropertyName("class_shares")] public double[] ClassShares { get; init; } = [];

    /// <summary>The smallest class share: near 0 when the generator drops a class (mode collapse).</summary>
    [JsonPropertyName("min_class_share")] public double MinClassShare { get; init; }

    /// <summary>Mean top-class probability: how recognisable the images are to the classifier.</summary>
    [JsonPropertyName("mean_confidence")] public double MeanConfidence { get; init; }

    /// <summary>Conditional runs: per asked class, the share of its images read as that class (null otherwise).</summary>
    [JsonPropertyName("label_accuracy")] public double[]? LabelAccuracy { get; init; }

    /// <summary>The worst class's <see cref="LabelAccuracy"/>.</summary>
    [JsonIgnore]
    public double? MinLabelAccuracy => LabelAccuracy is { Length: > 0 } a ? a.Min() : null;

    [JsonPropertyName("count")] public int Count { get; init; }

    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";

    /// <summary>Which classifier measured it, e.g. "mnist-v1 (test accuracy 99.12%)".</summary>
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";

    [JsonPropertyName("checkpoint")] public string? Checkpoint { get; init; }

    /// <summary>Wall-clock seconds the evaluation took.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    /// <summary>Classes whose share is at least a quarter of the balanced share (1 / 40 for 10 classes).</summary>
    [JsonIgnore]
    public int ClassesCovered => ClassShares.Count(s => s >= 0.25 / Math.Max(1, ClassShares.Length));

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Compact);

    public static QualityReport FromJsonLine(string line) => JsonSerializer.Deserialize<QualityReport>(line, Compact)
        ?? throw new InvalidDataException("empty quality line");

    /// <summary>The figures as a small aligned table for the terminal.</summary>
    public string FormatTable()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Row(string name, string value, string note) => sb.Append(c, $"  {name,-22} {value,10}   {note}\n");
        Row("FID", Fid.ToString("0.00", c), "Fréchet distance to the test split in classifier features (lower is better)");
        Row("Inception Score", InceptionScore.ToString("0.00", c), "exp(E KL(p(y|x) || p(y))), 1 to 10 (higher is better)");
        Row("min class share", MinClassShare.ToString("P1", c), "share of the rarest predicted class (10.0% when balanced)");
        Row("classes covered", ClassesCovered.ToString(c) + "/" + ClassShares.Length.ToString(c), "classes with at least a quarter of a balanced share");
        Row("mean confidence", MeanConfidence.ToString("P1", c), "mean top-class probability");
        sb.Append("  class shares          ");
        sb.AppendJoin(" ", ClassShares.Select((s, k) => string.Create(c, $"{k}:{s:P0}")));
        sb.Append('\n');
        if (LabelAccuracy is { Length: > 0 } acc)
        {
            Row("asked class read", MinLabelAccuracy!.Value.ToString("P1", c), "conditional: worst class's share read as the class it was asked for");
            sb.Append("  per asked class       ");
            sb.AppendJoin(" ", acc.Select((s, k) => string.Create(c, $"{k}:{s:P0}")));
            sb.Append('\n');
        }
        sb.Append(c, $"  ({Count} images, seed {Seed}, classifier {Classifier}, {Seconds:0.0} s)\n");
        return sb.ToString();
    }
}
