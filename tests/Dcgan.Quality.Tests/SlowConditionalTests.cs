// The conditional GAN's long check: 3 epochs of `train --conditional` with its defaults, resolved as train resolves them,
// on real MNIST, read by the cached MNIST classifier, for seed 1 and for seed 4 (the seed that once fell short). About
// 6 minutes a seed on two cores, so opt-in (DCGAN_SLOW_TESTS=1). The bar: every digit read as asked in at least 90 % of
// its samples (docs/conditional.md has all five seeds' tables).
using Dcgan.Data;
using Dcgan.Training;
using Xunit.Abstractions;

using Dcgan.TestSupport;

namespace Dcgan.Quality.Tests;

[Trait("Category", "Slow")]
public sealed class SlowConditionalTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-slow-cond-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SlowTheory]
    [InlineData(1)]
    [InlineData(4)]
    public void ThreeEpochsDrawTheAskedDigits(int seed)
    {
        var config = new TrainConfig { Conditional = true, Epochs = 3, EvalEvery = 1, Seed = seed, Version = "test" }
            .WithDefaultsFor(_ => false);
        Assert.Equal((TrainConfig.ConditionalGeneratorEma, TrainConfig.ConditionalClassWeight), (config.GeneratorEma, config.ClassLossWeight));
        var data = new DatasetResolver(DataLocations.FromEnvironment()).Load("mnist", DataSplit.Train, TextWriter.Null);
        var run = new RunFolder(Path.Combine(_root, "run"));
        Assert.Equal(TrainOutcome.Completed, new Trainer(config, data, run, new QuietObserver()).Run(CancellationToken.None));
        var last = EpochMetrics.FromJsonLine(File.ReadAllLines(run.MetricsPath)[^1]);
        foreach (string line in File.ReadAllLines(Path.Combine(run.Root, "quality.jsonl")))
        {
            output.WriteLine(line);
        }
        Assert.NotNull(last.MinLabelAccuracy);
        Assert.True(last.MinLabelAccuracy >= 0.90, $"worst digit read as asked: {last.MinLabelAccuracy:P1}");
    }
}
