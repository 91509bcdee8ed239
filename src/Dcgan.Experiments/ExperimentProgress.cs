// Progress of a variant inside an experiment: one line per epoch with the variant's name, and the quality
// measured at the evaluation epochs (the same call `train --eval-every` makes from its epoch loop).
namespace Dcgan.Experiments;

using System.Globalization;
using Dcgan.Models;
using Dcgan.Quality;
using Dcgan.Training;

/// <summary>Observes a variant's Trainer: logs epochs, evaluates and records quality after chosen epochs.</summary>
internal sealed class ExperimentProgress(PlannedVariant variant, RunFolder run, Func<GanPair?> gan, QualityEvaluator evaluator, int evalCount, TextWriter log)
    : ITrainingObserver
{
    public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
    {
    }

    public void OnEpoch(EpochMetrics m)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{variant.Name}] epoch {m.Epoch}/{variant.Config.Epochs}: g_loss {m.GeneratorLoss:0.000}  d_loss {m.DiscriminatorLoss:0.000}  {m.Seconds:0.0} s  {m.ImagesPerSecond:0} images/s");
        if (variant.EvaluatesAt(m.Epoch) && gan() is { } pair)
        {
            // Inference mode on the live generator, own random stream: training continues bit-identically.
            var q = evaluator.Evaluate(pair, variant.Config, evalCount, seed: 0, epoch: m.Epoch);
            QualityLog.Append(run, q);
            line += string.Create(CultureInfo.InvariantCulture, $"  FID {q.Fid:0.00}  min class {q.MinClassShare:P1}");
        }
        log.WriteLine(line);
    }

    public void Message(string line)
    {
        if (!line.StartsWith("Time for epoch", StringComparison.Ordinal) && !line.StartsWith("Checkpoint ", StringComparison.Ordinal))
        {
            log.WriteLine($"[{variant.Name}] {line}");
        }
    }
}
