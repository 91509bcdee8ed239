// The command line as a user meets it: help, summary, every kind of bad input (one line, exit 2, no
// stack trace), and a whole train -> generate -> resume round trip on the synthetic data set.
namespace Dcgan.Cli.Tests;

using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void HelpListsEveryVerb()
    {
        var (exit, output, _) = CliRunner.Run("--help");
        Assert.Equal(0, exit);
        // One aligned column: every verb is followed by at least two spaces, and every help text starts in the same column.
        var verbLines = output.Split('\n').SkipWhile(l => l != "Commands:").Skip(1).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(["train", "generate", "export", "summary", "bench", "data", "evaluate", "experiment", "compare", "serve"],
            verbLines.Select(l => l.Trim().Split(' ')[0]));
        Assert.All(verbLines, l => Assert.Matches(@"^  [a-z]+ {2,}\S", l));
        Assert.Single(verbLines.Select(l => l.IndexOf(l.Trim().Split(' ', 2)[1].TrimStart()[0], 2 + l.Trim().Split(' ')[0].Length)).Distinct());
        var train = CliRunner.Run("train", "--help");
        Assert.Equal(0, train.Exit);
        Assert.Contains("--batch-size N", train.Out);
        Assert.Contains("[default: 256, or 128 with --arch dcgan or --recipe fast]", train.Out);
        Assert.Contains("--epochs N                     Epochs to train [default: 50]", train.Out);
        // A flag whose help states its defaults gets no second one.
        Assert.DoesNotContain(train.Out.Split('\n'), l => l.Split("[default:").Length > 2);
    }

    [Fact]
    public void SummaryPrintsKerasTotals()
    {
        var (exit, output, _) = CliRunner.Run("summary");
        Assert.Equal(0, exit);
        Assert.Contains("Total params: 2,330,944 (8.89 MB)", output);
        Assert.Contains("Trainable params: 2,305,472 (8.79 MB)", output);
        Assert.Contains("Non-trainable params: 25,472 (99.50 KB)", output);
        Assert.Contains("Total params: 212,865 (831.50 KB)", output);
        Assert.Contains("│ conv2d_transpose_2              │ (None, 28, 28, 1)      │         1,600 │", output);
        var relu = CliRunner.Run("summary", "--g-activation", "relu", "--noise-dim", "64", "--d-output", "sigmoid");
        Assert.Contains("re_lu (ReLU)", relu.Out);
        Assert.Contains("802,816", relu.Out); // Dense 64 x 12544
        Assert.Contains("activation_1 (Activation)", relu.Out); // the discriminator's sigmoid
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "train", "--epochs", "zero" }, "--epochs must be a whole number, got 'zero'")]
    [InlineData(new[] { "train", "--epochs", "0" }, "--epochs must be between 1 and 100000, got 0")]
    [InlineData(new[] { "train", "--batch-size", "-5" }, "--batch-size must be between 1 and 65536, got -5")]
    [InlineData(new[] { "train", "--lr-g", "abc" }, "--lr-g must be a number, got 'abc'")]
    [InlineData(new[] { "train", "--lr-d", "NaN" }, "--lr-d must be a number, got 'NaN'")]
    [InlineData(new[] { "train", "--dataset", "cifar" }, "--dataset must be one of mnist, fashion-mnist, emoji, folder, synthetic, got 'cifar'")]
    [InlineData(new[] { "train", "--noise", "gaussian" }, "--noise must be one of normal, uniform, got 'gaussian'")]
    [InlineData(new[] { "train", "--no-such-flag" }, "unknown option --no-such-flag")]
    [InlineData(new[] { "train", "--epochs" }, "--epochs needs a value")]
    [InlineData(new[] { "train", "--epochs", "3", "--epochs", "4" }, "--epochs given twice")]
    [InlineData(new[] { "train", "--resume" }, "--resume needs --out RUN_DIR")]
    [InlineData(new[] { "generate" }, "--from RUN_DIR|CHECKPOINT is required")]
    [InlineData(new[] { "generate", "--from", "x", "--out", "a.jpg" }, "--out must end in .png, .npy, .npz or .idx")]
    [InlineData(new[] { "data" }, "data needs a subcommand: fetch or info")]
    [InlineData(new[] { "bench", "--threads", "257" }, "--threads must be between 0 and 256, got 257")]
    [InlineData(new[] { "train", "--class-weight", "-1" }, "--class-weight must be between 0 and 100, got -1")]
    [InlineData(new[] { "train", "--conditional", "--d-output", "sigmoid" }, "a conditional discriminator ends in logits (its class head needs them); drop --d-output sigmoid")]
    [InlineData(new[] { "train", "--class-weight", "2" }, "--class-weight only applies with --conditional")]
    [InlineData(new[] { "train", "--cond-scheme", "projection" }, "--cond-scheme only applies with --conditional")]
    [InlineData(new[] { "train", "--conditional", "--cond-scheme", "projection-cbn", "--class-weight", "2" }, "--class-weight has no effect with --cond-scheme projection-cbn")]
    [InlineData(new[] { "summary", "--cond-scheme", "projection-ac" }, "--cond-scheme only applies with --conditional")]
    [InlineData(new[] { "train", "--conv-algorithm", "fft" }, "--conv-algorithm must be one of winograd, direct, got 'fft'")]
    [InlineData(new[] { "train", "--recipe", "quick" }, "--recipe must be one of tutorial, fast, got 'quick'")]
    [InlineData(new[] { "train", "--label-smoothing", "0.7" }, "--label-smoothing must be between 0 and 0.5, got 0.7")]
    [InlineData(new[] { "bench", "--conv-algorithm", "Winograd" }, "--conv-algorithm must be one of winograd, direct, got 'Winograd'")]
    [InlineData(new[] { "bench", "--estimate-threads", "1" }, "--estimate-threads must be between 2 and 256, got 1")]
    public void BadInputGetsOneLineAndExitTwo(string[] args, string message)
    {
        var (exit, output, error) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("dcgan: error: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("winograd")]
    [InlineData("direct")]
    public void BenchSaysWhichArithmeticItTimes(string algorithm)
    {
        var (exit, output, error) = CliRunner.Run("bench", "--batch-size", "4", "--steps", "1", "--warmup", "0", "--generate-batch", "2",
            "--threads", "1", "--conv-algorithm", algorithm);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains($"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, {algorithm} convolutions", output);
        Assert.Contains("\"train_images_per_s\":", output.TrimEnd().Split('\n')[^1]);
    }

    [Theory]
    [InlineData(new string[0], 12)]
    [InlineData(new[] { "--d-output", "sigmoid" }, 12)]
    [InlineData(new[] { "--g-activation", "relu", "--conv-algorithm", "direct" }, 12)]
    [InlineData(new[] { "--conditional" }, 12)]
    [InlineData(new[] { "--conditional", "--cond-scheme", "projection" }, 12)]
    [InlineData(new[] { "--conditional", "--cond-scheme", "projection-ac-cbn" }, 15)]
    public void BenchProfilesEveryLayerOfTheRealTrainStep(string[] model, int generatorLayers)
    {
        var (exit, output, error) = CliRunner.Run(["bench", "--batch-size", "4", "--steps", "2", "--warmup", "0", "--generate-batch", "2",
            "--threads", "1", "--profile", .. model]);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        var rows = output.Split('\n').Where(l => l.StartsWith("| sequential", StringComparison.Ordinal)).ToList();
        Assert.Equal(generatorLayers, rows.Count(r => r.StartsWith("| sequential |", StringComparison.Ordinal)));
        int discriminatorLayers = model.Contains("sigmoid") ? 9 : 8;
        Assert.Equal(discriminatorLayers, rows.Count(r => r.StartsWith("| sequential_1 |", StringComparison.Ordinal)));
        // Every layer ran forward in the profiled steps, so every row has a forward time; the convolutions did GEMMs.
        Assert.All(rows, r => Assert.Matches(@"^\| sequential(_1)? \| \w+ \| \w+ \| \d+\.\d\d \| \d+\.\d\d \|", r));
        Assert.All(rows.Where(r => r.Contains("| Conv2D", StringComparison.Ordinal)), r => Assert.Matches(@"\| \d+\.\d \| \d+\.\d \| \d+\.\d % \|$", r));
        Assert.Contains("| both | rest of the step |", output);
    }

    [Fact]
    public void BenchEstimatesEveryLayerOnEachThreadCount()
    {
        var (exit, output, error) = CliRunner.Run("bench", "--batch-size", "8", "--steps", "2", "--warmup", "0", "--generate-batch", "2",
            "--threads", "1", "--estimate-threads", "6");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Contains("| model | layer | 1 thread | 2 threads | 4 threads | 6 threads |", lines);
        var rows = lines.Where(l => l.StartsWith("| sequential", StringComparison.Ordinal)).ToList();
        Assert.Equal(12 + 8, rows.Count);
        // A time on one thread, then a time and an efficiency for each other count.
        Assert.All(rows, r => Assert.Matches(@"^\| sequential(_1)? \| \w+ \| \d+\.\d\d( \| \d+\.\d\d( \(\d+ %\))?){3} \|$", r));
        var step = lines.Single(l => l.StartsWith("| both | whole step |", StringComparison.Ordinal));
        Assert.Matches(@"^\| both \| whole step \| \d+\.\d\d( \| \d+\.\d\d \(\d+ %\)){3} \|$", step);
        Assert.Contains(lines, l => l.StartsWith("| both | images/s |", StringComparison.Ordinal));
        Assert.StartsWith("{\"train_images_per_s\":", lines.Last(l => l.Length > 0));
    }

    [Fact]
    public void PathsThatAreWrongGetOneLineErrors()
    {
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        var outIsFile = CliRunner.Run("train", "--dataset", "synthetic", "--out", file);
        Assert.Equal(2, outIsFile.Exit);
        Assert.Contains("is a file, not a folder", outIsFile.Err);
        Assert.Equal("x", File.ReadAllText(file));

        var notRun = CliRunner.Run("generate", "--from", _root, "--out", Path.Combine(_root, "g.png"));
        Assert.Equal(2, notRun.Exit);
        Assert.Equal($"dcgan: error: {_root} is not a run folder (no config.json)\n", notRun.Err.ReplaceLineEndings("\n"));

        var missing = CliRunner.Run("generate", "--from", Path.Combine(_root, "nope"));
        Assert.Equal(2, missing.Exit);
        Assert.Equal($"dcgan: error: {Path.Combine(_root, "nope")} does not exist\n", missing.Err.ReplaceLineEndings("\n"));

        var badData = CliRunner.Run("train", "--data-dir", Path.Combine(_root, "no-data"), "--out", Path.Combine(_root, "r"));
        Assert.Equal(2, badData.Exit);
        Assert.Contains("does not exist", badData.Err);
    }

    [Theory]
    [InlineData("folder", "missing", "{dir}: folder not found")]
    [InlineData("folder", "file", "{dir}: is a file; --data-dir takes a folder of images")]
    [InlineData("folder", "empty", "{dir}: no images found (PNG, JPEG, BMP, GIF or WebP files, searched recursively)")]
    [InlineData("folder", null, "--dataset folder needs --data-dir DIR, the folder of images")]
    [InlineData("mnist", "missing", "--data-dir {dir} does not exist")]
    [InlineData("fashion-mnist", "missing", "--data-dir {dir} does not exist")]
    [InlineData("fashion-mnist", "empty", "{dir}: fashion-mnist not found in the data dir: no IDX files (raw or .gz) or .npz archive")]
    [InlineData("emoji", "empty", "{dir}: no emoji set in the data dir")]
    public void DataThatCannotTrainLeaveNoRunFolderSoTheRetryStarts(string dataset, string? kind, string message)
    {
        string? dir = kind is null ? null : Path.Combine(_root, "data-" + kind);
        if (kind == "file")
        {
            File.WriteAllText(dir!, "not a folder");
        }
        else if (kind == "empty")
        {
            Directory.CreateDirectory(dir!);
        }
        string run = Path.Combine(_root, "run");
        var (exit, output, err) = CliRunner.Run(["train", "--dataset", dataset, .. dir is null ? Array.Empty<string>() : ["--data-dir", dir], "--epochs", "1", "--out", run]);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"dcgan: error: {message.Replace("{dir}", dir, StringComparison.Ordinal)}", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(run), "a run folder was created for data that cannot train");

        // The same --out with data that train: no "already holds files".
        var retry = CliRunner.Run("train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1", "--samples", "1", "--out", run);
        Assert.True(retry.Exit == 0, retry.Err);
    }

    [Fact]
    public void APngGridIsBoundedByItsPixelsAsWellAsItsImages()
    {
        // A 128 px generator (tiny widths, as initialised): 1,024 of its images make a 4096 x 4096 grid, the most a PNG
        // may hold; the array formats take any count.
        var config = new TrainConfig
        {
            Dataset = "folder", Architecture = "dcgan", ImageSize = 128, Channels = 1, GeneratorWidth = 1, DiscriminatorWidth = 1, ClassCount = 0,
            GeneratorActivation = "relu", BatchSize = 8, Epochs = 1, Samples = 1, Version = "test",
        };
        var gan = new Dcgan.Models.GanPair(config.ModelOptions());
        gan.Initialize(Dcgan.Kernels.Rng.Derive(1, "init"));
        string checkpoint = Path.Combine(_root, "ckpt-1.dcgan");
        Checkpoint.Save(checkpoint, config, TrainingState.Start(1), gan);
        string png = Path.Combine(_root, "grid.png");

        foreach (var (count, message) in new[]
        {
            (1025, "--count 1025 is too many for one PNG grid of 128x128 images (at most 1024; use .npy, .npz or .idx for more)"),
            (4097, "--count 4097 is too many for one PNG grid (at most 4096; use .npy, .npz or .idx for more)"),
        })
        {
            var (exit, output, err) = CliRunner.Run("generate", "--from", checkpoint, "--count", $"{count}", "--out", png);
            Assert.Equal(2, exit);
            Assert.Equal("", output);
            Assert.Equal($"dcgan: error: {message}\n", err.ReplaceLineEndings("\n"));
        }
        Assert.False(File.Exists(png));

        string npy = Path.Combine(_root, "many.npy");
        var array = CliRunner.Run("generate", "--from", checkpoint, "--count", "1025", "--out", npy);
        Assert.True(array.Exit == 0, array.Err);
        Assert.Equal(128 + 1025 * 128 * 128, new FileInfo(npy).Length);
    }

    [Fact]
    public void TheRecipeFillsWhatTheFlagsLeaveAndAResumeKeepsIt()
    {
        string run = Path.Combine(_root, "fast");
        string[] common = ["--dataset", "synthetic", "--limit", "16", "--batch-size", "8", "--samples", "4", "--checkpoint-every", "1", "--out", run];
        var train = CliRunner.Run(["train", "--epochs", "1", "--recipe", "fast", "--lr-d", "3e-4", .. common]);
        Assert.True(train.Exit == 0, train.Err);
        // config.json records the recipe and every value it resolved; the flag given wins over the recipe's.
        var saved = TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(("fast", 2e-4, 3e-4, 0.5, TrainConfig.FastGeneratorEma), (saved.Recipe, saved.LearningRateG, saved.LearningRateD, saved.Beta1, saved.GeneratorEma));
        Assert.Equal(saved, Checkpoints.Open(new RunFolder(run).Checkpoints()[^1].Path).Config with { Threads = saved.Threads });

        var other = CliRunner.Run(["train", "--resume", "--epochs", "2", "--recipe", "tutorial", .. common]);
        Assert.Equal(2, other.Exit);
        Assert.Contains("--recipe fast -> tutorial", other.Err);
        var resumed = CliRunner.Run(["train", "--resume", "--epochs", "2", .. common]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Equal("fast", TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json"))).Recipe);
    }

    [Fact]
    public void TrainGenerateAndResumeRoundTrip()
    {
        string run = Path.Combine(_root, "run");
        string[] common = ["--dataset", "synthetic", "--limit", "16", "--batch-size", "8", "--samples", "4", "--checkpoint-every", "1", "--seed", "5", "--out", run];
        var train = CliRunner.Run(["train", "--epochs", "1", .. common]);
        Assert.True(train.Exit == 0, train.Err);
        Assert.Contains("Time for epoch 1 is ", train.Out);
        Assert.True(File.Exists(Path.Combine(run, "samples", "image_at_epoch_0001.png")));
        // A plain run draws from the generator as trained, as the tutorial does.
        Assert.Equal(0, TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json"))).GeneratorEma);
        // config.json holds the settings by their flag names, and nothing else but the version and the data set's classes
        // (which come from the data).
        string trainHelp = Dcgan.Cli.Commands.TrainCommand.Options().HelpText();
        using (var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            foreach (var setting in config.RootElement.EnumerateObject().Where(p => p.Name is not ("version" or "classes" or "class-names")))
            {
                Assert.Contains($"--{setting.Name} ", trainHelp);
            }
        }

        // The same folder again without --resume must not touch it.
        var again = CliRunner.Run(["train", "--epochs", "1", .. common]);
        Assert.Equal(2, again.Exit);
        Assert.Contains("already holds files", again.Err);

        // Resume with a model-changing flag is refused, naming it.
        var changed = CliRunner.Run(["train", "--resume", "--epochs", "2", "--noise-dim", "64", .. common]);
        Assert.Equal(2, changed.Exit);
        Assert.Contains("--noise-dim", changed.Err);

        var resumed = CliRunner.Run(["train", "--resume", "--epochs", "2", .. common]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains("Resumed from", resumed.Out);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);

        string png = Path.Combine(_root, "g.png");
        var gen = CliRunner.Run("generate", "--from", run, "--count", "9", "--out", png);
        Assert.True(gen.Exit == 0, gen.Err);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));

        string idx = Path.Combine(_root, "g.idx");
        gen = CliRunner.Run("generate", "--from", run, "--count", "5", "--out", idx, "--seed", "3");
        Assert.True(gen.Exit == 0, gen.Err);
        byte[] bytes = File.ReadAllBytes(idx);
        Assert.Equal(16 + 5 * 28 * 28, bytes.Length);
        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28 }, bytes.Take(16));
        // Same seed, same images.
        string idx2 = Path.Combine(_root, "g2.idx");
        CliRunner.Run("generate", "--from", new RunFolder(run).Checkpoints()[^1].Path, "--count", "5", "--out", idx2, "--seed", "3");
        Assert.Equal(bytes, File.ReadAllBytes(idx2));
    }

    [Fact]
    public void DamagedCheckpointIsAnErrorAndNothingIsModified()
    {
        string run = Path.Combine(_root, "run");
        string[] common = ["--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--samples", "1", "--checkpoint-every", "1", "--out", run];
        Assert.Equal(0, CliRunner.Run(["train", "--epochs", "2", .. common]).Exit);
        var checkpoints = new RunFolder(run).Checkpoints();
        string latest = checkpoints[^1].Path;
        byte[] bytes = File.ReadAllBytes(latest);
        bytes[100] ^= 1;
        File.WriteAllBytes(latest, bytes);
        string metricsBefore = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));

        var refused = CliRunner.Run(["train", "--resume", "--epochs", "3", .. common]);
        Assert.Equal(2, refused.Exit);
        Assert.Contains(latest, refused.Err);
        Assert.Contains("damaged", refused.Err);
        Assert.Equal(bytes, File.ReadAllBytes(latest));
        Assert.Equal(metricsBefore, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));

        var fallback = CliRunner.Run(["train", "--resume", "--fallback-checkpoint", "--epochs", "3", .. common]);
        Assert.True(fallback.Exit == 0, fallback.Err);
        Assert.Contains("Skipping damaged checkpoint", fallback.Out);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
    }
}
