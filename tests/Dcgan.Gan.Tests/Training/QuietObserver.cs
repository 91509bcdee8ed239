// An observer that ignores every report, for tests that train only for the run folder or the weights.
namespace Dcgan.Gan.Tests.Training;

using Dcgan.Gan.Models;
using Dcgan.Gan.Training;

internal sealed class QuietObserver : ITrainingObserver
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
