// The conditional DCGAN through the command line: training, the one-row-per-class grid, drawing a
// chosen class, and the errors for labels that make no sense.
namespace Dcgan.Cli.Tests;

using Dcgan.Imaging;
using Dcgan.Models;
using Dcgan.Training;

public sealed class ConditionalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-cond-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TrainsDrawsAChosenClassAndResumes()
    {
        string run = Path.Combine(_root, "run");
        string[] common = ["--dataset", "synthetic", "--conditional", "--limit", "40", "--batch-size", "20", "--checkpoint-every", "1", "--seed", "2", "--out", run];
        var train = CliRunner.Run(["train", "--epochs", "1", .. common]);
        Assert.True(train.Exit == 0, train.Err);

        // The epoch grid: 10 rows (one per class) of 10 columns of 28x28 tiles, upscaled 4x, 2 px gutters.
        Raster grid = ImageFiles.ReadImage(Path.Combine(run, "samples", "image_at_epoch_0001.png"));
        Assert.Equal(10 * 112 + 11 * 2, grid.Width);
        Assert.Equal(10 * 112 + 11 * 2, grid.Height);
        Assert.Equal(1, grid.Channels);

        var sampler = Sampler.Open(run);
        Assert.Equal(10, sampler.Classes);
        Assert.Equal(110, sampler.Generator.Network.InputShape[0]); // 100 noise + 10 one-hot
        var saved = TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(TrainConfig.DefaultCondScheme, saved.CondScheme);
        // A conditional run samples from the generator's moving average unless told otherwise; checkpoints keep it.
        Assert.Equal(TrainConfig.ConditionalGeneratorEma, saved.GeneratorEma);
        Assert.Equal(2, saved.ClassLossWeight);
        string latest = new RunFolder(run).Checkpoints()[^1].Path;
        var gan = new GanPair(saved.ModelOptions());
        Checkpoint.Load(latest, gan);
        Assert.NotNull(gan.GeneratorAverage);
        Assert.Equal(gan.Options.DiscriminatorOutputs, gan.Discriminator.OutputShape[0]);
        // The label changes the picture; the same label and seed repeat it.
        float[] three = sampler.Draw(2, seed: 1, label: 3);
        float[] seven = sampler.Draw(2, seed: 1, label: 7);
        Assert.False(three.AsSpan().SequenceEqual(seven));
        Assert.True(three.AsSpan().SequenceEqual(sampler.Draw(2, seed: 1, label: 3)));

        string idx = Path.Combine(_root, "sevens.idx");
        var gen = CliRunner.Run("generate", "--from", run, "--label", "7", "--count", "6", "--out", idx);
        Assert.True(gen.Exit == 0, gen.Err);
        Assert.Equal(16 + 6 * 784, new FileInfo(idx).Length);

        var resumed = CliRunner.Run(["train", "--resume", "--epochs", "2", .. common]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        var notConditional = CliRunner.Run(["train", "--resume", "--epochs", "3", .. common.Where(a => a != "--conditional")]);
        Assert.Equal(0, notConditional.Exit); // flags not given keep the run's own settings
    }

    [Fact]
    public void TheSchemeIsSavedAndAResumeKeepsIt()
    {
        string run = Path.Combine(_root, "scheme");
        string[] common = ["--dataset", "synthetic", "--conditional", "--limit", "16", "--batch-size", "8", "--seed", "3", "--out", run];
        var train = CliRunner.Run(["train", "--epochs", "1", "--cond-scheme", "projection-ac-cbn", .. common]);
        Assert.True(train.Exit == 0, train.Err);
        Assert.Contains("\"cond-scheme\": \"projection-ac-cbn\"", File.ReadAllText(Path.Combine(run, "config.json")));
        var sampler = Sampler.Open(run);
        var gan = new GanPair(sampler.Config.ModelOptions());
        Checkpoint.Load(sampler.CheckpointPath, gan);
        Assert.Equal(21, gan.Discriminator.OutputShape[0]); // psi + 10 projections + 10 class logits
        Assert.Equal(3, sampler.Generator.Network.Layers.Count(l => l is Dcgan.Engine.Layers.ClassAffine));
        Assert.Equal(0, CliRunner.Run("generate", "--from", run, "--label", "4", "--count", "3", "--out", Path.Combine(_root, "fours.png")).Exit);

        var changed = CliRunner.Run(["train", "--resume", "--epochs", "2", "--cond-scheme", "acgan", .. common]);
        Assert.Equal(2, changed.Exit);
        Assert.Contains("--cond-scheme", changed.Err);
        var resumed = CliRunner.Run(["train", "--resume", "--epochs", "2", .. common]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains("\"cond-scheme\": \"projection-ac-cbn\"", File.ReadAllText(Path.Combine(run, "config.json")));

        var unknown = CliRunner.Run("train", "--conditional", "--cond-scheme", "bogus");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("--cond-scheme", unknown.Err);
    }

    [Fact]
    public void BadLabelsAreOneLineErrors()
    {
        string conditional = Path.Combine(_root, "conditional");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1", "--conditional", "--out", conditional).Exit);
        var outOfRange = CliRunner.Run("generate", "--from", conditional, "--label", "10", "--out", Path.Combine(_root, "y.png"));
        Assert.Equal(2, outOfRange.Exit);
        Assert.Contains($"--label 10 is out of range: {conditional} draws classes 0 to 9", outOfRange.Err);
        var notANumber = CliRunner.Run("generate", "--from", conditional, "--label", "seven", "--out", Path.Combine(_root, "y.png"));
        Assert.Equal(2, notANumber.Exit);
        Assert.Contains("--label must be a class number from 0 to 9, got 'seven'", notANumber.Err);
        Assert.False(File.Exists(Path.Combine(_root, "y.png")));

        string plain = Path.Combine(_root, "plain");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1", "--samples", "1", "--out", plain).Exit);
        var unconditional = CliRunner.Run("generate", "--from", plain, "--label", "3", "--out", Path.Combine(_root, "x.png"));
        Assert.Equal(2, unconditional.Exit);
        Assert.Contains("--label needs a run trained with --conditional", unconditional.Err);
        Assert.Single(unconditional.Err.TrimEnd('\n').Split('\n'));
    }
}
