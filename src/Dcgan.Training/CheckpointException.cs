// A checkpoint that cannot be used: the message names the file and the problem, on one line.
namespace Dcgan.Training;

/// <summary>Thrown when a checkpoint is missing, damaged, of another format or of another model.</summary>
public sealed class CheckpointException(string path, string problem) : Exception($"checkpoint {path} {problem}")
{
    public string Path { get; } = path;
}
