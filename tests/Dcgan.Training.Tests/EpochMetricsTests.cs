// metrics.jsonl read back (EpochMetrics.Read, for comparisons and experiment reports): every epoch in order, a torn
// last line from a run killed mid-append left out, damage anywhere else said with the file and line.
namespace Dcgan.Training.Tests;

using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class EpochMetricsTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void ReadsEveryEpochAndLeavesOutATornLastLine()
    {
        var run = new RunFolder(_t.Dir("run"));
        Assert.Empty(EpochMetrics.Read(run));
        string lines = new EpochMetrics { Epoch = 1, Seconds = 61.5, GeneratorLoss = 0.9 }.ToJsonLine() + "\n\n"
            + new EpochMetrics { Epoch = 2, Seconds = 60.25, Fid = 140 }.ToJsonLine() + "\n";
        File.WriteAllText(run.MetricsPath, lines + "{\"epoch\":3,\"g_lo");
        var epochs = EpochMetrics.Read(run);
        Assert.Equal([1, 2], epochs.Select(e => e.Epoch));
        Assert.Equal([61.5, 60.25], epochs.Select(e => e.Seconds));
        Assert.Equal((0.9, null, 140.0), (epochs[0].GeneratorLoss, epochs[0].Fid, epochs[1].Fid));
    }

    [Fact]
    public void ADamagedLineBeforeTheLastIsAnError()
    {
        var run = new RunFolder(_t.Dir("run"));
        File.WriteAllText(run.MetricsPath, "not json\n" + new EpochMetrics { Epoch = 2 }.ToJsonLine() + "\n");
        var e = Assert.Throws<InvalidDataException>(() => EpochMetrics.Read(run));
        Assert.StartsWith($"{run.MetricsPath}: line 1 is not an epoch's metrics", e.Message);
    }
}
