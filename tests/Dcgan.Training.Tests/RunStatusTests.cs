// status.json as one typed record: every state round-trips under its JSON name, files the trainer wrote before the
// record existed still read, and anything else is refused as not a status.
namespace Dcgan.Training.Tests;

using Dcgan.Data;
using Dcgan.TestSupport;

public sealed class RunStatusTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(RunState.Training, "training")]
    [InlineData(RunState.Finished, "finished")]
    [InlineData(RunState.Interrupted, "interrupted")]
    [InlineData(RunState.Failed, "failed")]
    public void EveryStateRoundTripsUnderItsName(RunState state, string name)
    {
        string path = _temp.File($"{name}.json");
        var status = new RunStatus { State = state, EpochsDone = 3, Epochs = 5, Pid = 42, Updated = DateTimeOffset.UnixEpoch, Detail = "why" };
        status.Write(path);
        Assert.Equal(name, RunStatus.NameOf(state));
        Assert.Contains($"\"state\":\"{name}\"", File.ReadAllText(path));
        Assert.Equal(status, RunStatus.Read(path));
    }

    [Fact]
    public void AnOlderTrainersFileReads()
    {
        string path = _temp.File("status.json");
        File.WriteAllText(path, """{"state":"failed","epochs_done":2,"epochs":5,"pid":123,"updated":"2025-01-02T03:04:05.0000000+00:00","detail":"could not write checkpoint"}""");
        var status = RunStatus.Read(path);
        Assert.Equal(RunState.Failed, status.State);
        Assert.Equal("could not write checkpoint", status.Detail);
        File.WriteAllText(path, """{"state":"finished"}""");
        Assert.Equal(RunState.Finished, RunStatus.Read(path).State);
    }

    [Theory]
    [InlineData("""{"state":"sleeping"}""")]
    [InlineData("""{"pid":1}""")]
    [InlineData("""{"state":null}""")]
    [InlineData("""{"state":"trai""")]
    [InlineData("not json")]
    public void AnythingElseIsNotAStatus(string text)
    {
        string path = _temp.File("status.json");
        File.WriteAllText(path, text);
        Assert.Throws<InvalidDataException>(() => RunStatus.Read(path));
    }

    [Fact]
    public void AFailedCheckpointWriteLeavesAFailedStatusAndNoUnsavedEpochInTheMetrics()
    {
        var config = new TrainConfig { Dataset = "synthetic", Epochs = 2, BatchSize = 8, Limit = 16, CheckpointEvery = 1, Samples = 1, Seed = 6, Threads = 2, Version = "test" };
        var data = SyntheticDataset.Create(config.Limit, (ulong)config.Seed);
        var run = new RunFolder(_temp.Dir("run"));
        new Trainer(config with { Epochs = 1 }, data, run, new QuietObserver()).Run(CancellationToken.None);
        string first = run.Checkpoints()[^1].Path;
        // Something that is not a file stands where epoch 2's checkpoint must go.
        Directory.CreateDirectory(run.CheckpointPath(2));

        var e = Assert.Throws<IOException>(() => new Trainer(config, data, run, new QuietObserver()).Run(CancellationToken.None, first));
        Assert.Contains("could not write checkpoint", e.Message);
        // Epoch 2 was trained but never saved: metrics.jsonl must not claim it.
        Assert.Equal([1], File.ReadAllLines(run.MetricsPath).Select(l => EpochMetrics.FromJsonLine(l).Epoch));
        var status = RunStatus.Read(run.StatusPath);
        Assert.Equal(RunState.Failed, status.State);
        Assert.Contains("could not write checkpoint", status.Detail);
    }
}
