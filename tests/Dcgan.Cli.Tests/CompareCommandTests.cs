// `dcgan compare`: runs side by side as a user meets it: the table's figures for each run (median FID of the last
// epochs, best FID, rarest class, time), the FID chart as PNG and SVG of the fixed size, and every bad argument as one
// line with exit 2 and no chart written.
namespace Dcgan.Cli.Tests;

using Dcgan.Quality;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class CompareCommandTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    // A run folder as train --eval-every 1 leaves it: config.json, metrics.jsonl and quality.jsonl, FID per epoch.
    private string Run(string name, string recipe, int batch, double secondsPerEpoch, params double[] fid)
    {
        string folder = _t.Dir(name);
        File.WriteAllText(Path.Combine(folder, "config.json"), new TrainConfig { Recipe = recipe, BatchSize = batch, Epochs = fid.Length }.ToJson());
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), fid.Select((_, i) => new EpochMetrics { Epoch = i + 1, Seconds = secondsPerEpoch }.ToJsonLine()));
        File.WriteAllLines(Path.Combine(folder, QualityLog.FileName), fid.Select((f, i) => new QualityReport
        {
            Epoch = i + 1, Fid = f, Kid = f / 2, Precision = 0.5, Recall = 0.25, ClassShares = [0.5, 0.5], MinClassShare = 0.01 * (i + 1), Count = 100,
        }.ToJsonLine()));
        return folder;
    }

    [Fact]
    public void PrintsEachRunsFiguresAndDrawsTheirFidCurves()
    {
        string tutorial = Run("tutorial-1", "tutorial", 256, 60, 1200, 700, 400, 300, 250);
        string fast = Run("fast-1", "fast", 128, 70, 200, 90, 45, 30, 33);
        string chart = Path.Combine(_t.Root, "out", "fid");
        Directory.CreateDirectory(Path.GetDirectoryName(chart)!);
        var (exit, output, err) = CliRunner.Run("compare", tutorial, "quick=" + fast, "--chart", chart + ".svg");
        Assert.True(exit == 0, err);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal(["run", "recipe", "batch", "epochs", "train", "time", "FID", "(last", "3)", "best", "FID", "rarest", "class", "KID", "precision", "recall"],
            lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["tutorial-1", "tutorial", "256", "5", "5m", "00s", "300.0", "(epochs", "3-5)", "250.0", "(epoch", "5)", "4.0", "%", "125.00", "50.0", "%", "25.0", "%"],
            lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["quick", "fast", "128", "5", "5m", "50s", "33.0", "(epochs", "3-5)", "30.0", "(epoch", "4)", "4.0", "%", "16.50", "50.0", "%", "25.0", "%"],
            lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"FID by epoch: {chart}.png and {chart}.svg", lines[3]);
        ChartAssert.Files(chart, "tutorial-1", "quick", "FID by epoch (lower is better)", "100", "1,000");
    }

    [Fact]
    public void ARunWithoutMeasurementsIsListedAndSaysHowToMeasure()
    {
        string plain = _t.Dir("plain");
        File.WriteAllText(Path.Combine(plain, "config.json"), new TrainConfig().ToJson());
        var (exit, output, err) = CliRunner.Run("compare", plain, "--last", "2");
        Assert.True(exit == 0, err);
        Assert.Contains("FID (last 2)", output);
        Assert.Equal(["plain", "tutorial", "256", "0", "0s", "-", "-", "-", "-", "-", "-"], output.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("(-: not measured; train with --eval-every N, or run dcgan evaluate --from RUN_DIR)\n", output);

        var chart = CliRunner.Run("compare", plain, "--chart", Path.Combine(_t.Root, "fid"));
        Assert.Equal(2, chart.Exit);
        Assert.Equal("dcgan: error: --chart: none of these runs measured its quality (train with --eval-every N, or run dcgan evaluate)\n", chart.Err);
        Assert.False(File.Exists(Path.Combine(_t.Root, "fid.png")));
    }

    [Fact]
    public void BadArgumentsAreOneLineAndWriteNothing()
    {
        string run = Run("run", "fast", 128, 60, 100, 90, 80);
        string notRun = _t.Dir("not-a-run");
        string missing = Path.Combine(_t.Root, "missing");
        (string[] Args, string Error)[] cases =
        [
            ([], "name at least one run folder to compare (dcgan compare RUN_DIR ...)"),
            ([missing], $"{missing} does not exist"),
            ([notRun], $"{notRun} is not a run folder (it has no config.json)"),
            ([run, run], "two runs are labelled 'run'; name them with LABEL=RUN_DIR"),
            ([run, "--chart", notRun], $"--chart {notRun} is a folder; give a file name such as {Path.Combine(notRun, "fid")}"),
            ([run, "--chart", Path.Combine(missing, "fid")], $"--chart: the folder {missing} does not exist"),
            ([run, "--last", "0"], "--last"),
        ];
        foreach (var (args, error) in cases)
        {
            var (exit, output, err) = CliRunner.Run(["compare", .. args]);
            Assert.Equal(2, exit);
            Assert.Equal("", output);
            Assert.StartsWith("dcgan: error: " + error, err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
        }
        Assert.Empty(Directory.GetFiles(notRun));
    }
}
