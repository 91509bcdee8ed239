// One array task as squeue reports it (e.g. 12_1 RUNNING), and how the experiment's reports describe it.
namespace Dcgan.Experiments.Slurm;

/// <summary>A variant's latest Slurm task; <see cref="State"/> is null once Slurm no longer lists it.</summary>
public sealed record SlurmTask(string JobId, int Index, string? State)
{
    public string Id => $"{JobId}_{Index}";

    /// <summary>Waiting or running: a new submission of this variant would run it twice.</summary>
    public bool Active => State is "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "CONFIGURING" or "RUNNING"
        or "COMPLETING" or "RESIZING" or "SUSPENDED" or "STOPPED" or "SIGNALING" or "STAGE_OUT" or "RESV_DEL_HOLD";

    /// <summary>For a variant that has not finished: queued, running, or ended early (its task will not finish it).</summary>
    public string Describe(string log) => State switch
    {
        "RUNNING" or "COMPLETING" or "SIGNALING" or "STAGE_OUT" => $"Slurm task {Id} is running (log {log})",
        _ when Active => $"Slurm task {Id} is queued ({State})",
        _ => $"Slurm task {Id} ended{(State is null ? "" : $" ({State})")} before the variant finished (log {log}); requeue it (scontrol requeue {Id}) or submit again",
    };
}
