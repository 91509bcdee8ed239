// `dcgan experiment FILE.json`: run an experiment file's variants (train flags over a shared base), measure each,
// and write report.md and report.html; rerunning the same command resumes an interrupted experiment. --slurm submits
// the variants as a Slurm job array instead (one task per variant, each running --variant NAME), and --report
// rebuilds the reports from whatever has finished. Only the launching differs: every mode trains, measures and
// reports through ExperimentRunner.
namespace Dcgan.Cli.Commands;

using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Dcgan.Data;
using Dcgan.Experiments;
using Dcgan.Experiments.Slurm;

/// <summary>Runs an experiment file.</summary>
public static partial class ExperimentCommand
{
    private static readonly string[] SlurmOnly = ["partition", "time", "cpus-per-task", "dry-run"];

    public static OptionSet Options() => new OptionSet("dcgan experiment FILE.json [options]",
        "Train every variant of an experiment file (e.g. experiments/tutorial-comparison.json) into DIR/<variant>/, measure its\n" +
        "quality (FID, class coverage) and training time, and write DIR/report.md and DIR/report.html. Run the same\n" +
        "command again to resume: finished variants are kept, an interrupted one continues from its checkpoint.\n" +
        "With --slurm the variants run as a Slurm job array instead, one task per unfinished variant (docs/experiments.md);\n" +
        "--report then builds the reports from the runs that have finished and names the missing and unfinished ones.")
        .Text("data-dir", null, "Folder with the data set's IDX files (raw or .gz) or a Keras .npz")
        .Text("out", null, "Experiment folder [default: runs/<file name>, or runs/<file name>-quick]")
        .Flag("quick", "Scale epochs, data and evaluation down so the whole file runs in minutes (CI, smoke tests; also with --slurm)")
        .Threads()
        .Flag("slurm", "Submit the unfinished variants as a Slurm job array (sbatch --parsable) and print the job id")
        .Text("partition", null, "--slurm: the partition to run in [default: the cluster's]")
        .Text("time", null, "--slurm: time limit per task (e.g. 90, 4:00:00, 2-00:00:00) [default: the partition's]")
        .Int("cpus-per-task", null, "--slurm: cores per task, and training threads [default: Slurm's, one]", 1, 4096)
        .Flag("dry-run", "--slurm: only write DIR/slurm/experiment.sbatch and print its path")
        .Flag("report", "Build report.md and report.html from the finished runs in --out, naming the missing and unfinished")
        .Text("variant", null, "Train and measure only this variant, then rewrite the reports (what each Slurm task runs)");

    public static int Run(OptionSet o, TextWriter stdout, CancellationToken host = default)
    {
        if (o.Positionals.Count == 0)
        {
            throw new UserError("experiment needs a file: dcgan experiment FILE.json");
        }
        string path = o.Positionals[0];
        if (!File.Exists(path))
        {
            throw new UserError($"experiment file {path} does not exist");
        }
        var modes = new[] { "slurm", "report", "variant" }.Where(o.Has).ToList();
        if (modes.Count > 1)
        {
            throw new UserError($"--{modes[0]} and --{modes[1]} cannot be combined");
        }
        if (!o.Has("slurm") && SlurmOnly.FirstOrDefault(o.Has) is { } slurmFlag)
        {
            throw new UserError($"--{slurmFlag} only applies with --slurm");
        }
        if (o.Has("slurm") && o.Has(OptionSet.ThreadsName))
        {
            throw new UserError("--threads does not apply to --slurm: each task trains with --cpus-per-task threads");
        }
        bool quick = o.GetFlag("quick");
        string? dataDir = o.GetText("data-dir") is { } dir ? Path.GetFullPath(dir) : null;
        if (dataDir is not null && !Directory.Exists(dataDir) && !File.Exists(dataDir))
        {
            throw new UserError($"--data-dir {dataDir} does not exist");
        }
        ExperimentPlan plan;
        try
        {
            plan = ExperimentPlan.Create(ExperimentFile.Load(path), quick, dataDir, Program.Version);
            foreach (var variant in plan.Variants)
            {
                // train's own parser checks every value's range and choices, with its messages.
                try
                {
                    TrainCommand.Options().Parse(plan.TrainArguments(variant));
                }
                catch (UserError e)
                {
                    throw new UserError($"{path}: variant {variant.Name}: {e.Message}");
                }
            }
        }
        catch (ExperimentFileException e)
        {
            throw new UserError(e.Message);
        }
        string outDir = o.GetText("out") ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(path) + (quick ? "-quick" : ""));
        if (File.Exists(outDir))
        {
            throw new UserError($"--out {outDir} is a file, not a folder");
        }
        var runner = new ExperimentRunner(plan, outDir, DataLocations.FromEnvironment(dataDir), stdout);
        try
        {
            return modes.FirstOrDefault() switch
            {
                "slurm" => Submit(o, path, plan, dataDir, runner, stdout),
                "report" => Report(plan, runner, outDir, stdout),
                "variant" => RunOne(o.GetText("variant")!, plan, runner, stdout, host),
                _ => RunAll(plan, runner, stdout, host),
            };
        }
        catch (ExperimentFileException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static string Reports(ExperimentRunner runner) =>
        $"{Path.Combine(runner.Root, ExperimentReport.MarkdownName)} and {ExperimentReport.HtmlName}";

    private static int RunAll(ExperimentPlan plan, ExperimentRunner runner, TextWriter stdout, CancellationToken host)
    {
        stdout.WriteLine($"Experiment {plan.File.Name}: {plan.Variants.Count} variants{(plan.Quick ? " (quick)" : "")} into {runner.Root}");
        using var stop = new StopSignals(host);
        if (runner.Run(stop.Token) == ExperimentOutcome.Interrupted)
        {
            stdout.WriteLine($"Interrupted; partial reports in {Reports(runner)}. Run the same command again to resume.");
            return 130;
        }
        stdout.WriteLine($"Done. Reports: {Reports(runner)}");
        return 0;
    }

    private static int RunOne(string name, ExperimentPlan plan, ExperimentRunner runner, TextWriter stdout, CancellationToken host)
    {
        var variant = plan.Variants.FirstOrDefault(v => v.Name == name)
            ?? throw new UserError($"--variant {name}: {plan.File.Name} has no such variant (it has {string.Join(", ", plan.Variants.Select(v => v.Name))})");
        stdout.WriteLine($"Experiment {plan.File.Name}: variant {name}{(plan.Quick ? " (quick)" : "")} into {runner.VariantDir(variant)}");
        using var stop = new StopSignals(host);
        if (runner.RunVariant(variant, stop.Token) == ExperimentOutcome.Interrupted)
        {
            stdout.WriteLine($"Interrupted; the variant continues from its checkpoint when run again. Reports: {Reports(runner)}");
            return 130;
        }
        stdout.WriteLine($"Variant {name} finished. Reports: {Reports(runner)}");
        return 0;
    }

    private static int Report(ExperimentPlan plan, ExperimentRunner runner, string outDir, TextWriter stdout)
    {
        if (!Directory.Exists(runner.Root))
        {
            throw new UserError($"nothing to report: --out {outDir} does not exist");
        }
        var slurm = new SlurmArray(plan, runner.Root);
        var tasks = slurm.LatestJobs().Count > 0 ? slurm.Tasks() : new Dictionary<int, SlurmTask>();
        var states = runner.Report(s => tasks is null ? s : slurm.Annotate(s, tasks));
        stdout.WriteLine($"Experiment {plan.File.Name}: {states.Count(s => s.Finished)} of {states.Count} variants finished");
        foreach (var s in states)
        {
            stdout.WriteLine($"  {s.Name}: {s.Description}");
        }
        if (tasks is null)
        {
            stdout.WriteLine("Slurm did not answer (squeue), so the states of the variants' tasks are not shown.");
        }
        stdout.WriteLine($"Reports: {Reports(runner)}");
        return 0;
    }

    private static int Submit(OptionSet o, string path, ExperimentPlan plan, string? dataDir, ExperimentRunner runner, TextWriter stdout)
    {
        bool dryRun = o.GetFlag("dry-run");
        var settings = new SlurmSettings
        {
            Partition = o.GetText("partition") is { } p ? (PartitionPattern().IsMatch(p) ? p : throw new UserError($"--partition must be a partition name (letters, digits, - _ . and commas), got '{p}'")) : null,
            Time = o.GetText("time") is { } t ? (TimePattern().IsMatch(t) ? t : throw new UserError($"--time must be a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED), got '{t}'")) : null,
            CpusPerTask = o.GetIntOrNull("cpus-per-task"),
            Command = SelfCommand(),
            ExperimentArguments = [.. plan.Quick ? ["--quick"] : Array.Empty<string>(), .. dataDir is null ? Array.Empty<string>() : ["--data-dir", dataDir]],
        };
        if (!dryRun && SlurmClient.Find("sbatch") is null)
        {
            throw new UserError("sbatch is not installed (not found on PATH): --slurm submits with Slurm's sbatch; --dry-run only writes the script");
        }

        var slurm = new SlurmArray(plan, runner.Root);
        var states = runner.States();
        var indices = Enumerable.Range(0, states.Count).Where(i => !states[i].Finished).ToList();
        if (indices.Count == 0)
        {
            stdout.WriteLine($"Every variant of {plan.File.Name} has finished in {runner.Root}; nothing to submit. Reports: {Reports(runner)}");
            return 0;
        }
        if (!dryRun && slurm.LatestJobs().Count > 0 && slurm.Tasks() is { } tasks
            && indices.FirstOrDefault(i => tasks.TryGetValue(i, out var task) && task.Active, -1) is int busy and >= 0)
        {
            throw new UserError($"variant {plan.Variants[busy].Name} is still queued or running as Slurm task {tasks[busy].Id}; wait for it or scancel it before submitting again");
        }

        string? job;
        try
        {
            job = slurm.Submit(indices, settings, path, dryRun);
        }
        catch (SlurmException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot write the Slurm files into --out {runner.Root}: {e.Message.ReplaceLineEndings(" ")}");
        }
        if (job is null)
        {
            stdout.WriteLine(slurm.ScriptPath);
            return 0;
        }
        stdout.WriteLine($"Submitted Slurm array job {job}: {indices.Count} of {plan.Variants.Count} variants of {plan.File.Name}{(plan.Quick ? " (quick)" : "")} into {runner.Root}");
        foreach (int i in indices)
        {
            stdout.WriteLine($"  task {job}_{i}: {plan.Variants[i].Name}, log {slurm.LogPath(i)}");
        }
        string again = $"dcgan experiment {SlurmArray.Quote(path)}{(plan.Quick ? " --quick" : "")} --out {SlurmArray.Quote(runner.Root)}";
        stdout.WriteLine($"Script: {slurm.ScriptPath}. When the tasks end: {again} --report");
        return 0;
    }

    /// <summary>
    /// This dcgan build as a task starts it: the .NET host running now and dcgan.dll, by absolute paths. Started by the
    /// ./dcgan launcher, whose builds each have a folder of their own, it is the launcher's link to the newest build
    /// (<c>DCGAN_BUILD</c>), so a task queued before a rebuild runs the new build rather than a removed one.
    /// </summary>
    private static IReadOnlyList<string> SelfCommand()
    {
        string dll = typeof(Program).Assembly.Location;
        if (dll.Length > 0 && Environment.GetEnvironmentVariable("DCGAN_BUILD") is { Length: > 0 } build
            && File.Exists(Path.Combine(build, Path.GetFileName(dll))))
        {
            dll = Path.Combine(build, Path.GetFileName(dll));
        }
        if (dll.Length == 0)
        {
            // A single-file build has no dll: the executable is the program.
            return [Environment.ProcessPath ?? throw new UserError("cannot tell where this dcgan program is, for the Slurm script")];
        }
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        // The runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/, next to the host.
        string host = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe));
        if (!File.Exists(host))
        {
            host = Environment.ProcessPath is { } process && Path.GetFileName(process) == exe ? process
                : SlurmClient.Find(exe) ?? throw new UserError("cannot find the dotnet host that runs dcgan, for the Slurm script");
        }
        return [host, Path.GetFullPath(dll)];
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+)*$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex(@"^((\d+-)?\d+(:\d+){0,2}|(?i:unlimited|infinite))$")]
    private static partial Regex TimePattern();
}
