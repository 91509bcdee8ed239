// The experiment's two reports, DIR/report.md and DIR/report.html (self-contained: inline SVG, images as data:
// URLs per RFC 2397): the table of variants, a generated summary, each part's question and answer, the final
// grids side by side and the loss and FID curves overlaid (g_loss, d_loss, fid: each as .png, which report.md
// shows, and .svg, which report.html inlines).
namespace Dcgan.Experiments;

using System.Globalization;
using System.Text;
using Dcgan.Imaging;
using Dcgan.Quality;
using Dcgan.Reporting;
using Dcgan.Training;

/// <summary>Writes report.md and report.html, and the charts (PNG and SVG) they show.</summary>
public static class ExperimentReport
{
    public const string MarkdownName = "report.md";
    public const string HtmlName = "report.html";

    private static readonly string[] Columns =
        ["variant", "part", "changes", "epochs", "training seconds", "images/s", "G loss", "D loss", "D accuracy", "FID", "Inception Score", "min class share", "classes covered", "confidence"];

    /// <summary>Writes both reports: the finished variants' figures, and what the others are (unfinished or not run yet).</summary>
    public static void Write(ExperimentPlan plan, IReadOnlyList<VariantState> states, string root)
    {
        var results = states.Where(s => s.Result is not null).ToDictionary(s => s.Name, s => s.Result!);
        var pending = states.Where(s => s.Result is null).ToDictionary(s => s.Name, s => s.Description);
        var charts = Charts(plan, results, root).Select(c => (c.Name, ChartFiles.Write(c.Chart, Path.Combine(root, c.Name)))).ToList();
        AtomicFile.WriteAllText(Path.Combine(root, MarkdownName), Markdown(plan, results, pending, root, charts));
        AtomicFile.WriteAllText(Path.Combine(root, HtmlName), Html(plan, results, pending, charts));
    }

    /// <summary>
    /// The generated summary: best and worst quality, fastest and slowest, failures, unfinished variants; one sentence each.
    /// <paramref name="pending"/> says what each variant without a result is (by default: not run yet).
    /// </summary>
    public static IReadOnlyList<string> Summary(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results, IReadOnlyDictionary<string, string>? pending = null)
    {
        var lines = new List<string>();
        var rows = AllRows(plan, results).Where(r => r.Row.Fid is not null).ToList();
        if (rows.Count > 0)
        {
            var best = rows.MinBy(r => r.Row.Fid!.Value);
            var worst = rows.MaxBy(r => r.Row.Fid!.Value);
            lines.Add(I($"Best quality: {Label(best)} ({best.Variant.Variant.Changes}) with FID {best.Row.Fid:0.00} (lower is better), min class share {best.Row.MinClassShare:P1}."));
            if (!ReferenceEquals(best.Row, worst.Row))
            {
                lines.Add(I($"Worst quality: {Label(worst)} ({worst.Variant.Variant.Changes}) with FID {worst.Row.Fid:0.00}."));
            }
        }
        var finals = plan.Variants.Where(v => results.TryGetValue(v.Name, out var r) && r.Rows.Count > 0)
            .Select(v => (Variant: v, Row: results[v.Name].Rows[^1])).ToList();
        if (finals.Count > 0)
        {
            var fastest = finals.MaxBy(f => f.Row.ImagesPerSecond);
            var slowest = finals.MinBy(f => f.Row.ImagesPerSecond);
            lines.Add(I($"Fastest to train: {fastest.Variant.Name} ({fastest.Variant.Variant.Changes}) at {fastest.Row.ImagesPerSecond:0} images/s, {fastest.Row.Seconds:0.0} seconds for {fastest.Row.Epoch} epochs."));
            if (!ReferenceEquals(fastest.Row, slowest.Row))
            {
                lines.Add(I($"Slowest: {slowest.Variant.Name} ({slowest.Variant.Variant.Changes}) at {slowest.Row.ImagesPerSecond:0} images/s, {slowest.Row.Seconds:0.0} seconds for {slowest.Row.Epoch} epochs."));
            }
        }
        foreach (var r in results.Values.Where(r => !r.Succeeded))
        {
            lines.Add($"{r.Name} did not finish: {r.Status}.");
        }
        var waiting = plan.Variants.Where(v => !results.ContainsKey(v.Name)).ToList();
        foreach (var v in waiting)
        {
            string state = Pending(pending, v);
            if (state != NotRun)
            {
                lines.Add($"{v.Name} is {state}.");
            }
        }
        if (waiting.Count > 0)
        {
            lines.Add($"{waiting.Count} of {plan.Variants.Count} variants have not finished; run the experiment again to continue (finished variants are kept).");
        }
        return lines;
    }

    /// <summary>Each part's answer: its variants against the part's comparison row (or its epochs, for a part without one).</summary>
    public static IReadOnlyList<string> Answer(ExperimentPlan plan, ExperimentPart part, IReadOnlyDictionary<string, VariantResult> results, IReadOnlyDictionary<string, string>? pending = null)
    {
        var lines = new List<string>();
        var target = plan.CompareTarget(part);
        ResultRow? baseRow = null;
        if (target is { } t && results.TryGetValue(t.Variant.Name, out var baseResult))
        {
            baseRow = baseResult.Rows.FirstOrDefault(r => r.Epoch == t.Epoch);
        }
        foreach (var v in plan.Variants.Where(v => v.Variant.Part == part.Id))
        {
            if (!results.TryGetValue(v.Name, out var result))
            {
                lines.Add($"{v.Name} ({v.Variant.Changes}): {Pending(pending, v)}.");
                continue;
            }
            if (!result.Succeeded || result.Rows.Count == 0)
            {
                lines.Add($"{v.Name} ({v.Variant.Changes}): {result.Status}.");
                continue;
            }
            var row = result.Rows[^1];
            if (baseRow is not null && target is { } tt && tt.Variant.Name != v.Name)
            {
                lines.Add(I($"{v.Name} ({v.Variant.Changes}): FID {Fid(row)} vs {Fid(baseRow)} for {tt.Variant.Name}@{tt.Epoch} ({Relative(row.Fid, baseRow.Fid, "worse", "better")}); ") +
                    I($"{row.Seconds:0.0} seconds vs {baseRow.Seconds:0.0} seconds of training ({Relative(row.Seconds, baseRow.Seconds, "slower", "faster")}), {row.ImagesPerSecond:0} vs {baseRow.ImagesPerSecond:0} images/s."));
            }
            else
            {
                string byEpoch = string.Join("; ", result.Rows.Select(r => I($"epoch {r.Epoch}: FID {Fid(r)}, {r.Seconds:0.0} seconds")));
                lines.Add($"{v.Name} ({v.Variant.Changes}): {byEpoch}.");
            }
        }
        var scored = plan.Variants.Where(v => v.Variant.Part == part.Id && results.TryGetValue(v.Name, out var r) && r.Rows.Count > 0 && r.Rows[^1].Fid is not null)
            .Select(v => (v, results[v.Name].Rows[^1])).ToList();
        if (scored.Count > 1)
        {
            var best = scored.MinBy(s => s.Item2.Fid!.Value);
            lines.Add(I($"Lowest FID in part {part.Id}: {best.v.Name} ({best.Item2.Fid:0.00})."));
        }
        return lines;
    }

    private const string NotRun = "not run yet";

    private static string Pending(IReadOnlyDictionary<string, string>? pending, PlannedVariant v) =>
        pending is not null && pending.TryGetValue(v.Name, out var state) ? state : NotRun;

    private static string Relative(double? value, double? reference, string higher, string lower)
    {
        if (value is not double a || reference is not double b || b == 0)
        {
            return "no comparison";
        }
        double change = (a - b) / Math.Abs(b);
        if (Math.Abs(change) < 0.005)
        {
            return "about the same";
        }
        return I($"{Math.Abs(change):P0} {(change > 0 ? higher : lower)}");
    }

    private static IEnumerable<(PlannedVariant Variant, ResultRow Row)> AllRows(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results) =>
        plan.Variants.Where(v => results.ContainsKey(v.Name)).SelectMany(v => results[v.Name].Rows.Select(r => (v, r)));

    private static string Label((PlannedVariant Variant, ResultRow Row) r) =>
        r.Variant.ReportEpochs.Count > 1 ? $"{r.Variant.Name}@{r.Row.Epoch}" : r.Variant.Name;

    private static string Fid(ResultRow r) => r.Fid is double f ? I($"{f:0.00}") : "-";

    private static IReadOnlyList<IReadOnlyList<string>> TableRows(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results, IReadOnlyDictionary<string, string> pending)
    {
        var table = new List<IReadOnlyList<string>>();
        foreach (var v in plan.Variants)
        {
            if (!results.TryGetValue(v.Name, out var result))
            {
                table.Add([v.Name, v.Variant.Part, v.Variant.Changes, v.Config.Epochs.ToString(CultureInfo.InvariantCulture), Pending(pending, v)]);
                continue;
            }
            if (result.Rows.Count == 0)
            {
                table.Add([v.Name, v.Variant.Part, v.Variant.Changes, "-", result.Status]);
            }
            foreach (var r in result.Rows)
            {
                table.Add(
                [
                    v.ReportEpochs.Count > 1 ? $"{v.Name}@{r.Epoch}" : v.Name, v.Variant.Part, v.Variant.Changes,
                    r.Epoch.ToString(CultureInfo.InvariantCulture), I($"{r.Seconds:0.0}"), I($"{r.ImagesPerSecond:0}"),
                    I($"{r.GeneratorLoss:0.000}"), I($"{r.DiscriminatorLoss:0.000}"), I($"{r.DiscriminatorAccuracy:P1}"),
                    Fid(r), r.InceptionScore is double s ? I($"{s:0.00}") : "-", r.MinClassShare is double m ? I($"{m:P1}") : "-",
                    r.ClassesCovered is int c ? I($"{c}/10") : "-", r.MeanConfidence is double mc ? I($"{mc:P1}") : "-",
                ]);
            }
        }
        return table;
    }

    /// <summary>The comparison charts by file name (without extension): losses per epoch, and FID where measured.</summary>
    private static List<(string Name, Chart Chart)> Charts(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results, string root)
    {
        var charts = new List<(string, Chart)>();
        var histories = plan.Variants.Where(v => results.ContainsKey(v.Name))
            .Select((v, i) => (Variant: v, Run: new RunFolder(Path.Combine(root, v.Name)), Color: Chart.Palette[i % Chart.Palette.Count]))
            .ToList();
        if (histories.Count == 0)
        {
            return charts;
        }
        var metrics = histories.Select(h => (h.Variant, h.Color, Metrics: EpochMetrics.Read(h.Run))).ToList();
        LineSeries Line(string name, string color, IEnumerable<EpochMetrics> m, Func<EpochMetrics, double> value) =>
            new(name, m.Select(x => (double)x.Epoch).ToArray(), m.Select(value).ToArray()) { Color = color, Markers = m.Count() <= 30 };
        Chart Losses(string title, Func<EpochMetrics, double> value) => new(title)
        {
            XLabel = "epoch", YLabel = "binary cross-entropy", IntegerX = true,
            Lines = metrics.Select(m => Line(m.Variant.Name, m.Color, m.Metrics, value)).ToList(),
        };
        charts.Add(("g_loss", Losses("Generator loss per epoch", x => x.GeneratorLoss)));
        charts.Add(("d_loss", Losses("Discriminator loss per epoch", x => x.DiscriminatorLoss)));
        var quality = histories.Select(h => (h.Variant.Name, QualityLog.Read(h.Run))).ToList();
        if (QualityCharts.FidChart(quality, "FID per epoch (lower is better)") is { } fid)
        {
            charts.Add(("fid", fid));
        }
        return charts;
    }

    private static IEnumerable<(string Caption, string Path)> Grids(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results) =>
        plan.Variants.Where(v => results.ContainsKey(v.Name))
            .SelectMany(v => results[v.Name].Rows.Where(r => r.Grid is not null).Select(r => ($"{v.Name}, epoch {r.Epoch}", r.Grid!)));

    private static string Intro(ExperimentPlan plan) =>
        (plan.Quick
            ? I($"Quick mode: epochs scaled by {plan.File.QuickEpochsScale} (at least 1), at most {plan.File.QuickLimit} training images, {plan.EvalCount} images per evaluation; the figures check the pipeline, the full file answers the questions. ")
            : "")
        + I($"FID is the Fréchet distance between the features of {plan.EvalCount} generated images and of the test split in the data set's own classifier (lower is better); ")
        + "min class share is the rarest predicted class's share (10% when balanced); training seconds count train steps only (evaluation and plots excluded). "
        + "D accuracy is the discriminator's mean accuracy on real and generated images in that epoch.";

    private static string Markdown(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results, IReadOnlyDictionary<string, string> pending, string root, List<(string Name, ChartFile File)> charts)
    {
        var sb = new StringBuilder();
        sb.Append("# Experiment ").Append(plan.File.Name).Append("\n\n");
        if (plan.File.Description.Length > 0)
        {
            sb.Append(plan.File.Description).Append("\n\n");
        }
        sb.Append(Intro(plan)).Append("\n\n## Summary\n\n");
        foreach (string line in Summary(plan, results, pending))
        {
            sb.Append("- ").Append(line).Append('\n');
        }
        sb.Append("\n## Results\n\n| ").AppendJoin(" | ", Columns).Append(" |\n|").AppendJoin("|", Columns.Select(_ => " --- ")).Append("|\n");
        foreach (var row in TableRows(plan, results, pending))
        {
            sb.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
        }
        foreach (var part in plan.File.Parts)
        {
            sb.Append("\n## Part ").Append(part.Id).Append(part.Title.Length > 0 ? ": " + part.Title : "").Append("\n\n");
            if (part.Question.Length > 0)
            {
                sb.Append("*").Append(part.Question).Append("*\n\n");
            }
            foreach (string line in Answer(plan, part, results, pending))
            {
                sb.Append("- ").Append(line).Append('\n');
            }
        }
        sb.Append("\n## Samples\n\n");
        foreach (var (caption, path) in Grids(plan, results))
        {
            sb.Append("![").Append(caption).Append("](").Append(Path.GetRelativePath(root, path).Replace('\\', '/')).Append(") ");
        }
        sb.Append("\n\n## Curves\n\n");
        foreach (var (name, file) in charts)
        {
            sb.Append("![").Append(name).Append("](").Append(Path.GetFileName(file.PngPath)).Append(")\n\n");
        }
        return sb.ToString();
    }

    private static string Html(ExperimentPlan plan, IReadOnlyDictionary<string, VariantResult> results, IReadOnlyDictionary<string, string> pending, List<(string Name, ChartFile File)> charts)
    {
        var sb = new StringBuilder(1 << 16);
        string title = Markup.Escape($"Experiment {plan.File.Name}");
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(title).Append("</title>\n<style>\n")
          .Append("""
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1300px; padding: 0 1em; color: #222; }
            h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; font-size: 0.85em; }
            th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
            th { background: #f4f4f4; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .grids { display: flex; flex-wrap: wrap; gap: 1em; }
            figure { margin: 0; } figcaption { text-align: center; font-size: 0.85em; color: #444; }
            img { image-rendering: pixelated; width: 168px; }
            .chart svg { max-width: 100%; height: auto; }
            """).Append("</style>\n</head>\n<body>\n<h1>").Append(title).Append("</h1>\n");
        if (plan.File.Description.Length > 0)
        {
            sb.Append("<p>").Append(Markup.Escape(plan.File.Description)).Append("</p>\n");
        }
        sb.Append("<p>").Append(Markup.Escape(Intro(plan))).Append("</p>\n<h2>Summary</h2>\n<ul>\n");
        foreach (string line in Summary(plan, results, pending))
        {
            sb.Append("<li>").Append(Markup.Escape(line)).Append("</li>\n");
        }
        sb.Append("</ul>\n<h2>Results</h2>\n<table>\n<thead><tr>");
        foreach (string c in Columns)
        {
            sb.Append("<th>").Append(Markup.Escape(c)).Append("</th>");
        }
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in TableRows(plan, results, pending))
        {
            sb.Append("<tr>");
            foreach (string cell in row)
            {
                bool number = cell.Length > 0 && (char.IsDigit(cell[0]) || cell[0] == '-') && cell.Any(char.IsDigit);
                sb.Append(number ? "<td class=\"num\">" : "<td>").Append(Markup.Escape(cell)).Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        foreach (var part in plan.File.Parts)
        {
            sb.Append("<h2>Part ").Append(Markup.Escape(part.Id)).Append(part.Title.Length > 0 ? ": " + Markup.Escape(part.Title) : "").Append("</h2>\n");
            if (part.Question.Length > 0)
            {
                sb.Append("<p><em>").Append(Markup.Escape(part.Question)).Append("</em></p>\n");
            }
            sb.Append("<ul>\n");
            foreach (string line in Answer(plan, part, results, pending))
            {
                sb.Append("<li>").Append(Markup.Escape(line)).Append("</li>\n");
            }
            sb.Append("</ul>\n");
        }
        sb.Append("<h2>Samples</h2>\n<div class=\"grids\">\n");
        foreach (var (caption, path) in Grids(plan, results))
        {
            sb.Append("<figure>");
            if (File.Exists(path))
            {
                sb.Append("<img alt=\"").Append(Markup.Escape(caption)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(File.ReadAllBytes(path))).Append("\">");
            }
            sb.Append("<figcaption>").Append(Markup.Escape(caption)).Append("</figcaption></figure>\n");
        }
        sb.Append("</div>\n<h2>Curves</h2>\n");
        foreach (var (_, file) in charts)
        {
            int start = file.Svg.IndexOf("<svg", StringComparison.Ordinal);
            sb.Append("<div class=\"chart\">\n").Append(start > 0 ? file.Svg[start..] : file.Svg).Append("\n</div>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
