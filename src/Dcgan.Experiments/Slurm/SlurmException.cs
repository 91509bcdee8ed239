// sbatch or squeue could not be run, failed or gave an answer that is not a job: the tool's own message, one line.
namespace Dcgan.Experiments.Slurm;

/// <summary>A Slurm client failed. An I/O failure to the CLI: its message alone, exit code 1.</summary>
public sealed class SlurmException(string message) : IOException(message);
