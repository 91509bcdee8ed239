// `dcgan evaluate`: measure a trained generator's images with the data set's classifier (FID, KID, precision and
// recall, Inception Score analogue, class coverage, confidence) and check it for memorisation against its training
// images, print the figures, record them in the run's quality.jsonl and draw the closest pairs into nearest.png.
namespace Dcgan.Cli.Commands;

using Dcgan.Data;
using Dcgan.Quality;
using Dcgan.Training;

/// <summary>Evaluates a run or checkpoint.</summary>
public static class EvaluateCommand
{
    public static OptionSet Options() => new OptionSet("dcgan evaluate --from RUN_DIR|CHECKPOINT [options]",
        "Measure the quality of a trained generator with a classifier trained by the engine (cached; trained once when\n" +
        "missing): against the test split (MNIST, Fashion-MNIST) or the held-out tenth of an image folder, FID, KID and\n" +
        "precision/recall in its feature space; an Inception-Score analogue, the share of each predicted class and the\n" +
        "mean confidence (a folder without classes: how many samples look upright to a rotation classifier); and a\n" +
        "memorisation check, samples nearer a training image than training images are to each other. Recorded in the\n" +
        "run's quality.jsonl; the closest sample/training-image pairs are drawn into the run's nearest.png.")
        .Text("from", null, "Run folder (uses its latest checkpoint) or checkpoint file")
        .Int("count", 2000, "Images to generate and measure", 2, 1_000_000)
        .Int("seed", 0, "Noise seed", 0, int.MaxValue)
        .Text("data-dir", null, "Folder with the data set's IDX files or .npz, or the run's image folder (default: the run's, then the usual places)")
        .Threads();

    public static int Run(OptionSet o, TextWriter stdout)
    {
        string from = o.GetText("from") ?? throw new UserError("--from RUN_DIR|CHECKPOINT is required");
        var sampler = GenerateCommand.OpenSampler(from);
        string? dataDir = o.GetText("data-dir") is { } dir ? Path.GetFullPath(dir) : sampler.Config.DataDir;
        if (dataDir is not null && !Directory.Exists(dataDir) && !File.Exists(dataDir))
        {
            throw new UserError($"--data-dir {dataDir} does not exist");
        }
        var run = RunOf(sampler.CheckpointPath);
        // Before the classifier and the measurement: a run folder that cannot take the record is said at once.
        if (run is not null && OutputFolder.Problem(run.Root) is { } unwritable)
        {
            throw new UserError($"cannot record the evaluation in {run.Root}: {unwritable} (quality.jsonl and nearest.png go there; " +
                "evaluate a copy of the checkpoint outside the run to measure without recording)");
        }
        var config = sampler.Config with { DataDir = dataDir };
        var evaluator = QualityEvaluator.For(config, stdout, DataLocations.FromEnvironment(dataDir));
        string? picture = run is null ? null : Path.Combine(run.Root, QualityEvaluator.NearestFileName);
        var report = evaluator.Evaluate(sampler, o.GetInt("count"), (ulong)o.GetInt("seed"), picture, config);
        stdout.WriteLine($"Quality of {sampler.CheckpointPath} (epoch {report.Epoch}):");
        stdout.Write(report.FormatTable(config.ClassNames));
        if (run is not null)
        {
            QualityLog.Append(run, report);
            stdout.WriteLine($"Recorded in {QualityLog.PathFor(run)}; the closest sample/training-image pairs are in {picture}");
        }
        else
        {
            stdout.WriteLine("Not recorded: the checkpoint is not inside a run folder.");
        }
        return 0;
    }

    /// <summary>The run a checkpoint belongs to: RUN/checkpoints/ckpt-N.dcgan with RUN/config.json.</summary>
    private static RunFolder? RunOf(string checkpoint)
    {
        var folder = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(checkpoint)));
        if (folder is null)
        {
            return null;
        }
        var run = new RunFolder(folder);
        return run.IsRun && Path.GetFullPath(run.CheckpointsDir) == Path.GetDirectoryName(Path.GetFullPath(checkpoint)) ? run : null;
    }
}
