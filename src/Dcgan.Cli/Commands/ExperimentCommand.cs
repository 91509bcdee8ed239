// `dcgan experiment FILE.json`: run an experiment file's variants (train flags over a shared base), measure each,
// and write report.md and report.html; rerunning the same command resumes an interrupted experiment.
namespace Dcgan.Cli.Commands;

using Dcgan.Data;
using Dcgan.Experiments;

/// <summary>Runs an experiment file.</summary>
public static class ExperimentCommand
{
    public static OptionSet Options() => new OptionSet("dcgan experiment FILE.json [options]",
        "Train every variant of an experiment file (e.g. experiments/tutorial-comparison.json) into DIR/<variant>/, measure its\n" +
        "quality (FID, class coverage) and training time, and write DIR/report.md and DIR/report.html. Run the same\n" +
        "command again to resume: finished variants are kept, an interrupted one continues from its checkpoint.")
        .Text("data-dir", null, "Folder with the data set's IDX files (raw or .gz) or a Keras .npz")
        .Text("out", null, "Experiment folder [default: runs/<file name>, or runs/<file name>-quick]")
        .Flag("quick", "Scale epochs, data and evaluation down so the whole file runs in minutes (CI, smoke tests)")
        .Threads();

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
        bool quick = o.GetFlag("quick");
        string? dataDir = o.GetText("data-dir") is { } dir ? Path.GetFullPath(dir) : null;
        if (dataDir is not null && !Directory.Exists(dataDir) && !File.Exists(dataDir))
        {
            throw new UserError($"--data-dir {dataDir} does not exist");
        }
        ExperimentPlan plan;
        try
        {
            var file = ExperimentFile.Load(path);
            foreach (var variant in file.Variants)
            {
                // train's own parser checks every value's range and choices, with its messages.
                try
                {
                    TrainCommand.Options().Parse(file.Arguments(variant));
                }
                catch (UserError e)
                {
                    throw new UserError($"{path}: variant {variant.Name}: {e.Message}");
                }
            }
            plan = ExperimentPlan.Create(file, quick, dataDir, Program.Version);
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
        stdout.WriteLine($"Experiment {plan.File.Name}: {plan.Variants.Count} variants{(quick ? " (quick)" : "")} into {runner.Root}");

        using var stop = new StopSignals(host);
        ExperimentOutcome outcome;
        try
        {
            outcome = runner.Run(stop.Token);
        }
        catch (ExperimentFileException e)
        {
            throw new UserError(e.Message);
        }
        string reports = $"{Path.Combine(runner.Root, ExperimentReport.MarkdownName)} and {ExperimentReport.HtmlName}";
        if (outcome == ExperimentOutcome.Interrupted)
        {
            stdout.WriteLine($"Interrupted; partial reports in {reports}. Run the same command again to resume.");
            return 130;
        }
        stdout.WriteLine($"Done. Reports: {reports}");
        return 0;
    }
}
