// A checkpoint opened whole for a test: both models and optimizers, with the settings and state it was saved with.
namespace Dcgan.TestSupport;

using Dcgan.Models;
using Dcgan.Training;

public static class Checkpoints
{
    /// <summary>The models and optimizers of the checkpoint at <paramref name="path"/>, built from its own settings.</summary>
    public static (GanPair Gan, TrainConfig Config, TrainingState State) Open(string path)
    {
        var (config, _) = Checkpoint.ReadHeader(path);
        var gan = new GanPair(config.ModelOptions());
        var (_, state) = Checkpoint.Load(path, gan);
        return (gan, config, state);
    }
}
