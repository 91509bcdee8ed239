// The experiment file format (experiments/*.json): a shared base of train flags, parts with questions, and
// named variants each changing some flags; plus the settings --quick scales a file down with.
namespace Dcgan.Experiments;

using System.Text.Json;
using System.Text.Json.Nodes;
using Dcgan.Training;

/// <summary>A parsed and checked experiment file.</summary>
public sealed record ExperimentFile
{
    /// <summary>Train flags a file may not set: where data lives is the machine's business, the version the program's.</summary>
    public static readonly IReadOnlySet<string> ReservedFlags = new HashSet<string> { "data-dir", "version" };

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public required IReadOnlyDictionary<string, JsonNode?> Base { get; init; }

    public required IReadOnlyList<ExperimentPart> Parts { get; init; }

    public required IReadOnlyList<ExperimentVariant> Variants { get; init; }

    /// <summary>Generated images per evaluation.</summary>
    public int EvalCount { get; init; } = 2000;

    /// <summary>Evaluate every N epochs for the FID curves (0: about ten points per run).</summary>
    public int EvalEvery { get; init; }

    /// <summary>--quick: epochs are multiplied by this (rounded up, at least 1).</summary>
    public double QuickEpochsScale { get; init; } = 0.02;

    /// <summary>--quick: train on at most this many images.</summary>
    public int QuickLimit { get; init; } = 1024;

    /// <summary>--quick: generated images per evaluation.</summary>
    public int QuickEvalCount { get; init; } = 500;

    /// <summary>Reads and checks a file; every problem is an <see cref="ExperimentFileException"/> naming the file.</summary>
    public static ExperimentFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExperimentFileException($"{path}: cannot read the experiment file ({e.Message})");
        }
        return Parse(text, path);
    }

    /// <summary>Parses file text; <paramref name="origin"/> prefixes error messages.</summary>
    public static ExperimentFile Parse(string text, string origin)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ExperimentFileException($"{origin}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
        var reader = new Reader(origin);
        var top = reader.Object(root, "the file");
        reader.OnlyKeys(top, "the file", "name", "description", "base", "eval-count", "eval-every", "quick", "parts");
        var baseFlags = reader.Flags(top["base"], "base");
        var parts = new List<ExperimentPart>();
        var variants = new List<ExperimentVariant>();
        var partsArray = top["parts"] as JsonArray ?? throw reader.Error("\"parts\" must be a list of parts");
        foreach (var node in partsArray)
        {
            var part = reader.Object(node, "a part");
            string id = reader.Text(part, "id", "a part");
            string where = $"part {id}";
            reader.OnlyKeys(part, where, "id", "title", "question", "compare-with", "variants");
            parts.Add(new ExperimentPart
            {
                Id = id,
                Title = reader.Text(part, "title", where, ""),
                Question = reader.Text(part, "question", where, ""),
                CompareWith = part["compare-with"] is null ? null : reader.Text(part, "compare-with", where),
            });
            var list = part["variants"] as JsonArray ?? throw reader.Error($"{where}: \"variants\" must be a list");
            foreach (var v in list)
            {
                var variant = reader.Object(v, $"a variant of {where}");
                string name = reader.Text(variant, "name", $"a variant of {where}");
                if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or ".." || name.Contains(' ', StringComparison.Ordinal))
                {
                    throw reader.Error($"variant name '{name}' must be usable as a folder name (no spaces or slashes)");
                }
                string vWhere = $"variant {name}";
                reader.OnlyKeys(variant, vWhere, "name", "changes", "flags", "report-epochs");
                variants.Add(new ExperimentVariant
                {
                    Name = name,
                    Part = id,
                    Changes = reader.Text(variant, "changes", vWhere),
                    Flags = reader.Flags(variant["flags"], vWhere),
                    ReportEpochs = reader.Ints(variant["report-epochs"], vWhere),
                });
            }
        }
        if (variants.Count == 0)
        {
            throw reader.Error("the file has no variants");
        }
        var duplicate = variants.GroupBy(v => v.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw reader.Error($"variant name '{duplicate.Key}' is used twice");
        }
        var quick = top["quick"] is null ? new JsonObject() : reader.Object(top["quick"], "quick");
        reader.OnlyKeys(quick, "quick", "epochs-scale", "limit", "eval-count");
        var file = new ExperimentFile
        {
            Name = reader.Text(top, "name", "the file"),
            Description = reader.Text(top, "description", "the file", ""),
            Base = baseFlags,
            Parts = parts,
            Variants = variants,
            EvalCount = reader.Int(top, "eval-count", "the file", 2000, 2, 1_000_000),
            EvalEvery = reader.Int(top, "eval-every", "the file", 0, 0, 100_000),
            QuickEpochsScale = reader.Number(quick, "epochs-scale", "quick", 0.02, 1e-6, 1),
            QuickLimit = reader.Int(quick, "limit", "quick", 1024, 1, int.MaxValue),
            QuickEvalCount = reader.Int(quick, "eval-count", "quick", 500, 2, 1_000_000),
        };
        foreach (var v in variants)
        {
            // Apply now so unknown flags and ill-typed values fail before anything runs.
            try
            {
                file.Config(v);
            }
            catch (ExperimentFileException e)
            {
                throw reader.Error(e.Message);
            }
        }
        foreach (var p in parts.Where(p => p.CompareWith is not null))
        {
            var (target, _) = SplitReference(p.CompareWith!);
            if (!variants.Any(v => v.Name == target))
            {
                throw reader.Error($"part {p.Id}: compare-with names no variant: '{p.CompareWith}'");
            }
        }
        return file;
    }

    /// <summary>An epoch count under --quick: scaled, rounded up, at least 1.</summary>
    public int ScaleEpoch(int epochs) => Math.Max(1, (int)Math.Ceiling(epochs * QuickEpochsScale - 1e-9));

    /// <summary>The base flags overlaid with the variant's (the variant wins).</summary>
    public IReadOnlyDictionary<string, JsonNode?> MergedFlags(ExperimentVariant variant)
    {
        var merged = new Dictionary<string, JsonNode?>(Base);
        foreach (var (k, v) in variant.Flags)
        {
            merged[k] = v;
        }
        return merged;
    }

    /// <summary>The variant's full training configuration (before quick scaling).</summary>
    public TrainConfig Config(ExperimentVariant variant)
    {
        var flags = MergedFlags(variant);
        return ApplyFlags(new TrainConfig(), flags, $"variant {variant.Name}").WithDefaultsFor(flags.ContainsKey);
    }

    /// <summary>The merged flags as train command-line arguments (e.g. --epochs 100 --drop-last), for validation by the CLI.</summary>
    public IReadOnlyList<string> Arguments(ExperimentVariant variant) => Arguments(MergedFlags(variant));

    /// <summary>Flags as train command-line arguments: true adds the bare flag, false drops it, other values follow their flag.</summary>
    public static IReadOnlyList<string> Arguments(IReadOnlyDictionary<string, JsonNode?> flags)
    {
        var args = new List<string>();
        foreach (var (name, value) in flags)
        {
            if (value is JsonValue b && b.TryGetValue(out bool flag))
            {
                if (flag)
                {
                    args.Add("--" + name);
                }
                continue;
            }
            args.Add("--" + name);
            args.Add(value is JsonValue s && s.TryGetValue(out string? text) ? text : value?.ToJsonString() ?? "");
        }
        return args;
    }

    /// <summary>Splits "variant@epoch" into its parts (epoch null when absent).</summary>
    public static (string Variant, int? Epoch) SplitReference(string reference)
    {
        int at = reference.LastIndexOf('@');
        if (at < 0)
        {
            return (reference, null);
        }
        return int.TryParse(reference.AsSpan(at + 1), out int epoch) ? (reference[..at], epoch) : (reference, null);
    }

    /// <summary>Sets train flags (by their CLI names) on a config through its JSON form, whose names are the flags'.</summary>
    public static TrainConfig ApplyFlags(TrainConfig config, IReadOnlyDictionary<string, JsonNode?> flags, string where)
    {
        var json = JsonSerializer.SerializeToNode(config)!.AsObject();
        foreach (var (name, value) in flags)
        {
            if (!json.ContainsKey(name) || ReservedFlags.Contains(name))
            {
                throw new ExperimentFileException($"{where}: unknown train flag '{name}' (flags are train's, without dashes; data-dir and version are not allowed)");
            }
            json[name] = value?.DeepClone();
        }
        try
        {
            return json.Deserialize<TrainConfig>() ?? throw new ExperimentFileException($"{where}: empty configuration");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ExperimentFileException($"{where}: a flag has a value of the wrong type ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    private sealed class Reader(string origin)
    {
        public ExperimentFileException Error(string message) => new($"{origin}: {message}");

        public JsonObject Object(JsonNode? node, string what) => node as JsonObject ?? throw Error($"{what} must be a JSON object");

        public void OnlyKeys(JsonObject o, string where, params string[] keys)
        {
            foreach (var (key, _) in o)
            {
                if (!keys.Contains(key))
                {
                    throw Error($"{where}: unknown key \"{key}\" (expected {string.Join(", ", keys)})");
                }
            }
        }

        public string Text(JsonObject o, string key, string where, string? fallback = null)
        {
            if (o[key] is null)
            {
                return fallback ?? throw Error($"{where}: \"{key}\" is required");
            }
            return o[key] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0
                ? s
                : throw Error($"{where}: \"{key}\" must be a non-empty string");
        }

        public int Int(JsonObject o, string key, string where, int fallback, int min, int max)
        {
            if (o[key] is null)
            {
                return fallback;
            }
            return o[key] is JsonValue v && v.TryGetValue(out int n) && n >= min && n <= max
                ? n
                : throw Error($"{where}: \"{key}\" must be a whole number from {min} to {max}");
        }

        public double Number(JsonObject o, string key, string where, double fallback, double min, double max)
        {
            if (o[key] is null)
            {
                return fallback;
            }
            return o[key] is JsonValue v && v.TryGetValue(out double x) && x >= min && x <= max
                ? x
                : throw Error($"{where}: \"{key}\" must be a number from {min} to {max}");
        }

        public IReadOnlyList<int> Ints(JsonNode? node, string where)
        {
            if (node is null)
            {
                return [];
            }
            if (node is not JsonArray array)
            {
                throw Error($"{where}: \"report-epochs\" must be a list of epochs");
            }
            return array.Select(n => n is JsonValue v && v.TryGetValue(out int e) && e >= 1 ? e : throw Error($"{where}: \"report-epochs\" must hold epochs (whole numbers from 1)")).ToList();
        }

        public IReadOnlyDictionary<string, JsonNode?> Flags(JsonNode? node, string where)
        {
            if (node is null)
            {
                return new Dictionary<string, JsonNode?>();
            }
            var o = Object(node, $"{where}: \"flags\"");
            var flags = new Dictionary<string, JsonNode?>();
            foreach (var (key, value) in o)
            {
                string name = key.StartsWith("--", StringComparison.Ordinal) ? key[2..] : key;
                if (value is not JsonValue)
                {
                    throw Error($"{where}: flag '{name}' must be a number, string or true/false");
                }
                flags[name] = value.DeepClone();
            }
            return flags;
        }
    }
}
