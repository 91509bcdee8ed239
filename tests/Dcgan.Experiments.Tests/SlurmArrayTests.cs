// The Slurm array's script and files without a cluster: the script bash accepts, with one task per variant, the
// requeue, append-mode logs and the signal handling a resumable task needs; array ranges and shell quoting; the job
// record; what the report says about a variant's task; and a failed write leaving nothing behind.
// (tests/Dcgan.Cli.Tests/SlurmClusterTests.cs runs the array on a real one-node Slurm.)
using System.Diagnostics;
using Dcgan.Experiments;
using Dcgan.Experiments.Slurm;
using Dcgan.TestSupport;

namespace Dcgan.Experiments.Tests;

public sealed class SlurmArrayTests : IDisposable
{
    private const string File = """
        { "name": "sweep it",
          "base": { "dataset": "synthetic", "epochs": 4, "limit": 64, "batch-size": 32 },
          "parts": [ { "id": "A", "variants": [
            { "name": "base", "changes": "as the tutorial" },
            { "name": "it's", "changes": "a name the shell must quote", "flags": { "noise-dim": 8, "drop-last": true } },
            { "name": "lr", "changes": "faster", "flags": { "lr-g": 2e-4 } } ] } ] }
        """;

    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private static ExperimentPlan Plan(bool quick = false) =>
        ExperimentPlan.Create(ExperimentFile.Parse(File, "sweep.json"), quick, dataDir: quick ? "/data/mnist" : null);

    private static SlurmSettings Settings => new()
    {
        Partition = "gpu,cpu",
        Time = "1-12:00:00",
        CpusPerTask = 4,
        Command = ["/opt/dotnet/dotnet", "/opt/my dcgan/dcgan.dll"],
        ExperimentArguments = ["--quick", "--data-dir", "/data/mnist"],
    };

    [Theory]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 0, 1, 2 }, "0-2")]
    [InlineData(new[] { 5, 0, 1, 2, 8, 7 }, "0-2,5,7-8")]
    [InlineData(new[] { 3, 3, 4 }, "3-4")]
    public void ArraySpecCompressesRanges(int[] indices, string expected) => Assert.Equal(expected, SlurmArray.ArraySpec(indices));

    [Theory]
    [InlineData("/abs/dcgan.dll", "/abs/dcgan.dll")]
    [InlineData("--lr-g", "--lr-g")]
    [InlineData("/my runs/x", "'/my runs/x'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void QuoteMakesOneShellWord(string word, string expected) => Assert.Equal(expected, SlurmArray.Quote(word));

    [Fact]
    public void ScriptRunsOneResumableTaskPerVariant()
    {
        string root = _t.Dir("exp");
        var array = new SlurmArray(Plan(quick: true), root);
        string script = array.Script([1, 2], Settings);

        Assert.StartsWith("#!/bin/bash\n", script);
        foreach (string line in new[]
        {
            "#SBATCH --array=1-2", "#SBATCH --requeue", "#SBATCH --open-mode=append", $"#SBATCH --output={root}/slurm/logs/task-%a.log",
            "#SBATCH --partition=gpu,cpu", "#SBATCH --time=1-12:00:00", "#SBATCH --cpus-per-task=4", "#SBATCH --job-name=dcgan-sweep-it",
            "variants=(base 'it'\\''s' lr)",
            $"/opt/dotnet/dotnet '/opt/my dcgan/dcgan.dll' experiment {root}/slurm/experiment.json --variant \"$name\" --out {root} --quick --data-dir /data/mnist --threads \"${{SLURM_CPUS_PER_TASK:-0}}\" &",
            "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT",
            // Each variant's train equivalent, with --quick's epochs and limit and the machine's data folder.
            $"#   1 it's: dcgan train --dataset synthetic --epochs 1 --limit 64 --batch-size 32 --noise-dim 8 --drop-last --data-dir /data/mnist --out '{root}/it'\\''s'",
        })
        {
            Assert.Contains(line + "\n", script);
        }
        // Every #SBATCH line comes before the first command, or sbatch ignores it.
        var lines = script.Split('\n');
        int firstCommand = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
        Assert.True(Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH", StringComparison.Ordinal)) < firstCommand);
        Assert.Equal(0, Bash("-n", "-c", script).Exit);

        // A folder with a space and a percent sign: one quoted value for sbatch, "%%" for a literal percent sign.
        string odd = _t.Dir("my runs", "100%");
        string oddScript = new SlurmArray(Plan(), odd).Script([0], Settings);
        Assert.Contains($"#SBATCH --output=\"{_t.Root}/my runs/100%%/slurm/logs/task-%a.log\"\n", oddScript);
        Assert.Contains($" --out '{odd}' ", oddScript);
        Assert.Equal(0, Bash("-n", "-c", oddScript).Exit);
    }

    [Fact]
    public void TheTaskShellPassesSigtermOnAndExitsWithTheChildsCode()
    {
        // The script's own lines with a stand-in child that stops politely on SIGTERM, as dcgan does (exit 130).
        string script = new SlurmArray(Plan(), _t.Dir("exp")).Script([0], Settings);
        string body = script[script.IndexOf("child=$!", StringComparison.Ordinal)..].Replace("exit \"$rc\"\n", "", StringComparison.Ordinal);
        string harness = "name=x\n(trap 'sleep 0.3; echo stopped politely; exit 130' TERM; while :; do sleep 0.05; done) &\n" + body +
            "echo \"rc=$rc\"\n";
        var run = Bash("-c", $"{harness.Replace("child=$!", "child=$!; (sleep 0.5; kill -TERM $$) &", StringComparison.Ordinal)}");
        Assert.Contains("stopped politely", run.Out);
        Assert.Contains("rc=130", run.Out);
    }

    [Fact]
    public void SubmitDryRunWritesTheFilesAndAFailedWriteLeavesNothing()
    {
        string experiment = _t.File("sweep.json");
        System.IO.File.WriteAllText(experiment, File);
        string root = Path.Combine(_t.Root, "new", "exp");
        var array = new SlurmArray(Plan(), root);
        Assert.Null(array.Submit([0, 1, 2], Settings, experiment, dryRun: true));
        Assert.Equal(File, System.IO.File.ReadAllText(array.FilePath));
        Assert.Contains("#SBATCH --array=0-2\n", System.IO.File.ReadAllText(array.ScriptPath));
        Assert.True(Directory.Exists(array.LogsDir));
        Assert.False(System.IO.File.Exists(array.JobsPath));

        // A second submission that cannot read its file changes nothing, and creates nothing in a new folder.
        string before = System.IO.File.ReadAllText(array.ScriptPath);
        Assert.ThrowsAny<IOException>(() => array.Submit([1], Settings, _t.File("missing.json"), dryRun: true));
        Assert.Equal(before, System.IO.File.ReadAllText(array.ScriptPath));
        var elsewhere = new SlurmArray(Plan(), Path.Combine(_t.Root, "other", "exp"));
        Assert.ThrowsAny<IOException>(() => elsewhere.Submit([1], Settings, _t.File("missing.json"), dryRun: true));
        Assert.False(Directory.Exists(Path.Combine(_t.Root, "other")));
    }

    [Fact]
    public void JobsRecordTheLatestSubmissionOfEachVariant()
    {
        var array = new SlurmArray(Plan(), _t.Dir("exp"));
        Assert.Empty(array.LatestJobs());
        Directory.CreateDirectory(array.Dir);
        array.RecordJob("12", [0, 1, 2]);
        array.RecordJob("15", [1]);
        Assert.Equal(new Dictionary<int, string> { [0] = "12", [1] = "15", [2] = "12" }, array.LatestJobs());
    }

    [Fact]
    public void TasksDescribeWhereAnUnfinishedVariantStands()
    {
        Assert.Equal("Slurm task 7_1 is running (log slurm/logs/task-1.log)", new SlurmTask("7", 1, "RUNNING").Describe("slurm/logs/task-1.log"));
        Assert.Equal("Slurm task 7_1 is queued (PENDING)", new SlurmTask("7", 1, "PENDING").Describe("l"));
        Assert.Equal("Slurm task 7_1 ended (CANCELLED) before the variant finished (log l); requeue it (scontrol requeue 7_1) or submit again",
            new SlurmTask("7", 1, "CANCELLED").Describe("l"));
        Assert.StartsWith("Slurm task 7_1 ended before", new SlurmTask("7", 1, null).Describe("l"));
        Assert.True(new SlurmTask("7", 1, "REQUEUED").Active);
        Assert.False(new SlurmTask("7", 1, "TIMEOUT").Active);

        var plan = Plan();
        var array = new SlurmArray(plan, _t.Dir("exp"));
        var states = plan.Variants.Select(v => new VariantState { Variant = v, Started = v.Name == "lr", Checkpoint = v.Name == "lr" ? (2, 0) : null }).ToList();
        var annotated = array.Annotate(states, new Dictionary<int, SlurmTask> { [2] = new("7", 2, "FAILED") });
        Assert.Equal("not run yet", annotated[0].Description);
        Assert.Equal("unfinished: no final checkpoint (the newest is after epoch 2 of 4); Slurm task 7_2 ended (FAILED) before the variant finished " +
            $"(log {Path.Combine("slurm", "logs", "task-2.log")}); requeue it (scontrol requeue 7_2) or submit again", annotated[2].Description);
    }

    private static (int Exit, string Out) Bash(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "bash did not finish");
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
