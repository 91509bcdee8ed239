// What a run is doing, as status.json names it: written by the trainer, shown by the dashboard.
namespace Dcgan.Training;

using System.Text.Json.Serialization;

/// <summary>The state of a run; the JSON names are the ones status.json and the dashboard use.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    /// <summary>A trainer process is working on the run (its pid is in the status).</summary>
    [JsonStringEnumMemberName("training")]
    Training,

    /// <summary>Every configured epoch is done.</summary>
    [JsonStringEnumMemberName("finished")]
    Finished,

    /// <summary>Stopped on request (Ctrl-C, SIGTERM, SIGHUP) after a checkpoint; `train --resume` continues it.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,

    /// <summary>Stopped by an error (a diverged model, a checkpoint that could not be written); the detail says which.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
