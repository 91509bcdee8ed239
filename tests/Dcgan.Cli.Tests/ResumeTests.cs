// train --resume as a user meets it: config.json says what the run now goes on with, asking for epochs already trained
// trains nothing and changes no file (but finishes a run killed before its last files), a changed setting is shown with
// its old and new value, and the settings that may change are the ones docs/reliability.md lists.
namespace Dcgan.Cli.Tests;

using System.Text.RegularExpressions;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class ResumeTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private string[] Train(string run, params string[] more) =>
        ["train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--samples", "1", "--seed", "3", "--out", run, .. more];

    private string TrainRun(int epochs)
    {
        string run = _t.File("run");
        var result = CliRunner.Run(Train(run, "--epochs", $"{epochs}", "--checkpoint-every", "1"));
        Assert.True(result.Exit == 0, result.Err);
        return run;
    }

    private static TrainConfig Config(string run) => TrainConfig.FromJson(File.ReadAllText(new RunFolder(run).ConfigPath));

    [Fact]
    public void AResumeRewritesConfigJsonWithTheSettingsItGoesOnWith()
    {
        string run = TrainRun(1);
        Assert.Equal((1, 1, 0), (Config(run).Epochs, Config(run).CheckpointEvery, Config(run).Threads));
        var resumed = CliRunner.Run(Train(run, "--resume", "--epochs", "2", "--checkpoint-every", "2", "--threads", "1"));
        Assert.True(resumed.Exit == 0, resumed.Err);
        var config = Config(run);
        Assert.Equal((2, 2, 1), (config.Epochs, config.CheckpointEvery, config.Threads));
        // The rest as the run was started, and what the checkpoint holds.
        Assert.Equal(Checkpoint.ReadHeader(new RunFolder(run).Checkpoints()[^1].Path).Config.ToJson(), config.ToJson());
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp"));
        var status = RunStatus.Read(new RunFolder(run).StatusPath);
        Assert.Equal((RunState.Finished, 2, 2), (status.State, status.EpochsDone, status.Epochs));
    }

    [Theory]
    [InlineData(new[] { "--epochs", "1" }, "has already trained 2 epochs; --epochs 1 trains nothing more (give more epochs to continue it)")]
    [InlineData(new[] { "--epochs", "2" }, "has already trained 2 epochs; --epochs 2 trains nothing more (give more epochs to continue it)")]
    [InlineData(new string[0], "has already trained its 2 epochs; give --epochs N above 2 to continue it")]
    [InlineData(new[] { "--epochs", "1", "--threads", "1", "--checkpoint-every", "5" }, "has already trained 2 epochs; --epochs 1 trains nothing more (give more epochs to continue it)")]
    public void EpochsAlreadyTrainedTrainNothingAndChangeNoFile(string[] flags, string message)
    {
        string run = TrainRun(2);
        var before = FolderSnapshot.Take(run);
        var (exit, output, err) = CliRunner.Run(Train(run, ["--resume", .. flags]));
        Assert.Equal(0, exit);
        Assert.Equal("", err);
        Assert.StartsWith($"Nothing trained: run {Path.GetFullPath(run)} ", output);
        Assert.EndsWith($"{message}\n", output.ReplaceLineEndings("\n"));
        Assert.Single(output.TrimEnd('\n').Split('\n'));
        Assert.Equal(before, FolderSnapshot.Take(run));
    }

    [Fact]
    public void ARunKilledAfterItsLastCheckpointGetsItsLastFilesFromAResume()
    {
        string run = TrainRun(2);
        var folder = new RunFolder(run);
        // As if killed between the last checkpoint and the last files: no epoch-2 line, no GIF or report, still "training".
        File.WriteAllLines(folder.MetricsPath, File.ReadAllLines(folder.MetricsPath).Take(1));
        File.Delete(folder.GifPath);
        File.Delete(folder.ReportPath);
        new RunStatus { State = RunState.Training, EpochsDone = 1, Epochs = 2, Pid = 1 }.Write(folder.StatusPath);

        var (exit, output, err) = CliRunner.Run(Train(run, "--resume", "--epochs", "2"));
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("Nothing trained", output);
        Assert.DoesNotContain("Time for epoch", output);
        Assert.Equal([1, 2], File.ReadAllLines(folder.MetricsPath).Select(l => EpochMetrics.FromJsonLine(l).Epoch));
        Assert.True(File.Exists(folder.GifPath) && File.Exists(folder.ReportPath));
        Assert.Equal(RunState.Finished, RunStatus.Read(folder.StatusPath).State);
        Assert.Equal(2, folder.Checkpoints().Count);

        // Now it is finished: the same resume trains nothing and changes nothing.
        var before = FolderSnapshot.Take(run);
        Assert.StartsWith("Nothing trained: ", CliRunner.Run(Train(run, "--resume", "--epochs", "2")).Out);
        Assert.Equal(before, FolderSnapshot.Take(run));
    }

    [Fact]
    public void AChangedSettingIsShownWithItsOldAndNewValue()
    {
        string run = TrainRun(1);
        var before = FolderSnapshot.Take(run);
        var (exit, output, err) = CliRunner.Run(Train(run, "--resume", "--epochs", "2", "--lr-g", "0.0002", "--noise", "uniform", "--drop-last"));
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal($"dcgan: error: cannot resume {Path.GetFullPath(run)} with changed settings: --drop-last false -> true, --noise normal -> uniform, " +
            "--lr-g 0.0001 -> 0.0002 (the run was started with the first values; only --epochs, --threads, --checkpoint-every, --data-dir, --eval-every may change)\n",
            err.ReplaceLineEndings("\n"));
        Assert.Equal(before, FolderSnapshot.Take(run));
    }

    [Fact]
    public void TheSettingsThatMayChangeAreTheOnesTheDocsList()
    {
        // docs/reliability.md's row on changed settings names them: "Only `--a`, `--b` and `--c` may change".
        string doc = File.ReadAllText(Repo.File("docs", "reliability.md"));
        var row = doc.Split('\n').Single(l => l.StartsWith("| resume with settings that change the run |", StringComparison.Ordinal));
        var listed = Regex.Match(row, @"Only (.*?) may change").Groups[1].Value;
        Assert.Equal(TrainConfig.ResumableChanges.Select(n => "`--" + n + "`").Order(), Regex.Matches(listed, @"`--[a-z-]+`").Select(m => m.Value).Order());

        // And each of them may really change: a resume that changes them all goes through and config.json says so.
        string run = TrainRun(1);
        var first = Config(run);
        string elsewhere = _t.Dir("elsewhere");
        var resumed = CliRunner.Run(Train(run, "--resume", "--epochs", "2", "--threads", "1", "--checkpoint-every", "3", "--data-dir", elsewhere));
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Equal(["checkpoint-every", "data-dir", "epochs", "threads"], Config(run).Differences(first).Where(n => n != "version").Order());
        // --eval-every too (shown on a run with nothing left to train, so nothing is measured).
        var evaluated = CliRunner.Run(Train(run, "--resume", "--epochs", "2", "--eval-every", "3"));
        Assert.True(evaluated.Exit == 0, evaluated.Err);
        Assert.StartsWith("Nothing trained: ", evaluated.Out);
    }
}
