// A run folder another process is writing: the message names that process, on one line.
namespace Dcgan.Training;

/// <summary>Thrown when a second writer (train, train --resume, an experiment) reaches a folder whose lock is held.</summary>
public sealed class RunInUseException(string folder, int? pid) : Exception(
    $"{folder} is in use by {(pid is { } p ? $"process {p}" : "another process")} (a dcgan train or experiment writing it); " +
    "wait for it to finish or stop it (Ctrl-C) first")
{
    public string Folder { get; } = folder;

    /// <summary>The process holding the lock, when its lock file says.</summary>
    public int? Pid { get; } = pid;
}
