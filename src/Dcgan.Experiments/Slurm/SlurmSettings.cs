// What `experiment --slurm` asks of the cluster for each array task (partition, time limit, cores) and how a task
// calls this same dcgan build (the running .NET host and dcgan.dll, by absolute paths).
namespace Dcgan.Experiments.Slurm;

/// <summary>Settings of an experiment's Slurm array.</summary>
public sealed record SlurmSettings
{
    /// <summary>sbatch --partition; null: the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>sbatch --time per task (e.g. 90, 4:00:00, 1-12); null: the partition's default.</summary>
    public string? Time { get; init; }

    /// <summary>sbatch --cpus-per-task; each task trains with that many threads. Null: Slurm's default (one).</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>The program and leading arguments that start dcgan (e.g. /usr/share/dotnet/dotnet /abs/dcgan.dll).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The experiment settings every task repeats after --variant NAME (e.g. --quick, --data-dir DIR).</summary>
    public IReadOnlyList<string> ExperimentArguments { get; init; } = [];
}
