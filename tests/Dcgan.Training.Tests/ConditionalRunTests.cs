// Conditional runs with a chosen --cond-scheme: the key's round trip through config.json and checkpoints,
// old configs without it loading as AC-GAN (and without "class-weight" as weight 1), and exact resume (epoch
// boundary and mid-epoch interrupt).
using Dcgan.TestSupport;

namespace Dcgan.Training.Tests;

using Dcgan.Engine.Layers;
using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Training;

public sealed class ConditionalRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-cond-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrainConfig Small(string scheme, int epochs) => new()
    {
        Dataset = "synthetic", Epochs = epochs, BatchSize = 8, Limit = 20, CheckpointEvery = 1, Seed = 4, Threads = 2,
        Version = "test", Conditional = true, CondScheme = scheme,
    };

    private sealed class StopAfter(int steps, CancellationTokenSource cts) : ITrainingObserver
    {
        private int _seen;

        public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
        {
            if (++_seen == steps)
            {
                cts.Cancel();
            }
        }

        public void OnEpoch(EpochMetrics metrics)
        {
        }

        public void Message(string line)
        {
        }
    }

    private static (GanPair Gan, TrainOutcome Outcome) Train(TrainConfig config, string dir, string? resume = null, int stopAfter = 0)
    {
        using var cts = new CancellationTokenSource();
        var data = SyntheticDataset.Create(config.Limit, (ulong)config.Seed);
        var trainer = new Trainer(config, data, new RunFolder(dir), new StopAfter(stopAfter, cts));
        var outcome = trainer.Run(cts.Token, resume);
        return (trainer.Gan!, outcome);
    }

    [Fact]
    public void SchemeRoundTripsAndOldConfigsAreAcGan()
    {
        Assert.Equal(TrainConfig.DefaultCondScheme, new TrainConfig().CondScheme);
        foreach (string scheme in TrainConfig.CondSchemes)
        {
            var config = new TrainConfig { Conditional = true, CondScheme = scheme };
            string json = config.ToJson();
            Assert.Contains($"\"cond-scheme\": \"{scheme}\"", json);
            var back = TrainConfig.FromJson(json);
            Assert.Equal(config, back);
            Assert.Empty(config.Differences(back));
            Assert.Equal(TrainConfig.SchemeOf(scheme).Scheme, back.ModelOptions().Scheme);
            Assert.Equal(scheme.EndsWith("-cbn", StringComparison.Ordinal), back.ModelOptions().ClassNormInGenerator);
        }

        // A config written before the key existed: AC-GAN, whatever the current default is.
        var current = new TrainConfig { Conditional = true, CondScheme = "projection" };
        string old = System.Text.RegularExpressions.Regex.Replace(current.ToJson(), "\\s*\"cond-scheme\": \"[a-z-]+\",", "");
        Assert.DoesNotContain("cond-scheme", old);
        var legacy = TrainConfig.FromJson(old);
        Assert.Equal("acgan", legacy.CondScheme);
        Assert.Equal(ConditionalScheme.AcGan, legacy.ModelOptions().Scheme);
        Assert.False(legacy.ModelOptions().ClassNormInGenerator);
        Assert.Equal(new[] { "cond-scheme" }, legacy.Differences(current));

        var unknown = new TrainConfig { Conditional = true, CondScheme = "bogus" };
        Assert.Contains("unknown conditional scheme 'bogus'", Assert.Throws<InvalidDataException>(() => unknown.ModelOptions()).Message);
    }

    [Fact]
    public void OldConfigsWithoutClassWeightLoadWithTheWeightTheyTrainedWith()
    {
        // New runs weigh the class loss 2; a saved weight, 2 or other, round-trips.
        Assert.Equal(TrainConfig.ConditionalClassWeight, new TrainConfig().ClassLossWeight);
        var current = new TrainConfig { Conditional = true, ClassLossWeight = 2 };
        Assert.Equal(2, TrainConfig.FromJson(current.ToJson()).ClassLossWeight);
        Assert.Equal(0.5, TrainConfig.FromJson((current with { ClassLossWeight = 0.5 }).ToJson()).ClassLossWeight);

        // A config (or checkpoint header) written before "class-weight" existed trained with weight 1, and resumes so.
        string old = System.Text.RegularExpressions.Regex.Replace(current.ToJson(), "\\s*\"class-weight\": [0-9.]+,", "");
        Assert.DoesNotContain("class-weight", old);
        var legacy = TrainConfig.FromJson(old);
        Assert.Equal(1, legacy.ClassLossWeight);
        Assert.Equal(1f, legacy.ModelOptions().ClassLossWeight);
        Assert.Equal(new[] { "class-weight" }, legacy.Differences(current));
    }

    [Fact]
    public void NewRunsUseWinogradAndOldConfigsLoadAsDirect()
    {
        var current = new TrainConfig();
        Assert.Equal("winograd", current.ConvAlgorithm);
        Assert.Equal(ConvAlgorithm.Winograd, current.ModelOptions().ConvAlgorithm);
        Assert.Contains("\"conv-algorithm\": \"winograd\"", current.ToJson());
        Assert.Equal("direct", TrainConfig.FromJson((current with { ConvAlgorithm = "direct" }).ToJson()).ConvAlgorithm);

        // A config (or checkpoint header) written before the key existed ran every convolution directly, and resumes so.
        string old = System.Text.RegularExpressions.Regex.Replace(current.ToJson(), "\\s*\"conv-algorithm\": \"[a-z]+\",", "");
        Assert.DoesNotContain("conv-algorithm", old);
        var legacy = TrainConfig.FromJson(old);
        Assert.Equal("direct", legacy.ConvAlgorithm);
        Assert.Equal(ConvAlgorithm.Direct, legacy.ModelOptions().ConvAlgorithm);
        Assert.Equal(new[] { "conv-algorithm" }, legacy.Differences(current));
        var gan = new GanPair(legacy.ModelOptions());
        Assert.All(gan.Generator.Layers.OfType<Conv2DTranspose>(), l => Assert.Equal(ConvAlgorithm.Direct, l.Algorithm));

        // New runs: the wide layers take Winograd, the 1-channel image layers stay direct.
        var fresh = new GanPair(current.ModelOptions());
        Assert.Equal([ConvAlgorithm.Winograd, ConvAlgorithm.Winograd, ConvAlgorithm.Direct],
            fresh.Generator.Layers.OfType<Conv2DTranspose>().Select(l => l.Algorithm));
        Assert.Equal([ConvAlgorithm.Direct, ConvAlgorithm.Winograd], fresh.Discriminator.Layers.OfType<Conv2D>().Select(l => l.Algorithm));

        var unknown = new TrainConfig { ConvAlgorithm = "fft" };
        Assert.Contains("unknown convolution algorithm 'fft'", Assert.Throws<InvalidDataException>(() => unknown.ModelOptions()).Message);
    }

    [Theory]
    [InlineData("projection")]
    [InlineData("projection-ac")]
    [InlineData("projection-cbn")]
    public void ResumeIsBitIdentical(string scheme)
    {
        var full = Train(Small(scheme, 3), Path.Combine(_root, "straight")).Gan;

        // From an epoch checkpoint...
        string split = Path.Combine(_root, "split");
        Train(Small(scheme, 1), split);
        var run = new RunFolder(split);
        var (saved, _) = Checkpoint.ReadHeader(run.Checkpoints()[^1].Path);
        Assert.Equal(scheme, saved.CondScheme);
        var resumed = Train(Small(scheme, 3), split, run.Checkpoints()[^1].Path).Gan;
        Assert.Equal(TrainConfig.SchemeOf(scheme).Scheme, resumed.Options.Scheme);
        Assert.True(full.Generator.Values.AsSpan().SequenceEqual(resumed.Generator.Values), "generator differs");
        Assert.True(full.Discriminator.Values.AsSpan().SequenceEqual(resumed.Discriminator.Values), "discriminator differs");
        Assert.True(full.DiscriminatorOptimizer.M.AsSpan().SequenceEqual(resumed.DiscriminatorOptimizer.M), "Adam state differs");

        // ...and from an interrupt in the middle of epoch 2.
        string cut = Path.Combine(_root, "cut");
        Assert.Equal(TrainOutcome.Interrupted, Train(Small(scheme, 3), cut, stopAfter: 5).Outcome);
        var cutRun = new RunFolder(cut);
        var again = Train(Small(scheme, 3), cut, cutRun.Checkpoints()[^1].Path).Gan;
        Assert.True(full.Generator.Values.AsSpan().SequenceEqual(again.Generator.Values), "generator differs after an interrupt");
        Assert.True(full.Discriminator.Values.AsSpan().SequenceEqual(again.Discriminator.Values), "discriminator differs after an interrupt");

        // A different scheme trains differently (the key is not ignored).
        var other = Train(Small(scheme == "projection" ? "acgan" : "projection", 3), Path.Combine(_root, "other")).Gan;
        Assert.False(full.Generator.Values.AsSpan().SequenceEqual(other.Generator.Values));
    }
}
