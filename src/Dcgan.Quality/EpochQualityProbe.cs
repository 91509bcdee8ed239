// Training's quality hook (--eval-every): measures the generator with the data set's classifier, appends the
// report to the run's quality.jsonl and returns the figures metrics.jsonl records.
namespace Dcgan.Quality;

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
    /// once) here, before the first epoch; its progress goes to <paramref name="log"/>.
    /// </summary>
    public static EpochQualityProbe? For(TrainConfig config, RunFolder run, TextWriter log) => config.EvalEvery > 0
        ? new EpochQualityProbe(QualityEvaluator.ForDataset(config.Dataset, log, DataLocations.FromEnvironment(config.DataDir)), config, run)
        : null;

    public (EpochMetrics Metrics, string Summary) Evaluate(GanPair gan, EpochMetrics metrics)
    {
        // Its own random stream (seed 0): evaluating never changes what training draws next.
        var q = _evaluator.Evaluate(gan, _config, SampleCount, seed: 0, epoch: metrics.Epoch);
        QualityLog.Append(_run, q);
        var measured = metrics with
        {
            Fid = Math.Round(q.Fid, 4),
            InceptionScore = Math.Round(q.InceptionScore, 4),
            MinClassShare = Math.Round(q.MinClassShare, 4),
            MeanConfidence = Math.Round(q.MeanConfidence, 4),
            MinLabelAccuracy = q.MinLabelAccuracy is double a ? Math.Round(a, 4) : null,
        };
        string summary = $"FID {q.Fid:0.00}, IS {q.InceptionScore:0.00}, rarest class {q.MinClassShare:P1}" +
            (q.MinLabelAccuracy is double m ? $", worst asked class read correctly {m:P1}" : "");
        return (measured, summary);
    }
}
