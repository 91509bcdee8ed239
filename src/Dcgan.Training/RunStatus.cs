// status.json, the one typed record of what a run is doing: the trainer writes it (atomically) at every change of
// state and after every epoch; the dashboard reads it to show the run as training, finished, interrupted or failed.
namespace Dcgan.Training;

using System.Text.Json;
using System.Text.Json.Serialization;
using Dcgan.Imaging;

/// <summary>The content of a run's status.json.</summary>
public sealed record RunStatus
{
    [JsonPropertyName("state")] public required RunState State { get; init; }

    [JsonPropertyName("epochs_done")] public int EpochsDone { get; init; }

    [JsonPropertyName("epochs")] public int Epochs { get; init; }

    /// <summary>The trainer's process id (a "training" run whose process is gone was stopped without a word).</summary>
    [JsonPropertyName("pid")] public int Pid { get; init; }

    [JsonPropertyName("updated")] public DateTimeOffset Updated { get; init; }

    /// <summary>Words shown beside the state: for a failed run, the error that stopped it.</summary>
    [JsonPropertyName("detail")] public string? Detail { get; init; }

    /// <summary>Files larger than this are not status files (they are a few hundred bytes).</summary>
    private const long MaxBytes = 1 << 20;

    private static readonly JsonSerializerOptions Json = new() { RespectNullableAnnotations = true };

    /// <summary>The JSON name of a state ("training", "finished", "interrupted", "failed").</summary>
    public static string NameOf(RunState state) => JsonSerializer.Serialize(state, Json).Trim('"');

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the status atomically (a reader sees the old one or the new one, never half of one).</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>
    /// Reads a status file; throws <see cref="InvalidDataException"/> for one that is not a status (unknown state,
    /// missing state, not JSON) and <see cref="IOException"/> when it cannot be read.
    /// </summary>
    public static RunStatus Read(string path)
    {
        // Shared access: the trainer may be renaming a new status over this one right now.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > MaxBytes)
        {
            throw new InvalidDataException($"{path} is {stream.Length:N0} bytes, too large for a status file");
        }
        try
        {
            return JsonSerializer.Deserialize<RunStatus>(stream, Json) ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a run status ({e.Message})");
        }
    }
}
