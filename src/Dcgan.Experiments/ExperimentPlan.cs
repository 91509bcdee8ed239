// Turns an experiment file into runnable variants: base + variant flags, the machine's --data-dir, and --quick's
// scaling of epochs (report epochs and compare-with references scale alike), data and evaluation size.
namespace Dcgan.Experiments;

using System.Text.Json.Nodes;
using Dcgan.Training;

/// <summary>The variants to run, in file order, and what the report compares.</summary>
public sealed class ExperimentPlan
{
    private ExperimentPlan(ExperimentFile file, IReadOnlyList<PlannedVariant> variants, int evalCount, bool quick)
    {
        File = file;
        Variants = variants;
        EvalCount = evalCount;
        Quick = quick;
    }

    public ExperimentFile File { get; }

    public IReadOnlyList<PlannedVariant> Variants { get; }

    public int EvalCount { get; }

    public bool Quick { get; }

    /// <summary>Plans every variant. <paramref name="dataDir"/> (absolute) goes into each config, as train's --data-dir.</summary>
    public static ExperimentPlan Create(ExperimentFile file, bool quick, string? dataDir = null, string version = "")
    {
        var planned = new List<PlannedVariant>();
        foreach (var variant in file.Variants)
        {
            var config = file.Config(variant) with { DataDir = dataDir, Version = version };
            var report = variant.ReportEpochs.Where(e => e <= config.Epochs).ToList();
            if (quick)
            {
                config = config with
                {
                    Epochs = file.ScaleEpoch(config.Epochs),
                    Limit = config.Limit == 0 ? file.QuickLimit : Math.Min(config.Limit, file.QuickLimit),
                };
                report = report.Select(file.ScaleEpoch).ToList();
            }
            report.Add(config.Epochs);
            int every = file.EvalEvery > 0 ? file.EvalEvery : Math.Max(1, config.Epochs / 10);
            planned.Add(new PlannedVariant
            {
                Variant = variant,
                Config = config,
                ReportEpochs = report.Where(e => e <= config.Epochs).Distinct().Order().ToList(),
                EvalEvery = every,
            });
        }
        return new ExperimentPlan(file, planned, quick ? file.QuickEvalCount : file.EvalCount, quick);
    }

    /// <summary>
    /// The <c>dcgan train</c> arguments that train the variant as planned: the file's flags with --quick's epochs and limit
    /// and the machine's --data-dir. The CLI checks them with train's parser; the Slurm script lists them per task.
    /// </summary>
    public IReadOnlyList<string> TrainArguments(PlannedVariant v)
    {
        var flags = new Dictionary<string, JsonNode?>(File.MergedFlags(v.Variant));
        if (Quick)
        {
            flags["epochs"] = v.Config.Epochs;
            flags["limit"] = v.Config.Limit;
        }
        if (v.Config.DataDir is { } dataDir)
        {
            flags["data-dir"] = dataDir;
        }
        return ExperimentFile.Arguments(flags);
    }

    /// <summary>The (variant, epoch) a part compares with, scaled in quick mode; null when the part names none.</summary>
    public (PlannedVariant Variant, int Epoch)? CompareTarget(ExperimentPart part)
    {
        if (part.CompareWith is null)
        {
            return null;
        }
        var (name, epoch) = ExperimentFile.SplitReference(part.CompareWith);
        var target = Variants.First(v => v.Name == name);
        int e = epoch is int given ? (Quick ? File.ScaleEpoch(given) : given) : target.Config.Epochs;
        // A reference to an epoch without a report row falls back to the nearest one that has a row.
        int nearest = target.ReportEpochs.OrderBy(r => Math.Abs(r - e)).First();
        return (target, nearest);
    }
}
