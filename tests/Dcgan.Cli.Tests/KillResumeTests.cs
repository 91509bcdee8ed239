// Crash safety of the real program: SIGKILL at random moments (and in the middle of a checkpoint write),
// resume each time, and the final model is bit-identical to a run that was never interrupted.
namespace Dcgan.Cli.Tests;

using System.Diagnostics;
using Dcgan.Models;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class KillResumeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Args(string dir) =>
    [
        "train", "--dataset", "synthetic", "--limit", "24", "--batch-size", "8", "--epochs", "8", "--checkpoint-every", "1",
        "--samples", "4", "--seed", "9", "--threads", "2", "--out", dir,
    ];

    private static (Process Process, List<string> Lines) Start(IEnumerable<string> args, IDictionary<string, string>? env = null)
        => CliProcess.Start(args, env);

    private static int RunToEnd(IEnumerable<string> args)
    {
        var (p, lines) = Start(args);
        Assert.True(p.WaitForExit(120_000), "timed out");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, string.Join("\n", lines));
        return p.ExitCode;
    }

    private static string[] ResumeOrStart(string dir) =>
        File.Exists(Path.Combine(dir, "config.json")) ? [.. Args(dir), "--resume"] : Args(dir);

    private static GanPair Final(string dir)
    {
        var run = new RunFolder(dir);
        var (gan, config, state) = Checkpoints.Open(run.Checkpoints()[^1].Path);
        Assert.Equal(8, state.CompletedEpochs);
        return gan;
    }

    [Fact]
    public void KilledTenTimesAtRandomStillEndsBitIdentical()
    {
        string straight = Path.Combine(_root, "straight");
        RunToEnd(Args(straight));
        var expected = Final(straight);

        string dir = Path.Combine(_root, "killed");
        var random = new Random(1234);
        int kills = 0;
        for (int attempt = 0; attempt < 60; attempt++)
        {
            var (p, lines) = Start(ResumeOrStart(dir));
            if (kills >= 10)
            {
                Assert.True(p.WaitForExit(120_000));
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, string.Join("\n", lines));
                break;
            }
            if (p.WaitForExit(random.Next(150, 1500)))
            {
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, string.Join("\n", lines));
                if (Directory.Exists(dir) && new RunFolder(dir).Checkpoints().Count > 0
                    && Checkpoint.ReadHeader(new RunFolder(dir).Checkpoints()[^1].Path).State.CompletedEpochs == 8)
                {
                    // Finished before ten kills: start over in a fresh folder to get the kills in.
                    dir = Path.Combine(_root, $"killed-{attempt}");
                }
                continue;
            }
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            kills++;
        }
        Assert.True(kills >= 10, $"only {kills} kills");
        Checkpoints.AssertSameState(expected, Final(dir));
        var metrics = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"));
        Assert.Equal(Enumerable.Range(1, 8), metrics.Select(l => EpochMetrics.FromJsonLine(l).Epoch));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "checkpoints"), "*.tmp"));
    }

    [Fact]
    public void KilledDuringACheckpointWriteKeepsThePreviousOne()
    {
        string straight = Path.Combine(_root, "straight");
        RunToEnd(Args(straight));

        string dir = Path.Combine(_root, "paused");
        var env = new Dictionary<string, string> { ["DCGAN_FAULT_CHECKPOINT_PAUSE_MS"] = "60000" };
        // First write: let it through by killing only at the second one.
        var (p, lines) = Start(Args(dir), env);
        int pauses = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            lock (lines)
            {
                pauses = lines.Count(l => l.Contains("checkpoint write paused", StringComparison.Ordinal));
            }
            if (pauses >= 1)
            {
                break;
            }
            Thread.Sleep(20);
        }
        Assert.Equal(1, pauses);
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        var run = new RunFolder(dir);
        Assert.Empty(run.Checkpoints());
        Assert.NotEmpty(Directory.EnumerateFiles(run.CheckpointsDir, "*.tmp")); // the half-written file
        // Resume (no pause now) starts over, since no checkpoint was sealed, and ends identical.
        RunToEnd([.. Args(dir), "--resume"]);
        Checkpoints.AssertSameState(Final(straight), Final(dir));
        Assert.Empty(Directory.EnumerateFiles(run.CheckpointsDir, "*.tmp"));
    }

    [Fact]
    public void SigtermWritesACheckpointAndResumesExactly()
    {
        string straight = Path.Combine(_root, "straight");
        RunToEnd(Args(straight));
        string dir = Path.Combine(_root, "term");
        // Every checkpoint write stalls half a second, so the run is surely still going when the signal comes (it
        // arrives during epoch 2's checkpoint write; the run finishes that write, then stops).
        var (p, lines) = Start(Args(dir), new Dictionary<string, string> { ["DCGAN_FAULT_CHECKPOINT_PAUSE_MS"] = "500" });
        var clock = Stopwatch.StartNew();
        bool paused = false;
        while (!paused && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            lock (lines)
            {
                int epoch2 = lines.FindIndex(l => l.StartsWith("Time for epoch 2", StringComparison.Ordinal));
                paused = epoch2 >= 0 && lines.Skip(epoch2).Any(l => l == "checkpoint write paused");
            }
            Thread.Sleep(5);
        }
        Assert.True(paused, "the run never reached epoch 2's checkpoint");
        Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.True(p.WaitForExit(60_000));
        p.WaitForExit();
        lock (lines)
        {
            Assert.True(p.ExitCode == 130, string.Join("\n", lines));
            Assert.Contains(lines, l => l.StartsWith("Interrupted", StringComparison.Ordinal));
        }
        Assert.Contains("interrupted", File.ReadAllText(Path.Combine(dir, "status.json")));
        RunToEnd([.. Args(dir), "--resume"]);
        Checkpoints.AssertSameState(Final(straight), Final(dir));
        Assert.Contains("finished", File.ReadAllText(Path.Combine(dir, "status.json")));
    }

    [SkippableFact]
    public void SighupStopsAtACheckpointLikeSigterm()
    {
        // A closed terminal or a dropped ssh session sends SIGHUP, whose default ends the process on the spot. Under
        // nohup the signal is ignored, and a child inherits that (as a user who runs `nohup dcgan train` wants).
        Skip.If(SighupIgnored(), "SIGHUP is ignored by this test process (started under nohup?), so the trainer would inherit that");
        string dir = Path.Combine(_root, "hangup");
        string[] args = ["train", "--dataset", "synthetic", "--limit", "24", "--batch-size", "8", "--epochs", "100000", "--checkpoint-every", "100000",
            "--samples", "1", "--seed", "9", "--threads", "2", "--out", dir];
        var (p, lines) = Start(args);
        Assert.True(CliProcess.WaitForLine(p, lines, "Time for epoch 1 ", TimeSpan.FromSeconds(120)), "training never finished an epoch");
        Process.Start("kill", ["-HUP", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        bool exited = p.WaitForExit(120_000);
        if (!exited)
        {
            p.Kill(entireProcessTree: true);
        }
        p.WaitForExit();
        lock (lines)
        {
            Assert.True(exited, "no exit within 120 s of SIGHUP; output:\n" + string.Join("\n", lines.TakeLast(20)));
        }
        Assert.Equal(130, p.ExitCode);
        lock (lines)
        {
            Assert.Contains(lines, l => l.StartsWith("Interrupted", StringComparison.Ordinal));
        }
        var run = new RunFolder(dir);
        var (_, state) = Checkpoint.ReadHeader(run.Checkpoints()[^1].Path);
        Assert.True(state.CompletedEpochs >= 1);
        Assert.Equal(RunState.Interrupted, RunStatus.Read(run.StatusPath).State);
        string epochs = (state.CompletedEpochs + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, RunToEnd([.. args.Select(a => a == "100000" ? epochs : a), "--resume"]));
    }

    /// <summary>Whether this process ignores SIGHUP (bit 0 of SigIgn in /proc/self/status), as under nohup.</summary>
    private static bool SighupIgnored()
    {
        string? line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 1) != 0;
    }
}
