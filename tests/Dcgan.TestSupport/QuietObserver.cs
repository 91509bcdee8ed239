// An observer that ignores every report, for tests that train only for the run folder or the weights.
namespace Dcgan.TestSupport;

using Dcgan.Models;
using Dcgan.Training;

public sealed class QuietObserver : ITrainingObserver
{
    public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
    {
    }

    public void OnEpoch(EpochMetrics metrics)
    {
    }

    public void Message(string line)
    {
    }
}
