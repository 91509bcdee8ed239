// A comparison row read from a run folder (RunComparison): the median FID and rarest-class share of the last measured
// epochs, the best FID and its epoch, the last KID/precision/recall, epochs and seconds from metrics.jsonl, and what a
// folder that is no run says.
namespace Dcgan.Quality.Tests;

using Dcgan.Quality;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class RunComparisonTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>A run folder with a config, <paramref name="seconds"/> per epoch and FID (and rarest class) per measured epoch.</summary>
    public static string WriteRun(string folder, string recipe, int batch, double[] seconds, params (int Epoch, double Fid, double MinShare)[] quality)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), new TrainConfig { Recipe = recipe, BatchSize = batch, Epochs = seconds.Length }.ToJson());
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), seconds.Select((s, i) => new EpochMetrics { Epoch = i + 1, Seconds = s }.ToJsonLine()));
        File.WriteAllLines(Path.Combine(folder, QualityLog.FileName), quality.Select(q => new QualityReport
        {
            Epoch = q.Epoch, Fid = q.Fid, MinClassShare = q.MinShare, Kid = q.Fid / 1000, Precision = 0.5, Recall = q.Epoch / 10.0,
        }.ToJsonLine()));
        return folder;
    }

    [Fact]
    public void SummarisesTheLastMeasuredEpochsAndTheBest()
    {
        string run = WriteRun(_t.Dir("fast"), "fast", 128, [60, 61, 62, 63, 64], (1, 800, 0.01), (2, 150, 0.02), (3, 40, 0.05), (4, 90, 0.06), (5, 50, 0.055));
        var row = RunComparison.Read("fast seed 1", run, 3);
        Assert.Equal(("fast seed 1", "fast", 128, 5, 310.0), (row.Label, row.Config.Recipe, row.Config.BatchSize, row.Epochs, row.Seconds));
        Assert.Equal([3, 4, 5], row.Last.Select(r => r.Epoch!.Value));
        Assert.Equal(50.0, row.Fid);
        Assert.Equal(0.055, row.MinClassShare);
        Assert.Equal((40.0, 3), row.Best);
        Assert.Equal((0.05, 0.5, 0.5), (row.Latest!.Kid, row.Latest.Precision, row.Latest.Recall));

        // A window of two takes the mean of the middle pair; a window wider than the history takes all of it.
        Assert.Equal(70.0, RunComparison.Read("x", run, 2).Fid);
        Assert.Equal(90.0, RunComparison.Read("x", run, 100).Fid);
    }

    [Fact]
    public void ARunThatMeasuredNothingHasNoFigures()
    {
        string run = WriteRun(_t.Dir("plain"), "tutorial", 256, [50, 52]);
        var row = RunComparison.Read("plain", run, 3);
        Assert.Equal((2, 102.0), (row.Epochs, row.Seconds));
        Assert.Equal((null, null, null, null), (row.Fid, row.MinClassShare, row.Best, row.Latest));
        Assert.Null(RunComparison.FidChart([row]));
    }

    [Fact]
    public void FoldersThatAreNoRunSaySo()
    {
        Assert.Equal($"{Path.Combine(_t.Root, "missing")} does not exist",
            Assert.Throws<InvalidDataException>(() => RunComparison.Read("m", Path.Combine(_t.Root, "missing"), 3)).Message);
        Assert.Equal($"{_t.Dir("empty")} is not a run folder (it has no config.json)",
            Assert.Throws<InvalidDataException>(() => RunComparison.Read("e", _t.Dir("empty"), 3)).Message);
        string broken = _t.Dir("broken");
        File.WriteAllText(Path.Combine(broken, "config.json"), "{ not json");
        Assert.StartsWith($"{Path.Combine(broken, "config.json")} cannot be read: ",
            Assert.Throws<InvalidDataException>(() => RunComparison.Read("b", broken, 3)).Message);
    }
}
