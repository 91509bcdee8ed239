// experiment's launch modes as a user meets them without a cluster: --slurm --dry-run writes a script for this very
// build and prints its path; --variant runs one variant as an array task does; --report names what is missing; and
// every bad combination, a missing sbatch or an unwritable --out is one line, exit 2, with nothing written.
// (SlurmClusterTests submits to a real Slurm.)
namespace Dcgan.Cli.Tests;

using Dcgan.TestSupport;

[Collection(EnvironmentCollection.Name)]
public sealed class ExperimentSlurmCommandTests : IDisposable
{
    private const string File = """
        { "name": "tiny",
          "base": { "dataset": "synthetic", "epochs": 1, "limit": 64, "batch-size": 32, "samples": 4 },
          "eval-count": 32,
          "parts": [ { "id": "A", "question": "Does a larger noise size help?", "compare-with": "base",
            "variants": [ { "name": "base", "changes": "noise size 100" },
                          { "name": "noise-8", "changes": "noise size 8", "flags": { "noise-dim": 8 } } ] } ] }
        """;

    private readonly TempDir _t = new();
    private readonly string _file;

    public ExperimentSlurmCommandTests()
    {
        _file = _t.File("tiny.json");
        System.IO.File.WriteAllText(_file, File);
    }

    public void Dispose() => _t.Dispose();

    [Fact]
    public void DryRunWritesTheScriptForThisBuildAndPrintsItsPath()
    {
        string outDir = Path.Combine(_t.Root, "exp");
        var (exit, output, err) = CliRunner.Run("experiment", _file, "--slurm", "--dry-run", "--quick", "--partition", "debug", "--time", "10", "--cpus-per-task", "2", "--out", outDir);
        Assert.True(exit == 0, err);
        string script = Path.Combine(outDir, "slurm", "experiment.sbatch");
        Assert.Equal(script + "\n", output);
        string text = System.IO.File.ReadAllText(script);
        string dll = Path.Combine(AppContext.BaseDirectory, "dcgan.dll");
        Assert.Contains($" {dll} experiment {outDir}/slurm/experiment.json --variant \"$name\" --out {outDir} --quick --threads", text);
        Assert.True(System.IO.File.Exists(text.Split('\n').Single(l => l.Contains("--variant", StringComparison.Ordinal)).Split(' ')[0]), "the .NET host named in the script exists");
        foreach (string line in new[] { "#SBATCH --array=0-1", "#SBATCH --partition=debug", "#SBATCH --time=10", "#SBATCH --cpus-per-task=2", "#SBATCH --requeue" })
        {
            Assert.Contains(line + "\n", text);
        }
        Assert.Equal(File, System.IO.File.ReadAllText(Path.Combine(outDir, "slurm", "experiment.json")));
        Assert.False(System.IO.File.Exists(Path.Combine(outDir, "slurm", "jobs")));
    }

    [Fact]
    public void StartedByTheLauncherTheScriptNamesTheLaunchersLinkToTheNewestBuild()
    {
        string link = _t.Dir("launcher-cli");
        string before = Environment.GetEnvironmentVariable("DCGAN_BUILD") ?? "";
        try
        {
            // A link that holds no dcgan.dll is not a build: the script names this build's own dll.
            Environment.SetEnvironmentVariable("DCGAN_BUILD", link);
            string first = Path.Combine(_t.Root, "exp-1");
            Assert.Equal(0, CliRunner.Run("experiment", _file, "--slurm", "--dry-run", "--out", first).Exit);
            Assert.Contains($" {Path.Combine(AppContext.BaseDirectory, "dcgan.dll")} experiment ", System.IO.File.ReadAllText(Path.Combine(first, "slurm", "experiment.sbatch")));

            System.IO.File.WriteAllText(Path.Combine(link, "dcgan.dll"), "");
            string second = Path.Combine(_t.Root, "exp-2");
            Assert.Equal(0, CliRunner.Run("experiment", _file, "--slurm", "--dry-run", "--out", second).Exit);
            Assert.Contains($" {Path.Combine(link, "dcgan.dll")} experiment ", System.IO.File.ReadAllText(Path.Combine(second, "slurm", "experiment.sbatch")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DCGAN_BUILD", before.Length == 0 ? null : before);
        }
    }

    [Theory]
    [InlineData(new[] { "--partition", "debug" }, "--partition only applies with --slurm")]
    [InlineData(new[] { "--dry-run" }, "--dry-run only applies with --slurm")]
    [InlineData(new[] { "--slurm", "--report" }, "--slurm and --report cannot be combined")]
    [InlineData(new[] { "--report", "--variant", "base" }, "--report and --variant cannot be combined")]
    [InlineData(new[] { "--slurm", "--threads", "2" }, "--threads does not apply to --slurm")]
    [InlineData(new[] { "--slurm", "--dry-run", "--time", "soon" }, "--time must be a Slurm time limit")]
    [InlineData(new[] { "--slurm", "--dry-run", "--partition", "a b" }, "--partition must be a partition name")]
    [InlineData(new[] { "--slurm", "--cpus-per-task", "0" }, "--cpus-per-task must be between 1 and 4096, got 0")]
    [InlineData(new[] { "--variant", "nope" }, "--variant nope: tiny has no such variant (it has base, noise-8)")]
    [InlineData(new[] { "--report" }, "nothing to report: --out")]
    public void BadCombinationsAreOneLineAndWriteNothing(string[] flags, string expected)
    {
        string outDir = Path.Combine(_t.Root, "exp");
        var (exit, _, err) = CliRunner.Run(["experiment", _file, "--out", outDir, .. flags]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void AnUnwritableOutIsOneLineAndWritesNothing()
    {
        string blocker = _t.File("a-file");
        System.IO.File.WriteAllText(blocker, "not a folder");
        var (exit, _, err) = CliRunner.Run("experiment", _file, "--slurm", "--dry-run", "--out", Path.Combine(blocker, "exp"));
        Assert.Equal(2, exit);
        Assert.StartsWith("dcgan: error: cannot write the Slurm files into --out", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Equal("not a folder", System.IO.File.ReadAllText(blocker));
    }

    [Fact]
    public void MissingSbatchIsOneLineAndWritesNothing()
    {
        string path = Environment.GetEnvironmentVariable("PATH")!;
        Environment.SetEnvironmentVariable("PATH", _t.Dir("empty-bin"));
        try
        {
            string outDir = Path.Combine(_t.Root, "exp");
            var (exit, _, err) = CliRunner.Run("experiment", _file, "--slurm", "--out", outDir);
            Assert.Equal(2, exit);
            Assert.Equal("dcgan: error: sbatch is not installed (not found on PATH): --slurm submits with Slurm's sbatch; --dry-run only writes the script\n", err);
            Assert.False(Directory.Exists(outDir));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void VariantRunsOneVariantAndReportNamesTheMissingOne()
    {
        string outDir = Path.Combine(_t.Root, "exp");
        var (exit, output, err) = CliRunner.Run("experiment", _file, "--variant", "noise-8", "--out", outDir, "--threads", "1");
        Assert.True(exit == 0, err + output);
        Assert.Contains("Variant noise-8 finished.", output);
        Assert.True(System.IO.File.Exists(Path.Combine(outDir, "noise-8", "done.json")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "base")));
        string md = System.IO.File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| base | A | noise size 100 | 1 | not run yet |", md);
        Assert.Contains("| noise-8 | A | noise size 8 | 1 |", md);
        Assert.Contains("1 of 2 variants have not finished", md);

        // A started but unfinished variant: a run folder without its result.
        Directory.CreateDirectory(Path.Combine(outDir, "base"));
        System.IO.File.WriteAllText(Path.Combine(outDir, "base", "config.json"), "{}");
        var report = CliRunner.Run("experiment", _file, "--report", "--out", outDir);
        Assert.True(report.Exit == 0, report.Err);
        Assert.Contains("tiny: 1 of 2 variants finished", report.Out);
        Assert.Contains("  base: unfinished: no checkpoint yet\n", report.Out);
        Assert.Contains("  noise-8: finished\n", report.Out);
        Assert.Contains("| base | A | noise size 100 | 1 | unfinished: no checkpoint yet |", System.IO.File.ReadAllText(Path.Combine(outDir, "report.md")));
        Assert.Contains("base is unfinished: no checkpoint yet.", System.IO.File.ReadAllText(Path.Combine(outDir, "report.html")));

        // A second --variant for a finished one keeps it.
        var again = CliRunner.Run("experiment", _file, "--variant", "noise-8", "--out", outDir);
        Assert.Equal(0, again.Exit);
        Assert.Contains("[noise-8] already finished; kept", again.Out);
    }
}
