// Training's quality hook (--eval-every): measures the generator with the data set's classifier, appends the
// report to the run's quality.jsonl and returns the figures metrics.jsonl records.
namespace Dcgan.Quality;

using System.Globalization;
using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Training;

/// <summary>The <see cref="IEpochEvaluator"/> that train --eval-every uses.</summary>
public sealed class EpochQualityProbe : IEpochEvaluator
{
    /// <summary>Generated images measured per evaluation.</summary>
    public const int SampleCount = 2000;

    private readonly QualityEvaluator _evaluator;
    private readonly TrainConfig _config;
    private readonly RunFolder _run;

    public EpochQualityProbe(QualityEvaluator evaluator, TrainConfig config, RunFolder run)
    {
        _evaluator = evaluator;
        _config = config;
        _run = run;
    }

    /// <summary>
    /// The probe for a run, or null when the config asks for no evaluation. The classifier is loaded (or trained
    /// once) here, before the first epoch; its progress goes to <paramref name="log"/>. <paramref name="data"/> is the
    /// run's training set when the caller has loaded it (an image folder is then not decoded again).
    /// </summary>
    public static EpochQualityProbe? For(TrainConfig config, RunFolder run, TextWriter log, ImageDataset? data = null) => config.EvalEvery > 0
        ? new EpochQualityProbe(QualityEvaluator.For(config, log, DataLocations.FromEnvironment(config.DataDir), data), config, run)
        : null;

    public (EpochMetrics Metrics, string Summary) Evaluate(GanPair gan, EpochMetrics metrics)
    {
        // Its own random stream (seed 0): evaluating never changes what training draws next.
        var q = _evaluator.Evaluate(gan, _config, SampleCount, seed: 0, epoch: metrics.Epoch);
        QualityLog.Append(_run, q);
        var measured = metrics with
        {
            Fid = Math.Round(q.Fid, 4),
            Kid = Round(q.Kid, 6),
            Precision = Round(q.Precision, 4),
            Recall = Round(q.Recall, 4),
            InceptionScore = Round(q.InceptionScore, 4),
            MinClassShare = Round(q.MinClassShare, 4),
            MeanConfidence = Round(q.MeanConfidence, 4),
            MinLabelAccuracy = Round(q.MinLabelAccuracy, 4),
        };
        var c = CultureInfo.InvariantCulture;
        string summary = string.Create(c, $"FID {q.Fid:0.00}, KID {q.Kid:0.0000}") +
            (q.Precision is double p ? string.Create(c, $", precision {p:P1}, recall {q.Recall:P1}") : "") +
            (q.InceptionScore is double s ? string.Create(c, $", IS {s:0.00}, rarest class {q.MinClassShare:P1}") : "") +
            (q.UprightShare is double u ? string.Create(c, $", upright {u:P1}") : "") +
            (q.MinLabelAccuracy is double m ? string.Create(c, $", worst asked class read correctly {m:P1}") : "");
        return (measured, summary);
    }

    /// <summary>The class shares at the last measured epoch up to <paramref name="epoch"/>, from the run's quality.jsonl.</summary>
    public IReadOnlyList<RunChart> Charts(int epoch) => QualityCharts.RunCharts(QualityLog.Read(_run), epoch, _config.ClassNames);

    private static double? Round(double? value, int digits) => value is double v ? Math.Round(v, digits) : null;
}
