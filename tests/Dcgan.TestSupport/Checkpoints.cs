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

    /// <summary>
    /// Asserts two pairs hold the same bits: both models' weights, both optimizers' moments and their step counts
    /// (<paramref name="when"/> ends each message, e.g. " after resume").
    /// </summary>
    public static void AssertSameState(GanPair expected, GanPair actual, string when = "")
    {
        Assert.True(expected.Generator.Values.AsSpan().SequenceEqual(actual.Generator.Values), "generator weights differ" + when);
        Assert.True(expected.Discriminator.Values.AsSpan().SequenceEqual(actual.Discriminator.Values), "discriminator weights differ" + when);
        Assert.True(expected.GeneratorOptimizer.M.AsSpan().SequenceEqual(actual.GeneratorOptimizer.M)
            && expected.GeneratorOptimizer.V.AsSpan().SequenceEqual(actual.GeneratorOptimizer.V), "generator Adam state differs" + when);
        Assert.True(expected.DiscriminatorOptimizer.M.AsSpan().SequenceEqual(actual.DiscriminatorOptimizer.M)
            && expected.DiscriminatorOptimizer.V.AsSpan().SequenceEqual(actual.DiscriminatorOptimizer.V), "discriminator Adam state differs" + when);
        Assert.Equal(expected.GeneratorOptimizer.Iterations, actual.GeneratorOptimizer.Iterations);
        Assert.Equal(expected.DiscriminatorOptimizer.Iterations, actual.DiscriminatorOptimizer.Iterations);
    }
}
