// The only code that talks to ScottPlot (5.1.59): turns a Chart into a ScottPlot plot and renders it as PNG or SVG.
// Long series are thinned to about the pixel width first, NaN gaps split lines, and the SVG is finished so that many
// charts can sit inline in one HTML page: a view box (so CSS can scale it), a <title>, ids unique to the chart, and a
// font list for browsers that lack the embedded font.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Dcgan.Reporting;

internal static partial class ChartRenderer
{
    private const float TitleSize = 16;
    private const float LabelSize = 14;
    private const float TickSize = 12;
    private const float LegendSize = 12;

    // ScottPlot keeps fonts and typeface caches in static state; one chart at a time keeps that safe and output repeatable.
    private static readonly Lock Gate = new();

    public static string Svg(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        lock (Gate)
        {
            Plot plot = Build(chart);
            return FinishSvg(plot.GetSvgXml(Chart.Width, Chart.Height), chart.Title);
        }
    }

    public static byte[] Png(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        lock (Gate)
        {
            Plot plot = Build(chart);
            return plot.GetImageBytes(Chart.Width, Chart.Height, ImageFormat.Png);
        }
    }

    private static Plot Build(Chart chart)
    {
        ChartFont.EnsureRegistered();
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        int next = 0;
        Color Pick(string? named) => named is not null ? Color.FromHex(named) : Color.FromHex(Chart.Palette[next++ % Chart.Palette.Count]);

        foreach (HistogramSeries series in chart.Histograms)
        {
            AddHistogram(plot, chart.Bins, series, Pick(series.Color));
        }
        foreach (BarSeries series in chart.Bars)
        {
            AddBars(plot, series, Pick(series.Color));
        }
        foreach (GuideLine guide in chart.Guides)
        {
            var line = plot.Add.HorizontalLine(Y(chart, guide.Y), 1.5f, Color.FromHex(guide.Color));
            line.LegendText = Clean(guide.Name);
        }
        foreach (LineSeries series in chart.Lines)
        {
            AddLine(plot, chart, series, Pick(series.Color));
        }

        plot.Title(Clean(chart.Title), TitleSize);
        plot.XLabel(Clean(chart.XLabel), LabelSize);
        plot.YLabel(Clean(chart.YLabel), LabelSize);
        Axes(plot, chart);
        if (!chart.HasData)
        {
            var note = plot.Add.Annotation("no data", Alignment.MiddleCenter);
            note.LabelStyle.FontSize = LabelSize;
            note.LabelStyle.ForeColor = Color.FromHex("#888888");
            note.LabelStyle.BackgroundColor = Colors.White;
            note.LabelStyle.BorderColor = Colors.Transparent;
            note.LabelStyle.ShadowColor = Colors.Transparent;
        }
        if (plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText))))
        {
            // Beside the data, top-aligned, so no line is hidden behind it.
            plot.ShowLegend(Edge.Right).Alignment = Alignment.UpperCenter;
            plot.Legend.ShadowColor = Colors.Transparent;
            plot.Legend.OutlineColor = Color.FromHex("#999999");
            plot.Legend.FontSize = LegendSize;
            plot.Legend.FontName = ChartFont.Family;
            plot.Legend.SetBestFontOnEachRender = false;
        }
        plot.Font.Set(ChartFont.Family);
        return plot;
    }

    private static void Axes(Plot plot, Chart chart)
    {
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
        if (chart.XTicks is { } ticks)
        {
            var manual = new NumericManual();
            foreach (var (x, label) in ticks)
            {
                manual.AddMajor(x, Clean(label));
            }
            plot.Axes.Bottom.TickGenerator = manual;
            if (ticks.Count > 12 || ticks.Any(t => t.Label.Length > 6))
            {
                // Slanted labels, and room under the axis for the longest of them and the axis label below it.
                plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
                using var font = new SkiaSharp.SKFont(ChartFont.Typeface, TickSize);
                float widest = ticks.Max(t => font.MeasureText(Clean(t.Label)));
                plot.Axes.Bottom.MinimumSize = Math.Min(Chart.Height / 3f, widest * MathF.Sqrt(0.5f) + TickSize + LabelSize + 16);
            }
        }
        if (!chart.HasData)
        {
            plot.Axes.SetLimits(0, 1, 0, 1);
        }
        else
        {
            plot.Axes.AutoScale();
            if (chart.Bars.Count > 0 || chart.Histograms.Count > 0)
            {
                // Bars stand on the axis: no margin below zero.
                AxisLimits limits = plot.Axes.GetLimits();
                if (limits.Bottom < 0 && AllBarsNonNegative(chart))
                {
                    plot.Axes.SetLimitsY(0, limits.Top);
                }
            }
        }
        if (chart.Histograms.Count > 0)
        {
            plot.Axes.SetLimitsX(chart.Bins.Min, chart.Bins.Max);
        }
        if (chart.YRange is var (min, max))
        {
            plot.Axes.SetLimitsY(min, max);
        }

        AxisLimits final = plot.Axes.GetLimits();
        if (chart.XTicks is null)
        {
            plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = chart.IntegerX, LabelFormatter = TickFormat(final.Right - final.Left) };
        }
        if (chart.LogY)
        {
            var manual = new NumericManual();
            foreach (var (at, label) in LogTicks(final.Bottom, final.Top))
            {
                manual.AddMajor(at, label);
            }
            plot.Axes.Left.TickGenerator = manual;
        }
        else
        {
            plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = TickFormat(final.Top - final.Bottom) };
        }
    }

    // With a logarithmic y axis the plot's y is log10 of the value; values at or below zero have no place on it.
    private static double Y(Chart chart, double value) => !chart.LogY ? value : value > 0 ? Math.Log10(value) : double.NaN;

    /// <summary>
    /// Ticks of a logarithmic axis over [bottom, top] (log10 units), labelled with the values: 1, 2 and 5 times the powers
    /// of ten in range, or every whole multiple where those give fewer than three ticks.
    /// </summary>
    internal static List<(double At, string Label)> LogTicks(double bottom, double top)
    {
        var ticks = new List<(double, string)>();
        if (!(double.IsFinite(bottom) && double.IsFinite(top) && top > bottom))
        {
            return ticks;
        }
        foreach (int[] multiples in new[] { new[] { 1, 2, 5 }, new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 } })
        {
            var values = new List<double>();
            for (int power = (int)Math.Floor(bottom); power <= (int)Math.Ceiling(top); power++)
            {
                foreach (int m in multiples)
                {
                    double at = power + Math.Log10(m);
                    if (at >= bottom && at <= top)
                    {
                        values.Add(at);
                    }
                }
            }
            if (values.Count >= 3 || multiples.Length == 9)
            {
                foreach (double at in values)
                {
                    double value = Math.Pow(10, at);
                    string label = value >= 1 ? Math.Round(value).ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("0.#########", CultureInfo.InvariantCulture);
                    ticks.Add((at, label));
                }
                break;
            }
        }
        return ticks;
    }

    /// <summary>
    /// Tick labels with as many decimals as an axis of this span needs (ticks are at least span / 20 apart), without
    /// trailing zeros or thousands separators, so neighbouring ticks never read the same (13326.95, not 13,327).
    /// </summary>
    internal static Func<double, string> TickFormat(double span)
    {
        int decimals = double.IsFinite(span) && span > 0 ? Math.Clamp((int)Math.Ceiling(-Math.Log10(span / 20)), 0, 12) : 3;
        string format = "0." + new string('#', Math.Max(1, decimals));
        double zero = double.IsFinite(span) && span > 0 ? span * 1e-9 : 0;
        return v => Math.Abs(v) <= zero ? "0" : v.ToString(decimals == 0 ? "0" : format, CultureInfo.InvariantCulture);
    }

    private static bool AllBarsNonNegative(Chart chart) =>
        chart.Bars.All(b => b.Y.All(y => !(y < 0))) && chart.Lines.All(l => l.Y.All(y => !(y < 0))) && chart.Guides.All(g => g.Y >= 0);

    private static void AddHistogram(Plot plot, HistogramBins bins, HistogramSeries series, Color color)
    {
        double[] shares = bins.Shares(series.Values.Span, out int total);
        var bars = new List<Bar>(bins.Count);
        for (int b = 0; b < bins.Count; b++)
        {
            if (shares[b] > 0)
            {
                bars.Add(BarOf(bins.Min + (b + 0.5) * bins.Width, shares[b], bins.Width, color, 0.45));
            }
        }
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = Clean(string.Create(CultureInfo.InvariantCulture, $"{series.Name} (n={total})"));
    }

    private static void AddBars(Plot plot, BarSeries series, Color color)
    {
        var bars = new List<Bar>(series.X.Count);
        for (int i = 0; i < series.X.Count; i++)
        {
            if (double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i]))
            {
                bars.Add(BarOf(series.X[i], series.Y[i], series.Width, color, 0.8));
            }
        }
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = Clean(series.Name);
    }

    private static Bar BarOf(double x, double y, double width, Color color, double opacity) => new()
    {
        Position = x,
        Value = y,
        Size = width,
        FillColor = color.WithAlpha(opacity),
        LineColor = color,
        LineWidth = 0.6f,
    };

    private static void AddLine(Plot plot, Chart chart, LineSeries series, Color color)
    {
        bool legend = true;
        IReadOnlyList<double> raw = chart.LogY ? series.Y.Select(v => Y(chart, v)).ToArray() : series.Y;
        if (series.Smoothing > 0)
        {
            // The raw values, faint, under the smoothed line; the legend names the smoothed one.
            foreach (var (x, y) in Segments(series.X, raw))
            {
                Scatter(plot, x, y, color.WithAlpha(0.25), 1, 0, null);
            }
        }
        IReadOnlyList<double> values = series.Smoothing > 0 ? LineSeries.ExponentialMovingAverage(raw, series.Smoothing) : raw;
        foreach (var (x, y) in Segments(series.X, values))
        {
            // A lone point between gaps would be invisible without a marker, so it always gets one.
            float marker = series.Markers || x.Length == 1 ? 6 : 0;
            Scatter(plot, x, y, color, 2, marker, legend ? Clean(series.Name) : null);
            legend = false;
        }
        if (legend)
        {
            // Nothing to draw: still name the series, so the legend lists what was asked for.
            var empty = plot.Add.ScatterLine(Array.Empty<double>(), Array.Empty<double>(), color);
            empty.LegendText = Clean(series.Name);
        }
    }

    private static void Scatter(Plot plot, double[] x, double[] y, Color color, float width, float marker, string? legend)
    {
        var scatter = plot.Add.Scatter(x, y, color);
        scatter.LineWidth = x.Length > 1 ? width : 0;
        scatter.MarkerSize = marker;
        if (legend is not null)
        {
            scatter.LegendText = legend;
        }
    }

    /// <summary>Runs of consecutive finite points, each thinned to about the chart's pixel width.</summary>
    internal static IEnumerable<(double[] X, double[] Y)> Segments(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < x.Count; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                lo = Math.Min(lo, x[i]);
                hi = Math.Max(hi, x[i]);
            }
        }
        int start = -1;
        for (int i = 0; i <= x.Count; i++)
        {
            bool ok = i < x.Count && double.IsFinite(x[i]) && double.IsFinite(y[i]);
            if (ok && start < 0)
            {
                start = i;
            }
            else if (!ok && start >= 0)
            {
                yield return Decimate(x, y, start, i, lo, hi);
                start = -1;
            }
        }
    }

    /// <summary>
    /// Long per-step series have many points per pixel column; keeping each column's first, lowest, highest and
    /// last point (in order) draws the same picture with a bounded number of points.
    /// </summary>
    private static (double[] X, double[] Y) Decimate(IReadOnlyList<double> x, IReadOnlyList<double> y, int start, int end, double lo, double hi)
    {
        int count = end - start;
        if (count <= 4 * Chart.Width || !(hi > lo))
        {
            return (Slice(x, start, end), Slice(y, start, end));
        }
        double scale = Chart.Width / (hi - lo);
        var keptX = new List<double>();
        var keptY = new List<double>();
        int i = start;
        while (i < end)
        {
            long column = (long)Math.Floor((x[i] - lo) * scale);
            int j = i, low = i, high = i;
            while (j < end && (long)Math.Floor((x[j] - lo) * scale) == column)
            {
                if (y[j] < y[low])
                {
                    low = j;
                }
                if (y[j] > y[high])
                {
                    high = j;
                }
                j++;
            }
            int previous = -1;
            foreach (int k in (ReadOnlySpan<int>)[i, Math.Min(low, high), Math.Max(low, high), j - 1])
            {
                if (k != previous)
                {
                    keptX.Add(x[k]);
                    keptY.Add(y[k]);
                    previous = k;
                }
            }
            i = j;
        }
        return (keptX.ToArray(), keptY.ToArray());
    }

    private static double[] Slice(IReadOnlyList<double> values, int start, int end)
    {
        var result = new double[end - start];
        for (int i = start; i < end; i++)
        {
            result[i - start] = values[i];
        }
        return result;
    }

    /// <summary>
    /// One line of text that XML 1.0 allows (the SVG writer copies text as it is): control characters become spaces,
    /// lone surrogates and noncharacters U+FFFD.
    /// </summary>
    internal static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (c < ' ' || c == '\u007F')
            {
                sb.Append(' ');
            }
            else
            {
                sb.Append(char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF' ? '\uFFFD' : c);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Adds the view box, a title and a browser font list, and renames every id: Skia numbers clip paths from a
    /// counter shared by the whole process, so ids are renumbered in order of appearance (the same chart gives the
    /// same text) and prefixed with the document's hash (two charts inline in one page never share an id; identical
    /// charts share identical definitions, which is harmless).
    /// </summary>
    internal static string FinishSvg(string svg, string title)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in IdAttribute().Matches(svg))
        {
            renamed.TryAdd(m.Groups[2].Value, "k" + renamed.Count.ToString(CultureInfo.InvariantCulture));
        }
        svg = RenameIds(svg, id => renamed.GetValueOrDefault(id));
        string prefix = "c" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(svg)).AsSpan(0, 4)) + "-";
        var numbered = renamed.Values.ToHashSet(StringComparer.Ordinal);
        svg = RenameIds(svg, id => numbered.Contains(id) ? prefix + id : null);
        svg = svg.Replace($"font-family=\"{ChartFont.Family}\"", $"font-family=\"{ChartFont.SvgFamilies}\"", StringComparison.Ordinal);
        Match root = RootElement().Match(svg);
        if (!root.Success)
        {
            throw new InvalidOperationException("The SVG renderer wrote no <svg> element.");
        }
        string escaped = Markup.Escape(Clean(title));
        string open = root.Value[..^1] +
            string.Create(CultureInfo.InvariantCulture, $" viewBox=\"0 0 {Chart.Width} {Chart.Height}\" role=\"img\" aria-label=\"{escaped}\">") +
            $"\n<title>{escaped}</title>";
        return svg[..root.Index] + open + svg[(root.Index + root.Length)..];
    }

    /// <summary>Replaces each id and each reference to one (url(#id), href="#id") where <paramref name="rename"/> gives a new name.</summary>
    private static string RenameIds(string svg, Func<string, string?> rename)
    {
        svg = IdAttribute().Replace(svg, m => rename(m.Groups[2].Value) is { } id ? $"{m.Groups[1].Value}=\"{id}\"" : m.Value);
        return IdReference().Replace(svg, m => rename(m.Groups[2].Value) is { } id ? m.Groups[1].Value + id : m.Value);
    }

    [GeneratedRegex("<svg\\b[^>]*>")]
    private static partial Regex RootElement();

    [GeneratedRegex("\\b(id)=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("(url\\(#|href=\"#)([^)\"]+)")]
    private static partial Regex IdReference();
}
