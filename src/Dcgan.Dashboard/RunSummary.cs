// One row of the runs list (and the head of a run's page), as the page reads it from GET /api/runs.
namespace Dcgan.Dashboard;

/// <summary>What the dashboard shows about a run at a glance; serialized with snake_case names.</summary>
internal sealed record RunSummary
{
    public required string Name { get; init; }

    public string? Dataset { get; init; }

    public int EpochsDone { get; init; }

    public int? EpochsTotal { get; init; }

    public double? GLoss { get; init; }

    public double? DLoss { get; init; }

    /// <summary>The last FID in metrics.jsonl, when the run measured one.</summary>
    public double? Fid { get; init; }

    /// <summary>A <see cref="Training.RunState"/> by its JSON name (training, finished, interrupted, failed), or damaged (config.json unreadable).</summary>
    public required string Status { get; init; }

    public string? StatusDetail { get; init; }

    public DateTimeOffset Updated { get; init; }

    public int Checkpoints { get; init; }

    /// <summary>Changes whenever the run folder's content does; the page reloads its data when it changes.</summary>
    public required string Version { get; init; }

    public string? Error { get; init; }
}
