// --g-ema: the moving average of the generator's weights that grids and samples are drawn from. Its update formula,
// that drawing from it leaves the trained weights alone, its round trip through checkpoints, and exact resume.
using Dcgan.TestSupport;

namespace Dcgan.Training.Tests;

using Dcgan.Engine;
using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Training;
using Dcgan.Kernels;

public sealed class GeneratorAverageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-g-ema-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(67)]
    public void MovingAverageKernelMatchesTheFormula(int n)
    {
        var rng = new Rng(3);
        float[] average = new float[n], values = new float[n];
        rng.FillUniform(average, -1f, 1f);
        rng.FillUniform(values, -1f, 1f);
        float[] expected = average.Select((a, i) => 0.9f * a + (1f - 0.9f) * values[i]).ToArray();
        VectorMath.MovingAverage(average, values, 0.9f);
        Assert.Equal(expected, average);
    }

    [Fact]
    public void SamplesComeFromTheAverageAndTheTrainedWeightsStay()
    {
        var gan = new GanPair(new ModelOptions { AverageGenerator = true });
        gan.Initialize(new Rng(1));
        Assert.Equal(gan.Generator.Values, gan.GeneratorAverage);

        // Pretend training moved the weights; after step 1 the average keeps min(0.99, 2/11) of its old value.
        float[] initial = (float[])gan.Generator.Values.Clone();
        foreach (ref float v in gan.Generator.TrainableValues)
        {
            v += 0.01f;
        }
        float[] trained = (float[])gan.Generator.Values.Clone();
        gan.UpdateGeneratorAverage(0.99, step: 1);
        float decay = (float)(2.0 / 11.0);
        Assert.Equal(decay * initial[0] + (1f - decay) * trained[0], gan.GeneratorAverage![0]);
        // Late in a run the decay itself caps the warm-up.
        float[] previous = (float[])gan.GeneratorAverage.Clone();
        gan.UpdateGeneratorAverage(0.9, step: 1000);
        Assert.Equal(0.9f * previous[0] + (1f - 0.9f) * trained[0], gan.GeneratorAverage[0]);

        var noise = Tensor.ForBatch(3, [100]);
        new Rng(2).FillNormal(noise.Span);
        float[] drawn = gan.Generate(noise).Span.ToArray();
        Assert.Equal(trained, gan.Generator.Values); // restored after the draw

        // The same draw from a plain generator holding the average's values.
        var plain = new GanPair(new ModelOptions());
        gan.GeneratorAverage.CopyTo(plain.Generator.Values, 0);
        Assert.Equal(drawn, plain.Generate(noise).Span.ToArray());
        var untouched = new GanPair(new ModelOptions());
        trained.CopyTo(untouched.Generator.Values, 0);
        Assert.NotEqual(drawn, untouched.Generate(noise).Span.ToArray());
    }

    [Fact]
    public void ResumeKeepsTheAverageBitForBit()
    {
        TrainConfig Config(int epochs) => new()
        {
            Dataset = "synthetic", Epochs = epochs, BatchSize = 8, Limit = 20, CheckpointEvery = 1, Seed = 4, Threads = 2,
            Version = "test", GeneratorEma = 0.9,
        };
        GanPair Train(TrainConfig config, string dir, string? resume = null)
        {
            var trainer = new Trainer(config, SyntheticDataset.Create(config.Limit, (ulong)config.Seed), new RunFolder(dir), new QuietObserver());
            trainer.Run(CancellationToken.None, resume);
            return trainer.Gan!;
        }

        var full = Train(Config(3), Path.Combine(_root, "straight"));
        Assert.NotNull(full.GeneratorAverage);
        Assert.False(full.GeneratorAverage.AsSpan().SequenceEqual(full.Generator.Values), "the average should lag the weights");

        string split = Path.Combine(_root, "split");
        Train(Config(1), split);
        var run = new RunFolder(split);
        Assert.Equal(0.9, Checkpoint.ReadHeader(run.Checkpoints()[^1].Path).Config.GeneratorEma);
        var resumed = Train(Config(3), split, run.Checkpoints()[^1].Path);
        Assert.True(full.GeneratorAverage.AsSpan().SequenceEqual(resumed.GeneratorAverage), "average differs after resume");
        Assert.True(full.Generator.Values.AsSpan().SequenceEqual(resumed.Generator.Values), "generator differs after resume");

        // The sampler of the finished run draws from the average.
        var sampler = Sampler.Open(Path.Combine(_root, "straight"));
        var noise = Tensor.ForBatch(2, [100]);
        new Rng(7).FillNormal(noise.Span);
        var plain = new GanPair(new ModelOptions());
        full.GeneratorAverage.CopyTo(plain.Generator.Values, 0);
        Assert.Equal(plain.Generate(noise).Span.ToArray(), sampler.Generator.Generate(noise).Span.ToArray());
    }
}
