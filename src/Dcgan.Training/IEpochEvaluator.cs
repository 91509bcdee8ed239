// What training measures every --eval-every epochs. Dcgan.Quality implements it (classifier, FID and the other
// metrics); training only calls it, so the trainer does not depend on how quality is measured.
namespace Dcgan.Training;

using Dcgan.Models;

/// <summary>Measures a generator after an epoch of training.</summary>
public interface IEpochEvaluator
{
    /// <summary>
    /// Measures <paramref name="gan"/>'s generator (inference mode) after <paramref name="epoch"/> and returns the
    /// metrics with the figures metrics.jsonl records filled in, and a one-line summary for the console. Must not
    /// touch training's random streams.
    /// </summary>
    (EpochMetrics Metrics, string Summary) Evaluate(GanPair gan, EpochMetrics metrics);

    /// <summary>
    /// Charts of what it measured up to <paramref name="epoch"/> that metrics.jsonl does not hold (e.g. each class's
    /// share), written beside the run's other plots and shown in report.html; none by default.
    /// </summary>
    IReadOnlyList<RunChart> Charts(int epoch) => [];
}
