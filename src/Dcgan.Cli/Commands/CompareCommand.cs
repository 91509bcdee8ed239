// `dcgan compare`: trained runs side by side, from their folders: recipe, batch, epochs and training time, and the
// quality each recorded (median FID of the last measured epochs, best FID, rarest class, KID, precision, recall);
// --chart draws their FID curves on one chart as PNG and SVG.
namespace Dcgan.Cli.Commands;

using System.Globalization;
using System.Text;
using Dcgan.Quality;
using Dcgan.Reporting;

/// <summary>Compares run folders.</summary>
public static class CompareCommand
{
    /// <summary>The most run folders one comparison takes.</summary>
    public const int MaxRuns = 40;

    public static OptionSet Options() => new OptionSet("dcgan compare RUN_DIR|LABEL=RUN_DIR ... [options]",
        "Compare trained runs by what their folders recorded: recipe, batch, epochs and training time (config.json,\n" +
        "metrics.jsonl) and the quality measured by train --eval-every or evaluate (quality.jsonl): the median FID of\n" +
        "the last --last measured epochs (one epoch's FID swings), the best FID and its epoch, the rarest class's share,\n" +
        "and the last KID, precision and recall. A run is labelled by its folder's name, or LABEL=RUN_DIR names it.")
        .Int("last", 3, "Measured epochs at the end that FID and the rarest class are the median of", 1, 1000)
        .Text("chart", null, "Also draw FID by epoch of every run into CHART.png and CHART.svg (log scale)");

    public static int Run(OptionSet o, TextWriter stdout)
    {
        var args = o.Positionals;
        if (args.Count == 0)
        {
            throw new UserError("name at least one run folder to compare (dcgan compare RUN_DIR ...)");
        }
        string? chartBase = o.GetText("chart") is { } chart ? WithoutImageExtension(chart) : null;
        if (chartBase is not null)
        {
            if (Directory.Exists(chartBase))
            {
                throw new UserError($"--chart {chartBase} is a folder; give a file name such as {Path.Combine(chartBase, "fid")}");
            }
            string folder = Path.GetDirectoryName(Path.GetFullPath(chartBase))!;
            if (!Directory.Exists(folder))
            {
                throw new UserError($"--chart: the folder {folder} does not exist");
            }
        }
        int window = o.GetInt("last");
        var rows = new List<RunComparisonRow>();
        foreach (string arg in args)
        {
            var (label, folder) = LabelAndFolder(arg);
            try
            {
                rows.Add(RunComparison.Read(label, folder, window));
            }
            catch (InvalidDataException e)
            {
                throw new UserError(e.Message);
            }
        }
        var duplicate = rows.GroupBy(r => r.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UserError($"two runs are labelled '{duplicate.Key}'; name them with LABEL=RUN_DIR");
        }
        stdout.Write(Table(rows, window));
        if (chartBase is not null)
        {
            var fid = RunComparison.FidChart(rows)
                ?? throw new UserError("--chart: none of these runs measured its quality (train with --eval-every N, or run dcgan evaluate)");
            var files = ChartFiles.Write(fid, chartBase);
            stdout.WriteLine($"FID by epoch: {files.PngPath} and {files.SvgPath}");
        }
        return 0;
    }

    /// <summary>The runs as an aligned table, one line each.</summary>
    public static string Table(IReadOnlyList<RunComparisonRow> rows, int window)
    {
        var c = CultureInfo.InvariantCulture;
        string[] header = ["run", "recipe", "batch", "epochs", "train time", $"FID (last {window})", "best FID", "rarest class", "KID", "precision", "recall"];
        var lines = new List<string[]> { header };
        foreach (var r in rows)
        {
            var latest = r.Latest;
            string Span() => r.Last.Count == 0 ? "" : r.Last.Count == 1 ? string.Create(c, $" (epoch {r.Last[0].Epoch})") : string.Create(c, $" (epochs {r.Last[0].Epoch}-{r.Last[^1].Epoch})");
            lines.Add(
            [
                r.Label,
                r.Config.Recipe,
                r.Config.BatchSize.ToString(c),
                r.Epochs.ToString(c),
                Duration(r.Seconds),
                r.Fid is double f ? f.ToString("0.0", c) + Span() : "-",
                r.Best is var (bf, be) ? string.Create(c, $"{bf:0.0} (epoch {be})") : "-",
                r.MinClassShare is double s ? (s * 100).ToString("0.0", c) + " %" : "-",
                latest?.Kid is double kid ? kid.ToString(Math.Abs(kid) >= 1 ? "0.00" : "0.0000", c) : "-",
                latest?.Precision is double p ? (p * 100).ToString("0.0", c) + " %" : "-",
                latest?.Recall is double rc ? (rc * 100).ToString("0.0", c) + " %" : "-",
            ]);
        }
        int[] width = Enumerable.Range(0, header.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            // The label and the recipe left-aligned, the figures right-aligned.
            sb.AppendJoin("  ", line.Select((cell, i) => i < 2 ? cell.PadRight(width[i]) : cell.PadLeft(width[i]))).Append('\n');
        }
        if (rows.Any(r => r.History.Count == 0))
        {
            sb.Append("(-: not measured; train with --eval-every N, or run dcgan evaluate --from RUN_DIR)\n");
        }
        return sb.ToString();
    }

    private static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:D2}s" : $"{t.Seconds}s";
    }

    // LABEL=RUN_DIR names the run; an argument that is itself a folder is a folder, even with '=' in its name.
    private static (string Label, string Folder) LabelAndFolder(string arg)
    {
        int eq = arg.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && !Directory.Exists(arg))
        {
            return (arg[..eq], arg[(eq + 1)..]);
        }
        string full = Path.GetFullPath(arg).TrimEnd(Path.DirectorySeparatorChar);
        return (Path.GetFileName(full), arg);
    }

    private static string WithoutImageExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".svg" ? path[..^4] : path;
}
