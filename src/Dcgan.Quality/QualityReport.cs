// The quality figures of one set of generated images, all in the classifier's feature space or outputs: FID (Heusel et
// al. 2017), KID (Bińkowski et al. 2018), k-NN precision and recall (Kynkäänniemi et al. 2019), the Inception Score
// analogue exp(E_x KL(p(y|x) || p(y))) (Salimans et al. 2016), class coverage and confidence, and (evaluate) the
// memorisation check. docs/quality.md says how to read each.
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

    /// <summary>Fréchet distance to the reference images' features (lower is better; about 0 for real images).</summary>
    [JsonPropertyName("fid")] public double Fid { get; init; }

    /// <summary>Kernel Inception Distance to the reference images' features: unbiased, so about 0 (either sign) for real images.</summary>
    [JsonPropertyName("kid")] public double? Kid { get; init; }

    /// <summary>The standard deviation of KID's subset estimates: the standard error of a KID from one subset.</summary>
    [JsonPropertyName("kid_std")] public double? KidStd { get; init; }

    /// <summary>Vectors per set in each of KID's subsets.</summary>
    [JsonPropertyName("kid_subset_size")] public int? KidSubsetSize { get; init; }

    /// <summary>The share of generated images inside the reference images' k-NN manifold (realism; k = 3).</summary>
    [JsonPropertyName("precision")] public double? Precision { get; init; }

    /// <summary>The share of reference images inside the generated images' k-NN manifold (variety).</summary>
    [JsonPropertyName("recall")] public double? Recall { get; init; }

    /// <summary>Images per set that precision and recall compared (the same number of each).</summary>
    [JsonPropertyName("pr_count")] public int? PrecisionRecallCount { get; init; }

    /// <summary>exp(E KL(p(y|x) || p(y))): 1 (one class, or no confident class) to K (confident and balanced); null for a rotation classifier.</summary>
    [JsonPropertyName("inception_score")] public double? InceptionScore { get; init; }

    /// <summary>The share of images predicted as each class (sums to 1; 1/K each when balanced); empty for a rotation classifier.</summary>
    [JsonPropertyName("class_shares")] public double[] ClassShares { get; init; } = [];

    /// <summary>The smallest class share: near 0 when the generator drops a class (mode collapse).</summary>
    [JsonPropertyName("min_class_share")] public double? MinClassShare { get; init; }

    /// <summary>The smallest class share of the reference images, as the classifier reads them: what an unbiased generator would get.</summary>
    [JsonPropertyName("real_min_class_share")] public double? RealMinClassShare { get; init; }

    /// <summary>Mean top-class probability: how recognisable the images are to the classifier.</summary>
    [JsonPropertyName("mean_confidence")] public double? MeanConfidence { get; init; }

    /// <summary>Rotation classifier: the share of generated images it reads as not turned (upright).</summary>
    [JsonPropertyName("upright_share")] public double? UprightShare { get; init; }

    /// <summary>Rotation classifier: the same share for the reference images.</summary>
    [JsonPropertyName("real_upright_share")] public double? RealUprightShare { get; init; }

    /// <summary>Conditional runs: per asked class, the share of its images read as that class (null otherwise).</summary>
    [JsonPropertyName("label_accuracy")] public double[]? LabelAccuracy { get; init; }

    /// <summary>The worst class's <see cref="LabelAccuracy"/>.</summary>
    [JsonIgnore]
    public double? MinLabelAccuracy => LabelAccuracy is { Length: > 0 } a ? a.Min() : null;

    /// <summary>The memorisation check (evaluate); null when it was not run.</summary>
    [JsonPropertyName("memorisation")] public MemorisationReport? Memorisation { get; init; }

    [JsonPropertyName("count")] public int Count { get; init; }

    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";

    /// <summary>Which classifier measured it, e.g. "mnist-v1 (test accuracy 99.12%)".</summary>
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";

    /// <summary>"classes" or "rotation": what the classifier's outputs (and so its feature space) were trained for.</summary>
    [JsonPropertyName("task")] public string Task { get; init; } = "classes";

    /// <summary>The images compared against, e.g. "test split (10,000 images)".</summary>
    [JsonPropertyName("reference")] public string Reference { get; init; } = "";

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

    /// <summary>The figures as a small aligned table for the terminal; classes are named by <paramref name="classNames"/> when given.</summary>
    public string FormatTable(IReadOnlyList<string>? classNames = null)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Row(string name, string value, string note) => sb.Append(c, $"  {name,-22} {value,10}   {note}\n");
        string Percent(double? v) => v is double x ? x.ToString("P1", c) : "-";
        string Name(int k) => classNames is { } names && k < names.Count ? names[k] : k.ToString(c);
        void Shares(string title, IReadOnlyList<double> shares)
        {
            sb.Append(c, $"  {title,-22} ");
            // Many classes: the rarest ten, which are what coverage is about.
            var shown = shares.Count <= 20
                ? Enumerable.Range(0, shares.Count)
                : Enumerable.Range(0, shares.Count).OrderBy(k => shares[k]).Take(10);
            sb.AppendJoin(" ", shown.Select(k => string.Create(c, $"{Name(k)}:{shares[k] * 100:0}%")));
            sb.Append(shares.Count <= 20 ? "\n" : string.Create(c, $" (the rarest 10 of {shares.Count})\n"));
        }

        Row("FID", Fid.ToString("0.00", c), $"Fréchet distance to the {Reference} in classifier features (lower is better)");
        if (Kid is double kid)
        {
            Row("KID", kid.ToString("0.0000", c), string.Create(c, $"± {KidStd ?? 0:0.0000}; unbiased MMD², cubic kernel, subsets of {KidSubsetSize} (0 within its error for real images)"));
        }
        if (Precision is not null)
        {
            Row("precision", Percent(Precision), string.Create(c, $"samples inside the real images' 3-NN manifold (realism; {PrecisionRecallCount} of each)"));
            Row("recall", Percent(Recall), "real images inside the samples' 3-NN manifold (variety)");
        }
        if (Task == "rotation")
        {
            Row("upright", Percent(UprightShare), $"samples the rotation classifier reads as not turned (real images: {Percent(RealUprightShare)})");
        }
        else
        {
            int k = Math.Max(1, ClassShares.Length);
            Row("Inception Score", InceptionScore?.ToString("0.00", c) ?? "-", string.Create(c, $"exp(E KL(p(y|x) || p(y))), 1 to {k} (higher is better)"));
            Row("min class share", Percent(MinClassShare), string.Create(c, $"share of the rarest predicted class ({1.0 / k:P1} when balanced; real images: {Percent(RealMinClassShare)})"));
            Row("classes covered", ClassesCovered.ToString(c) + "/" + ClassShares.Length.ToString(c), "classes with at least a quarter of a balanced share");
            Row("mean confidence", Percent(MeanConfidence), "mean top-class probability");
            Shares("class shares", ClassShares);
        }
        if (LabelAccuracy is { Length: > 0 } acc)
        {
            Row("asked class read", Percent(MinLabelAccuracy), "conditional: worst class's share read as the class it was asked for");
            Shares("per asked class", acc);
        }
        if (Memorisation is { } m)
        {
            Row("closer than typical", Percent(m.SampleShare), string.Create(c,
                $"samples nearer their nearest training image than the typical distance {m.TypicalDistance:0.000} (held-out real images: {Percent(m.HeldOutShare)})"));
            Row("nearest distance", m.SampleMedianDistance.ToString("0.000", c), string.Create(c,
                $"median, sample to nearest of {m.TrainingImages:N0} training images (held-out real images: {m.HeldOutMedianDistance:0.000})"));
        }
        sb.Append(c, $"  ({Count} images, seed {Seed}, classifier {Classifier}, {Seconds:0.0} s)\n");
        return sb.ToString();
    }
}
