// Reading a run folder for the page: config.json, metrics.jsonl (tolerating a line being written), status.json
// or, without one, the status guessed from file times; every problem becomes a message, never a crash.
namespace Dcgan.Dashboard;

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dcgan.Training;

/// <summary>Tolerant readers of a run's small files.</summary>
internal static class RunReader
{
    // Far above any real file (metrics.jsonl grows by ~250 bytes an epoch); stops a stray huge file from being loaded.
    private const long MaxSmallFile = 32L << 20;

    /// <summary>config.json as a JSON object (unknown keys kept, so newer settings show too).</summary>
    public static JsonObject ReadConfig(RunFolder run)
    {
        try
        {
            return JsonNode.Parse(ReadSmall(run.ConfigPath)) as JsonObject
                ?? throw new InvalidDataException("config.json is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"config.json is not valid JSON ({e.Message})");
        }
    }

    /// <summary>
    /// The settings <paramref name="config"/> leaves out, each with the value the run loads with: a config written
    /// before a setting existed (e.g. "cond-scheme", "class-weight", "g-ema") shows what resuming or sampling it uses.
    /// Empty when the config is not one the trainer can read.
    /// </summary>
    public static JsonObject LoadedDefaults(JsonObject config)
    {
        var defaults = new JsonObject();
        JsonObject loaded;
        try
        {
            loaded = JsonNode.Parse(TrainConfig.FromJson(config.ToJsonString()).ToJson())!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return defaults;
        }
        foreach (var (key, value) in loaded)
        {
            if (value is not null && !config.ContainsKey(key))
            {
                defaults[key] = value.DeepClone();
            }
        }
        return defaults;
    }

    /// <summary>
    /// The lines of metrics.jsonl as JSON objects. A last line without its newline is still being written and is
    /// left out; other unreadable lines are skipped and counted.
    /// </summary>
    public static (List<JsonObject> Epochs, int Skipped) ReadMetrics(RunFolder run)
    {
        if (!File.Exists(run.MetricsPath))
        {
            return ([], 0);
        }
        string text = ReadSmall(run.MetricsPath);
        string[] lines = text.Split('\n');
        var epochs = new List<JsonObject>();
        int skipped = 0;
        // The element after the last '\n' is the unfinished line (empty when the file ends cleanly).
        for (int i = 0; i < lines.Length - 1; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                if (JsonNode.Parse(line) is JsonObject o && o["epoch"] is JsonValue)
                {
                    epochs.Add(o);
                    continue;
                }
            }
            catch (JsonException)
            {
            }
            skipped++;
        }
        return (epochs, skipped);
    }

    /// <summary>The run at a glance; a run whose config cannot be read is listed as damaged with the reason.</summary>
    public static RunSummary Summarize(string name, RunFolder run, TimeSpan trainingWindow)
    {
        string version = Version(run);
        DateTime changed = LastChange(run);
        int checkpoints = run.Checkpoints().Count;
        JsonObject config;
        List<JsonObject> epochs;
        try
        {
            config = ReadConfig(run);
            epochs = ReadMetrics(run).Epochs;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new RunSummary
            {
                Name = name, Status = "damaged", Error = e.Message, Version = version,
                Updated = new DateTimeOffset(changed, TimeSpan.Zero), Checkpoints = checkpoints,
            };
        }
        int? total = Int(config["epochs"]);
        int done = epochs.Count == 0 ? 0 : Int(epochs[^1]["epoch"]) ?? epochs.Count;
        var (state, detail) = Status(run, done, total, changed, trainingWindow);
        var last = epochs.Count == 0 ? null : epochs[^1];
        return new RunSummary
        {
            Name = name,
            Dataset = config["dataset"] is JsonValue d && d.TryGetValue(out string? s) ? s : null,
            EpochsDone = done,
            EpochsTotal = total,
            GLoss = Number(last?["g_loss"]),
            DLoss = Number(last?["d_loss"]),
            Fid = epochs.Select(e => Number(e["fid"])).LastOrDefault(f => f is not null),
            Status = state,
            StatusDetail = detail,
            Updated = new DateTimeOffset(changed, TimeSpan.Zero),
            Checkpoints = checkpoints,
            Version = version,
        };
    }

    /// <summary>
    /// status.json when the trainer wrote one (<see cref="RunStatus"/>): its state and detail, a failed run with the
    /// error that stopped it; a "training" whose process is gone is interrupted. Otherwise: finished when every
    /// configured epoch is done, training when the folder changed within the window, else interrupted.
    /// </summary>
    public static (string State, string? Detail) Status(RunFolder run, int done, int? total, DateTime lastChangeUtc, TimeSpan window)
    {
        if (File.Exists(run.StatusPath))
        {
            try
            {
                var status = RunStatus.Read(run.StatusPath);
                string name = RunStatus.NameOf(status.State);
                return status.State switch
                {
                    RunState.Training when status.Pid > 0 && !IsAlive(status.Pid) =>
                        (RunStatus.NameOf(RunState.Interrupted), $"the training process ({status.Pid}) is gone"),
                    RunState.Interrupted => (name, status.Detail ?? "stopped; continue with dcgan train --resume"),
                    RunState.Failed => (name, status.Detail ?? "training stopped with an error"),
                    _ => (name, status.Detail),
                };
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // A status file that cannot be read says nothing; fall through to the file times.
            }
        }
        if (total is { } t && done >= t)
        {
            return (RunStatus.NameOf(RunState.Finished), null);
        }
        if (DateTime.UtcNow - lastChangeUtc < window)
        {
            return (RunStatus.NameOf(RunState.Training), "files changed recently");
        }
        return (RunStatus.NameOf(RunState.Interrupted), done == 0 ? "no epoch finished" : $"stopped after epoch {done}");
    }

    /// <summary>The newest write time among the files training writes (UTC).</summary>
    public static DateTime LastChange(RunFolder run)
    {
        var times = new List<DateTime>
        {
            File.GetLastWriteTimeUtc(run.ConfigPath),
            File.GetLastWriteTimeUtc(run.MetricsPath),
            File.GetLastWriteTimeUtc(run.StatusPath),
            Directory.GetLastWriteTimeUtc(run.SamplesDir),
            Directory.GetLastWriteTimeUtc(run.CheckpointsDir),
        };
        // Missing files report 1601-01-01, which never wins.
        return times.Max();
    }

    /// <summary>A short hash of the sizes and times of everything the page shows: equal versions, equal pages.</summary>
    public static string Version(RunFolder run)
    {
        var sb = new StringBuilder();
        void Add(string path)
        {
            var info = new FileInfo(path);
            sb.Append(path).Append('|');
            if (info.Exists)
            {
                sb.Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append('|')
                  .Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        Add(run.ConfigPath);
        Add(run.MetricsPath);
        Add(run.HistogramPath);
        Add(run.StatusPath);
        foreach (var (_, path) in run.Checkpoints())
        {
            Add(path);
        }
        sb.Append(Directory.GetLastWriteTimeUtc(run.SamplesDir).Ticks.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())).AsSpan(0, 8));
    }

    public static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (int)d : null;

    public static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;

    private static string ReadSmall(string path)
    {
        // Shared access: the trainer may be appending or renaming over the file right now.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > MaxSmallFile)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} is larger than {MaxSmallFile >> 20} MB");
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
