// Where one variant stands in an experiment folder: finished (DIR/<variant>/done.json), unfinished (a run folder
// without its final result: still running, or stopped before its final checkpoint), or not run yet; and the words
// the reports and `experiment --report` use for it.
namespace Dcgan.Experiments;

using System.Globalization;

/// <summary>A variant's progress as its folder shows it.</summary>
public sealed record VariantState
{
    public required PlannedVariant Variant { get; init; }

    /// <summary>The finished variant's outcome (done or diverged); null while it has not finished.</summary>
    public VariantResult? Result { get; init; }

    /// <summary>Whether its run folder exists and holds anything.</summary>
    public bool Started { get; init; }

    /// <summary>Epochs completed in its newest checkpoint, and steps into the next; null without a checkpoint.</summary>
    public (int Epochs, int Steps)? Checkpoint { get; init; }

    /// <summary>Why a folder that looks finished is not (e.g. an unreadable done.json); null otherwise.</summary>
    public string? Problem { get; init; }

    /// <summary>What the launcher knows about the variant's task (e.g. a Slurm array task's state); null in one process.</summary>
    public string? Task { get; init; }

    public string Name => Variant.Name;

    public bool Finished => Result is not null;

    /// <summary>Unfinished: it has a run folder but no result (it may still be running).</summary>
    public bool Unfinished => !Finished && Started;

    /// <summary>One line for the report's table and answers: "finished", "unfinished: ...", or "not run yet".</summary>
    public string Description
    {
        get
        {
            string task = Task is null ? "" : "; " + Task;
            if (Result is { } result)
            {
                return result.Succeeded ? "finished" : result.Status;
            }
            if (!Started)
            {
                return "not run yet" + task;
            }
            int epochs = Variant.Config.Epochs;
            string where = Problem is not null ? Problem
                : Checkpoint is not { } c ? "no checkpoint yet"
                : c.Epochs >= epochs ? "trained to its final checkpoint, not measured yet"
                : c.Steps > 0 ? I($"no final checkpoint (the newest is at epoch {c.Epochs + 1} of {epochs}, step {c.Steps})")
                : I($"no final checkpoint (the newest is after epoch {c.Epochs} of {epochs})");
            return "unfinished: " + where + task;
        }
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
