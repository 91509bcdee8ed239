// Checkpoints checked field by field: a file someone edited and sealed again with a fresh SHA-256 is refused with a
// one-line CheckpointException naming it (never a hang, a spin, another exception or gigabytes read), and so are
// files that are not regular files at all.
namespace Dcgan.Training.Tests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using Dcgan.Data;
using Dcgan.Models;
using Dcgan.TestSupport;

/// <summary>One tiny trained run whose last checkpoint the tests take apart.</summary>
public sealed class TrainedCheckpoint : IDisposable
{
    public TrainedCheckpoint()
    {
        Config = new TrainConfig { Dataset = "synthetic", Epochs = 2, BatchSize = 8, Limit = 16, CheckpointEvery = 1, Samples = 1, Seed = 5, Threads = 2, Version = "test" };
        string run = _temp.Dir("run");
        new Trainer(Config, SyntheticDataset.Create(Config.Limit, (ulong)Config.Seed), new RunFolder(run), new QuietObserver()).Run(CancellationToken.None);
        Bytes = File.ReadAllBytes(new RunFolder(run).Checkpoints()[^1].Path);
    }

    private readonly TempDir _temp = new();

    public TrainConfig Config { get; }

    /// <summary>The checkpoint after epoch 2 of 2.</summary>
    public byte[] Bytes { get; }

    public void Dispose() => _temp.Dispose();
}

public sealed class CheckpointValidationTests(TrainedCheckpoint trained) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(byte[] bytes)
    {
        string path = _temp.File($"ckpt-{Guid.NewGuid():N}.dcgan");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The trained checkpoint with its header edited and sealed again.</summary>
    private string Edited(Action<JsonObject> edit)
    {
        var parts = CheckpointBytes.Parse(trained.Bytes);
        edit(parts.Header);
        return Write(parts.ToFile());
    }

    private static JsonObject State(JsonObject header) => header["State"]!.AsObject();

    private static void Refused(string path, string expected)
    {
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // Every other way in says the same: loading into a model, and opening it for drawing.
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new GanPair(new ModelOptions())));
        Assert.Throws<CheckpointException>(() => Sampler.Open(path));
    }

    [Fact]
    public void TheUneditedCheckpointLoads()
    {
        string path = Edited(_ => { });
        var (gan, config, state) = Checkpoints.Open(path);
        Assert.Equal(2, state.CompletedEpochs);
        var sampler = Sampler.Open(path);
        // The sampler holds the generator as trained (this run keeps no average), bit for bit.
        Assert.True(gan.Generator.Values.AsSpan().SequenceEqual(sampler.Generator.Network.Values));
        Assert.Equal(2, sampler.Epoch);
    }

    [Fact]
    public void ABillionCompletedEpochsIsRefused() =>
        Refused(Edited(h => State(h)["CompletedEpochs"] = 1_000_000_000), "1000000000 completed epochs where the run has 2");

    [Fact]
    public void NegativeCompletedEpochsAreRefused() =>
        Refused(Edited(h => State(h)["CompletedEpochs"] = -5), "-5 completed epochs");

    [Theory]
    [InlineData("NoiseState")]
    [InlineData("DropoutState")]
    [InlineData("EpochShuffleState")]
    public void AnAllZeroRandomStateIsRefused(string stream) =>
        Refused(Edited(h => State(h)[stream] = new JsonArray(0, 0, 0, 0, 0, 0)), "is all zeros");

    [Fact]
    public void ARandomStateOfAnotherSizeIsRefused() =>
        Refused(Edited(h => State(h)["NoiseState"] = new JsonArray(1, 2, 3)), "has 3 words instead of 6");

    [Theory]
    [InlineData("State")]
    [InlineData("Config")]
    [InlineData("Lengths")]
    public void ANullSectionIsRefused(string section) =>
        Refused(Edited(h => h[section] = null), "unreadable header");

    [Fact]
    public void NullInsideTheStateIsRefused() =>
        Refused(Edited(h => State(h)["Accumulator"] = null), "unreadable header");

    [Fact]
    public void AHugeHeaderLengthIsRefusedBeforeAnythingIsAllocated()
    {
        var parts = CheckpointBytes.Parse(trained.Bytes);
        Refused(Write(parts.ToFile(headerLength: 0xFFFF_FFF0)), "does not fit a file of");
    }

    [Theory]
    [InlineData("noise", "gaussian", "--noise must be one of normal, uniform, got 'gaussian'")]
    [InlineData("g-activation", "tanh", "--g-activation must be one of")]
    [InlineData("d-output", "softmax", "--d-output must be one of")]
    [InlineData("bn-variance", "keras4", "--bn-variance must be one of")]
    [InlineData("cond-scheme", "magic", "--cond-scheme must be one of")]
    [InlineData("conv-algorithm", "fft", "--conv-algorithm must be one of")]
    [InlineData("arch", "resnet", "--arch must be one of")]
    public void UnknownNamesInTheConfigAreRefused(string key, string value, string message) =>
        Refused(Edited(h => h["Config"]![key] = value), message);

    [Theory]
    [InlineData("epochs", 0, "--epochs must be between 1 and 100000, got 0")]
    [InlineData("batch-size", -1, "--batch-size must be between 1 and 65536")]
    [InlineData("noise-dim", 1_000_000, "--noise-dim must be between 1 and 4096")]
    [InlineData("lr-g", 1e300, "--lr-g must be between")]
    [InlineData("image-size", 30, "--image-size must be a multiple of 4")]
    [InlineData("channels", 2, "--channels must be one of 1, 3")]
    [InlineData("classes", -1, "--classes must be between 0 and 100000")]
    public void SettingsTrainRefusesAreRefused(string key, double value, string message) =>
        Refused(Edited(h => h["Config"]![key] = value), message);

    [Fact]
    public void AConditionalSigmoidDiscriminatorIsRefused() =>
        Refused(Edited(h =>
        {
            h["Config"]!["conditional"] = true;
            h["Config"]!["d-output"] = "sigmoid";
        }), "--conditional needs --d-output logits");

    [Theory]
    [InlineData(0, float.NaN, "holds NaN at generator value 17")]
    [InlineData(1, float.PositiveInfinity, "at discriminator value 17")]
    [InlineData(2, float.NegativeInfinity, "at generator Adam m value 17")]
    [InlineData(3, -1f, "holds -1 at generator Adam v value 17")]
    public void ValuesThatAreNotFiniteOrNegativeSecondMomentsAreRefused(int array, float value, string message)
    {
        var parts = CheckpointBytes.Parse(trained.Bytes);
        BitConverter.TryWriteBytes(parts.Arrays.AsSpan(parts.ArrayStart(array) + (17 * 4)), value);
        Refused(Write(parts.ToFile()), message);
    }

    [Fact]
    public void LengthsThatDoNotAddUpAreRefused()
    {
        Refused(Edited(h => h["Lengths"]![0] = (int)h["Lengths"]![0]! + 1), "array sizes do not match the header");
        Refused(Edited(h => h["Lengths"]!.AsArray().RemoveAt(5)), "5 arrays where a run with these settings keeps 6");
        Refused(Edited(h => h["Lengths"]![1] = -1), "array sizes do not match the header");
    }

    [Fact]
    public void HistoriesAndStepLossesOfOtherLengthsAreRefused()
    {
        Refused(Edited(h => State(h)["History"]!.AsArray().RemoveAt(0)), "a history of 1 epochs for 2 completed ones");
        Refused(Edited(h => State(h)["StepGeneratorLoss"]!.AsArray().Add(1.0)), "step losses for 4 steps");
        Refused(Edited(h => State(h)["GlobalStep"] = -1), "steps in all");
        Refused(Edited(h => State(h)["StepInEpoch"] = 3), "step 3 inside epoch 3 of a run of 2");
        Refused(Edited(h => State(h)["Accumulator"]!["RealHistogram"] = new JsonArray(1, 2)), "running sums");
    }

    [SkippableFact]
    public void TheDeviceOfZerosIsRefusedWithoutReadingIt()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "no /dev/zero here");
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader("/dev/zero"));
        Assert.Contains("/dev/zero is not a dcgan checkpoint (0 bytes", e.Message);
        Assert.Throws<CheckpointException>(() => Sampler.Open("/dev/zero"));
    }

    [SkippableFact]
    public void AFifoIsRefusedWithoutWaitingForAWriter()
    {
        string fifo = _temp.File("ckpt-1.dcgan");
        Skip.IfNot(Run("mkfifo", fifo), "mkfifo is not available");
        // Opening a FIFO for reading waits for a writer; the reader must not open it at all.
        // And a link to it whose own size (its target's path) is a checkpoint's: the size checked is the FIFO's.
        string link = _temp.File("ckpt-2.dcgan");
        File.CreateSymbolicLink(link, _temp.Root + string.Concat(Enumerable.Repeat("/.", 40)) + "/ckpt-1.dcgan");
        foreach (string path in new[] { fifo, link })
        {
            var read = Task.Run(() => Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path)));
            Assert.True(read.Wait(TimeSpan.FromSeconds(30)), $"reading {path} hung");
            Assert.Contains("not a dcgan checkpoint", read.Result.Message);
        }
    }

    [Fact]
    public void AFolderIsNotACheckpoint()
    {
        string folder = _temp.Dir("a-folder");
        Assert.Contains("is a folder", Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(folder)).Message);
        Assert.Contains("does not exist", Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(folder + "-missing")).Message);
    }

    [Fact]
    public void ResumingAtAStepBeyondTheEpochIsRefused()
    {
        // Consistent in itself, but this data makes 2-step epochs: step 5 of epoch 2 cannot be where a run stopped.
        string run = _temp.Dir("resume");
        string path = Path.Combine(run, "ckpt-1.dcgan");
        var parts = CheckpointBytes.Parse(trained.Bytes);
        var state = State(parts.Header);
        parts.Header["Config"]!["epochs"] = 3;
        state["StepInEpoch"] = 5;
        state["GlobalStep"] = (int)state["GlobalStep"]! + 5;
        state["Accumulator"]!["Steps"] = 5;
        for (int i = 0; i < 5; i++)
        {
            state["StepGeneratorLoss"]!.AsArray().Add(0.7);
            state["StepDiscriminatorLoss"]!.AsArray().Add(1.3);
        }
        File.WriteAllBytes(path, parts.ToFile());
        var config = trained.Config with { Epochs = 3 };
        var trainer = new Trainer(config, SyntheticDataset.Create(config.Limit, (ulong)config.Seed), new RunFolder(run), new QuietObserver());
        var e = Assert.Throws<CheckpointException>(() => trainer.Run(CancellationToken.None, path));
        Assert.Contains("stopped at step 5 of an epoch, but an epoch of this data has 2 steps", e.Message);
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
