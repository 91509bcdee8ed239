// What the trainer tells the outside world while it runs (the CLI draws progress bars from it).
namespace Dcgan.Training;

using Dcgan.Models;

/// <summary>Receives progress from a <see cref="Trainer"/>.</summary>
public interface ITrainingObserver
{
    void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result);

    void OnEpoch(EpochMetrics metrics);

    void Message(string line);
}
