// `dcgan evaluate`: measure a trained generator's images with the data set's classifier (FID, Inception Score
// analogue, class coverage, confidence), print them and record them in the run's quality.jsonl.
namespace Dcgan.Cli.Commands;

using Dcgan.Data;
using Dcgan.Quality;
using Dcgan.Training;

/// <summary>Evaluates a run or checkpoint.</summary>
public static class EvaluateCommand
{
    public static OptionSet Options() => new OptionSet("dcgan evaluate --from RUN_DIR|CHECKPOINT [options]",
        "Measure the quality of a trained generator against the data set's test split, with a classifier trained by\n" +
        "the engine (cached; trained once when missing): FID in its feature space, an Inception-Score analogue, the\n" +
        "share of each predicted class and the mean confidence. Recorded in the run's quality.jsonl.")
        .Text("from", null, "Run folder (uses its latest checkpoint) or checkpoint file")
        .Int("count", 2000, "Images to generate and measure", 2, 1_000_000)
        .Int("seed", 0, "Noise seed", 0, int.MaxValue)
        .Text("data-dir", null, "Folder with the data set's IDX files or .npz (default: the run's, then the usual places)")
        .Threads();

    public static int Run(OptionSet o, TextWriter stdout)
    {
        string from = o.GetText("from") ?? throw new UserError("--from RUN_DIR|CHECKPOINT is required");
        Sampler sampler;
        try
        {
            sampler = Sampler.Open(from);
        }
        catch (FileNotFoundException e)
        {
            throw new UserError(e.Message);
        }
        string? dataDir = o.GetText("data-dir") is { } dir ? Path.GetFullPath(dir) : sampler.Config.DataDir;
        if (dataDir is not null && !Directory.Exists(dataDir) && !File.Exists(dataDir))
        {
            throw new UserError($"--data-dir {dataDir} does not exist");
        }
        var evaluator = QualityEvaluator.ForDataset(sampler.Config.Dataset, stdout, DataLocations.FromEnvironment(dataDir));
        var report = evaluator.Evaluate(sampler, o.GetInt("count"), (ulong)o.GetInt("seed"));
        stdout.WriteLine($"Quality of {sampler.CheckpointPath} (epoch {report.Epoch}):");
        stdout.Write(report.FormatTable());
        if (RunOf(sampler.CheckpointPath) is { } run)
        {
            QualityLog.Append(run, report);
            stdout.WriteLine($"Recorded in {QualityLog.PathFor(run)}");
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
