// A small, strict command-line parser: kebab-case --flags with typed values and ranges, one-line errors,
// and generated --help text. (System.CommandLine would do, but this keeps the tool dependency-free.)
namespace Dcgan.Cli;

using System.Globalization;
using System.Text;

/// <summary>The declared options of one verb, and the values parsed for them.</summary>
public sealed class OptionSet
{
    private readonly List<Spec> _specs = [];
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    public OptionSet(string usage, string description)
    {
        Usage = usage;
        Description = description;
    }

    public string Usage { get; }

    public string Description { get; }

    public IReadOnlyList<string> Positionals => _positionals;

    private sealed record Spec(string Name, string Kind, string? Default, string Help, double Min, double Max, string[]? Choices);

    public OptionSet Int(string name, int? @default, string help, int min = int.MinValue, int max = int.MaxValue)
    {
        _specs.Add(new Spec(name, "N", @default?.ToString(CultureInfo.InvariantCulture), help, min, max, null));
        return this;
    }

    public OptionSet Float(string name, double? @default, string help, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        _specs.Add(new Spec(name, "X", @default?.ToString("G", CultureInfo.InvariantCulture), help, min, max, null));
        return this;
    }

    /// <summary>A whole-number flag whose range is a setting's (one owner for the flag and the files that hold it).</summary>
    public OptionSet Int(string name, int? @default, string help, Training.SettingRange range) => Int(name, @default, help, range.IntMin, range.IntMax);

    /// <summary>A number flag whose range is a setting's.</summary>
    public OptionSet Float(string name, double? @default, string help, Training.SettingRange range) => Float(name, @default, help, range.Min, range.Max);

    public OptionSet Text(string name, string? @default, string help)
    {
        _specs.Add(new Spec(name, "TEXT", @default, help, 0, 0, null));
        return this;
    }

    public OptionSet Choice(string name, string @default, string help, params string[] choices)
    {
        _specs.Add(new Spec(name, string.Join('|', choices), @default, help, 0, 0, choices));
        return this;
    }

    /// <summary>--threads N: worker threads for this process (0: all cores). Program applies it before the command runs.</summary>
    public OptionSet Threads(string help = "Worker threads (0: all cores)") => Int(ThreadsName, 0, help, Training.TrainLimits.Threads);

    /// <summary>The name of the <see cref="Threads"/> option.</summary>
    public const string ThreadsName = "threads";

    /// <summary>Whether the verb declares an option of this name.</summary>
    public bool Declares(string name) => _specs.Any(s => s.Name == name);

    public OptionSet Flag(string name, string help)
    {
        _specs.Add(new Spec(name, "", null, help, 0, 0, null));
        return this;
    }

    /// <summary>True when --help or -h was given (the caller prints <see cref="HelpText"/>).</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>Parses args; throws <see cref="UserError"/> for unknown flags, missing or bad values.</summary>
    public OptionSet Parse(IReadOnlyList<string> args, int maxPositionals = 0)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a is "--help" or "-h")
            {
                HelpRequested = true;
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                if (_positionals.Count >= maxPositionals)
                {
                    throw new UserError($"unexpected argument '{a}' (see --help)");
                }
                _positionals.Add(a);
                continue;
            }
            string name = a[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            var spec = _specs.FirstOrDefault(s => s.Name == name) ?? throw new UserError($"unknown option --{name} (see --help)");
            if (_values.ContainsKey(name))
            {
                throw new UserError($"--{name} given twice");
            }
            if (spec.Kind == "")
            {
                if (inline is not null)
                {
                    throw new UserError($"--{name} takes no value");
                }
                _values[name] = null;
                continue;
            }
            string value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UserError($"--{name} needs a value ({spec.Kind})"));
            Validate(spec, value);
            _values[name] = value;
        }
        return this;
    }

    private static void Validate(Spec spec, string value)
    {
        switch (spec.Kind)
        {
            case "N":
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
                {
                    throw new UserError($"--{spec.Name} must be a whole number, got '{value}'");
                }
                if (n < spec.Min || n > spec.Max)
                {
                    throw new UserError($"--{spec.Name} must be {RangeText(spec)}, got {n}");
                }
                break;
            case "X":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
                {
                    throw new UserError($"--{spec.Name} must be a number, got '{value}'");
                }
                if (x < spec.Min || x > spec.Max)
                {
                    throw new UserError($"--{spec.Name} must be {RangeText(spec)}, got {value}");
                }
                break;
            default:
                if (spec.Choices is not null && !spec.Choices.Contains(value))
                {
                    throw new UserError($"--{spec.Name} must be one of {string.Join(", ", spec.Choices)}, got '{value}'");
                }
                if (value.Length == 0)
                {
                    throw new UserError($"--{spec.Name} must not be empty");
                }
                break;
        }
    }

    private static string RangeText(Spec spec) => new Training.SettingRange(spec.Min, spec.Max).Describe();

    public bool Has(string name) => _values.ContainsKey(name);

    public string? GetText(string name) => _values.TryGetValue(name, out var v) ? v : Find(name).Default;

    public int GetInt(string name) => int.Parse(GetText(name) ?? throw new UserError($"--{name} is required"), CultureInfo.InvariantCulture);

    public int? GetIntOrNull(string name) => GetText(name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;

    public double GetFloat(string name) => double.Parse(GetText(name) ?? throw new UserError($"--{name} is required"), CultureInfo.InvariantCulture);

    public bool GetFlag(string name) => _values.ContainsKey(name);

    private Spec Find(string name) => _specs.FirstOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"option {name} not declared");

    public string HelpText()
    {
        var sb = new StringBuilder();
        sb.Append("Usage: ").Append(Usage).Append("\n\n").Append(Description).Append("\n\nOptions:\n");
        foreach (var s in _specs)
        {
            string left = s.Kind == "" ? $"--{s.Name}" : $"--{s.Name} {s.Kind}";
            // A help text that states its defaults itself (they differ by architecture) gets no second one.
            string right = s.Help + (s.Default is null || s.Help.Contains("[default:", StringComparison.Ordinal) ? "" : $" [default: {s.Default}]");
            sb.Append("  ").Append(left.PadRight(30)).Append(' ').Append(right).Append('\n');
        }
        sb.Append("  ").Append("--help".PadRight(30)).Append(" Show this help\n");
        return sb.ToString();
    }
}
