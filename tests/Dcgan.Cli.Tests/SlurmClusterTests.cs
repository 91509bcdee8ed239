// experiment --slurm against a real Slurm: a one-node cluster (slurmctld + slurmd + munge, scripts/slurm-test-cluster.sh)
// runs a two-variant array; one task is cancelled mid-run and requeued, and must resume from its checkpoint (its log
// says "Resumed", its metrics hold each epoch once); --report names it as ended early, then every variant once all
// finished; a failing sbatch is one line with nothing written. Skipped when Slurm cannot be started here (not root,
// packages missing): `scripts/slurm-test-cluster.sh install` or .ci/run provides them.
namespace Dcgan.Cli.Tests;

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Dcgan.Experiments.Slurm;
using Dcgan.Quality;
using Dcgan.TestSupport;
using Dcgan.Training;

[Collection(EnvironmentCollection.Name)]
public sealed partial class SlurmClusterTests : IDisposable
{
    // "long" has epochs to spare after its first checkpoint, so the cancel lands mid-run.
    private const string File = """
        { "name": "slurm-tiny",
          "base": { "dataset": "synthetic", "epochs": 2, "limit": 64, "batch-size": 32, "samples": 4, "checkpoint-every": 1 },
          "eval-count": 32,
          "parts": [ { "id": "A", "question": "Does a longer run help?", "compare-with": "short",
            "variants": [ { "name": "short", "changes": "2 epochs" },
                          { "name": "long", "changes": "5 epochs, noise size 8", "flags": { "epochs": 5, "noise-dim": 8 } } ] } ] }
        """;

    private static readonly string Cluster = Repo.File("scripts", "slurm-test-cluster.sh");

    private readonly TempDir _t = new();
    private readonly string? _previousConf = Environment.GetEnvironmentVariable("SLURM_CONF");
    private bool _started;

    public void Dispose()
    {
        if (_started)
        {
            Script("stop");
        }
        Environment.SetEnvironmentVariable("SLURM_CONF", _previousConf);
        _t.Dispose();
    }

    [SkippableFact]
    public void ArrayTasksTrainMeasureAndResumeAfterACancelAndRequeue()
    {
        UseCluster();
        string file = _t.File("slurm-tiny.json");
        System.IO.File.WriteAllText(file, File);
        string outDir = Path.Combine(_t.Root, "exp");

        // sbatch refusing the job: its message, exit 1, and no experiment folder left behind.
        var refused = CliRunner.Run("experiment", file, "--slurm", "--partition", "no-such-partition", "--out", outDir);
        Assert.Equal(1, refused.Exit);
        Assert.StartsWith("dcgan: error: sbatch failed (exit code 1): sbatch: error: Batch job submission failed: Invalid partition", refused.Err);
        Assert.Single(refused.Err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(outDir));

        var (exit, output, err) = CliRunner.Run("experiment", file, "--slurm", "--cpus-per-task", "1", "--out", outDir);
        Assert.True(exit == 0, err + output);
        string job = JobId().Match(output).Groups[1].Value;
        string log = Path.Combine(outDir, "slurm", "logs", "task-1.log");
        Assert.Contains($"  task {job}_1: long, log {log}", output);

        // Cancel "long" once its first checkpoint exists: SIGTERM, a checkpoint, exit 130.
        var run = new RunFolder(Path.Combine(outDir, "long"));
        WaitFor(() => run.Checkpoints().Count > 0, job, "long's first checkpoint");
        Must("scancel", $"{job}_1");
        WaitFor(() => System.IO.File.ReadAllText(log).Contains("[slurm] variant long: exit code", StringComparison.Ordinal), job, "the cancelled task's dcgan to stop");
        WaitFor(() => SlurmClient.TaskStates(job) is { } s && s.TryGetValue(1, out var st) && st == "CANCELLED", job, "the cancelled task to end");
        Assert.Contains("[slurm] variant long: exit code 130", System.IO.File.ReadAllText(log));
        Assert.Contains("[long] Interrupted ", System.IO.File.ReadAllText(log));
        Assert.False(System.IO.File.Exists(Path.Combine(run.Root, "done.json")));
        string newest = run.Checkpoints()[^1].Path;
        var (_, state) = Checkpoint.ReadHeader(newest);
        Assert.InRange(state.CompletedEpochs, 1, 4);

        var midway = CliRunner.Run("experiment", file, "--report", "--out", outDir);
        Assert.Equal(0, midway.Exit);
        Assert.Contains($"  long: unfinished: no final checkpoint (the newest is ", midway.Out);
        Assert.Contains($"Slurm task {job}_1 ended (CANCELLED) before the variant finished", midway.Out);
        Assert.Contains($"ended (CANCELLED) before the variant finished", System.IO.File.ReadAllText(Path.Combine(outDir, "report.md")));

        // Requeue it (and skip Slurm's two-minute delay before a requeued job may start).
        Must("scontrol", "requeue", $"{job}_1");
        Must("scontrol", "update", $"jobid={job}_1", "StartTime=now");
        // "short" may still be training when "long" reached its first checkpoint (they run side by side on a loaded
        // machine); the refusal below is about "long" once "short" is done.
        WaitFor(() => SlurmClient.TaskStates(job) is { } s && s.TryGetValue(0, out var st) && st == "COMPLETED", job, "the short task to complete");
        var twice = CliRunner.Run("experiment", file, "--slurm", "--out", outDir);
        Assert.Equal(2, twice.Exit);
        Assert.Contains($"variant long is still queued or running as Slurm task {job}_1", twice.Err);

        WaitFor(() => SlurmClient.TaskStates(job) is { } s && s.Count == 2 && s.Values.All(v => v == "COMPLETED"), job, "both tasks to complete");
        string resumed = System.IO.File.ReadAllText(log);
        Assert.Contains("restart 1", resumed);
        Assert.Contains($"[long] Resumed from {newest} at epoch {state.CompletedEpochs}", resumed);
        Assert.Equal([1, 2, 3, 4, 5], System.IO.File.ReadAllLines(run.MetricsPath).Where(l => l.Length > 0).Select(l => EpochMetrics.FromJsonLine(l).Epoch));
        Assert.Equal([1, 2, 3, 4, 5], QualityLog.Read(run).Select(q => q.Epoch!.Value));

        var final = CliRunner.Run("experiment", file, "--report", "--out", outDir);
        Assert.Equal(0, final.Exit);
        Assert.Contains("slurm-tiny: 2 of 2 variants finished", final.Out);
        string md = System.IO.File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| short | A | 2 epochs | 2 |", md);
        Assert.Contains("| long | A | 5 epochs, noise size 8 | 5 |", md);
        Assert.DoesNotContain("unfinished", md);
        Assert.DoesNotContain("not run yet", md);
        Assert.Contains("<td>long</td>", System.IO.File.ReadAllText(Path.Combine(outDir, "report.html")));

        var nothing = CliRunner.Run("experiment", file, "--slurm", "--out", outDir);
        Assert.Equal(0, nothing.Exit);
        Assert.Contains("has finished", nothing.Out);
    }

    /// <summary>Uses the cluster .ci/run started, or starts one (root with the packages); skips where neither can be.</summary>
    private void UseCluster()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the Slurm test cluster runs on Linux");
        if (Script("status").Exit != 0)
        {
            Skip.IfNot(geteuid() == 0, "starting the Slurm test cluster needs root (slurmd runs jobs as their users)");
            string? missing = new[] { "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "munged" }.FirstOrDefault(t => SlurmClient.Find(t) is null && !System.IO.File.Exists("/usr/sbin/" + t));
            Skip.If(missing is not null, $"Slurm is not installed ({missing} missing; scripts/slurm-test-cluster.sh install)");
            var start = Script("start");
            Assert.True(start.Exit == 0, "scripts/slurm-test-cluster.sh start failed: " + start.Output);
            _started = true;
        }
        Environment.SetEnvironmentVariable("SLURM_CONF", ConfPath());
    }

    private static string ConfPath() =>
        Path.Combine(Environment.GetEnvironmentVariable("DCGAN_SLURM_DIR") ?? "/tmp/dcgan-slurm", "slurm.conf");

    /// <summary>Polls every 100 ms for up to two minutes; on a timeout, fails with the tasks' logs.</summary>
    private void WaitFor(Func<bool> done, string job, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                string logs = string.Join("\n", Directory.EnumerateFiles(Path.Combine(_t.Root, "exp", "slurm", "logs")).Select(f => f + ":\n" + System.IO.File.ReadAllText(f)));
                var states = SlurmClient.TaskStates(job);
                Assert.Fail($"timed out waiting for {what}; tasks: {(states is null ? "?" : string.Join(", ", states.Select(s => $"{s.Key} {s.Value}")))}\n{logs}");
            }
            Thread.Sleep(100);
        }
    }

    private static (int Exit, string Output) Script(string verb) => Run("bash", Cluster, verb);

    private static void Must(string program, params string[] args)
    {
        var (exit, output) = Run(program, args);
        Assert.True(exit == 0, $"{program} {string.Join(' ', args)}: exit {exit}: {output}");
    }

    private static (int Exit, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), $"{program} {string.Join(' ', args)} did not finish");
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [DllImport("libc")]
    private static extern uint geteuid();

    [GeneratedRegex(@"Submitted Slurm array job (\d+):")]
    private static partial Regex JobId();
}
