// Small SVG 1.1 charts (W3C SVG 1.1, second edition) for training reports: multi-series line charts with
// optional EMA smoothing, and overlaid histograms; text is escaped so the output is always well-formed XML.
using System.Globalization;
using System.Text;
using Dcgan.Imaging;

namespace Dcgan.Reporting;

/// <summary>Renders line charts and histograms as standalone SVG documents (also fine inline in HTML).</summary>
public static class SvgPlot
{
    /// <summary>Series colours used when a series names none (matplotlib's "tab10" cycle).</summary>
    public static IReadOnlyList<string> DefaultColors { get; } =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const double CharWidth = 7.0; // rough advance of a 12 px sans-serif glyph, for legend sizing

    /// <summary>A line chart of <paramref name="series"/> with nice axes, a title and a legend.</summary>
    public static string LineChart(string title, IReadOnlyList<LineSeries> series, string xLabel = "", string yLabel = "", int width = 800, int height = 420)
    {
        ArgumentNullException.ThrowIfNull(series);
        CheckSize(width, height);
        var smoothed = new IReadOnlyList<double>[series.Count];
        double xLo = double.PositiveInfinity, xHi = double.NegativeInfinity, yLo = double.PositiveInfinity, yHi = double.NegativeInfinity;
        for (int s = 0; s < series.Count; s++)
        {
            LineSeries line = series[s];
            smoothed[s] = line.Smoothing > 0 ? ExponentialMovingAverage(line.Y, line.Smoothing) : line.Y;
            for (int i = 0; i < line.X.Count; i++)
            {
                if (double.IsFinite(line.X[i]) && double.IsFinite(line.Y[i]))
                {
                    xLo = Math.Min(xLo, line.X[i]);
                    xHi = Math.Max(xHi, line.X[i]);
                    yLo = Math.Min(yLo, line.Y[i]);
                    yHi = Math.Max(yHi, line.Y[i]);
                }
            }
        }
        bool empty = xLo > xHi;
        // Data fill the x axis edge to edge (steps are dense); y gets nice bounds so ticks land on the frame.
        NiceScale xs = empty ? NiceScale.For(0, 1) : NiceScale.For(xLo, xHi);
        NiceScale ys = empty ? NiceScale.For(0, 1) : NiceScale.For(yLo, yHi);
        if (!empty && xHi > xLo)
        {
            xs = xs with { Min = xLo, Max = xHi };
        }

        var legend = new List<(string Name, string Color, bool Dashed, bool Marker)>();
        for (int s = 0; s < series.Count; s++)
        {
            legend.Add((series[s].Name, ColorOf(series[s].Color, s), series[s].Dashed, series[s].Markers));
        }
        var plot = Layout(width, height, legend.Select(l => l.Name));
        var sb = new StringBuilder(4096);
        Open(sb, width, height, title);
        Axes(sb, plot, xs, ys, xLabel, yLabel);

        for (int s = 0; s < series.Count; s++)
        {
            LineSeries line = series[s];
            string color = legend[s].Color;
            string dash = line.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
            sb.Append("<g class=\"series\" data-name=\"").Append(Markup.Escape(line.Name)).Append("\">\n");
            if (line.Smoothing > 0)
            {
                Polyline(sb, plot, xs, ys, line.X, line.Y, color, 1.0, 0.25, dash, markers: false);
            }
            Polyline(sb, plot, xs, ys, line.X, smoothed[s], color, 1.8, 1.0, dash, line.Markers);
            sb.Append("</g>\n");
        }
        if (empty)
        {
            NoData(sb, plot);
        }
        Legend(sb, plot, legend.Select(l => (l.Name, l.Color, LegendKind(l.Dashed, l.Marker))));
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>
    /// Overlaid histograms of <paramref name="series"/> over [<paramref name="min"/>, <paramref name="max"/>] in
    /// <paramref name="bins"/> equal bins, each bar the fraction of that series' samples (so series of different
    /// sizes compare). Values outside the range count in the first or last bin; NaN is ignored.
    /// </summary>
    public static string Histogram(string title, IReadOnlyList<HistogramSeries> series, int bins = 50, double min = 0, double max = 1, string xLabel = "", string yLabel = "fraction of samples", int width = 800, int height = 420)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        CheckSize(width, height);
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"Histogram range [{min}, {max}] is empty or not finite.");
        }
        var fractions = new double[series.Count][];
        var totals = new int[series.Count];
        double top = 0;
        for (int s = 0; s < series.Count; s++)
        {
            fractions[s] = Bin(series[s].Values.Span, bins, min, max, out totals[s]);
            top = Math.Max(top, fractions[s].Max());
        }
        NiceScale xs = NiceScale.For(min, max);
        xs = xs with { Min = min, Max = max };
        NiceScale ys = NiceScale.For(0, top > 0 ? top : 1);

        var legend = new List<(string Name, string Color, int Kind)>();
        for (int s = 0; s < series.Count; s++)
        {
            string label = string.Create(CultureInfo.InvariantCulture, $"{series[s].Name} (n={totals[s]})");
            legend.Add((label, ColorOf(series[s].Color, s), 3));
        }
        var plot = Layout(width, height, legend.Select(l => l.Name));
        var sb = new StringBuilder(4096);
        Open(sb, width, height, title);
        Axes(sb, plot, xs, ys, xLabel, yLabel);
        double binWidth = (max - min) / bins;
        double y0 = plot.Y(ys, 0);
        for (int s = 0; s < series.Count; s++)
        {
            string color = legend[s].Color;
            sb.Append("<g class=\"series\" data-name=\"").Append(Markup.Escape(series[s].Name))
              .Append("\" fill=\"").Append(Markup.Escape(color)).Append("\" fill-opacity=\"0.45\" stroke=\"").Append(Markup.Escape(color))
              .Append("\" stroke-opacity=\"0.9\" stroke-width=\"0.6\">\n");
            for (int b = 0; b < bins; b++)
            {
                double left = plot.X(xs, min + b * binWidth);
                double right = plot.X(xs, min + (b + 1) * binWidth);
                double yTop = plot.Y(ys, fractions[s][b]);
                sb.Append("<rect class=\"bar\" x=\"").Append(N(left)).Append("\" y=\"").Append(N(yTop))
                  .Append("\" width=\"").Append(N(right - left)).Append("\" height=\"").Append(N(y0 - yTop)).Append("\"/>\n");
            }
            sb.Append("</g>\n");
        }
        if (totals.Sum() == 0)
        {
            NoData(sb, plot);
        }
        Legend(sb, plot, legend.Select(l => (l.Name, l.Color, l.Kind)));
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>
    /// s[0] = first finite value, s[i] = weight * s[i-1] + (1 - weight) * y[i]; non-finite inputs stay NaN and
    /// do not disturb the average, so gaps stay gaps.
    /// </summary>
    public static double[] ExponentialMovingAverage(IReadOnlyList<double> values, double weight)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(weight >= 0 && weight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The smoothing weight is in [0, 1).");
        }
        var result = new double[values.Count];
        double state = double.NaN;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
            {
                result[i] = double.NaN;
                continue;
            }
            state = double.IsNaN(state) ? v : weight * state + (1 - weight) * v;
            result[i] = state;
        }
        return result;
    }

    /// <summary>Atomically writes an SVG document (UTF-8).</summary>
    public static void WriteFile(string path, string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        AtomicFile.WriteAllText(path, svg);
    }

    private readonly record struct PlotArea(double Left, double Top, double Right, double Bottom, double LegendX)
    {
        public double X(NiceScale s, double v) => Left + (v - s.Min) / (s.Max - s.Min) * (Right - Left);

        public double Y(NiceScale s, double v) => Bottom - (v - s.Min) / (s.Max - s.Min) * (Bottom - Top);
    }

    private static PlotArea Layout(int width, int height, IEnumerable<string> names)
    {
        int longest = names.Select(n => n.Length).DefaultIfEmpty(0).Max();
        double legendWidth = Math.Min(width / 3.0, longest == 0 ? 0 : 42 + CharWidth * longest);
        double left = 64, top = 40, bottom = height - 48;
        double right = width - 16 - legendWidth;
        return new PlotArea(left, top, Math.Max(left + 10, right), Math.Max(top + 10, bottom), right + 14);
    }

    private static void Open(StringBuilder sb, int width, int height, string title)
    {
        string t = Markup.Escape(title);
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
          .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
          .Append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"").Append(t).Append("\">\n");
        sb.Append("<title>").Append(t).Append("</title>\n");
        sb.Append("<rect width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" fill=\"#ffffff\"/>\n");
        sb.Append("<text class=\"title\" x=\"").Append(N(width / 2.0)).Append("\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">")
          .Append(t).Append("</text>\n");
    }

    private static void Axes(StringBuilder sb, PlotArea p, NiceScale xs, NiceScale ys, string xLabel, string yLabel)
    {
        sb.Append("<g class=\"axes\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        foreach (double t in ys.Ticks())
        {
            double y = p.Y(ys, t);
            sb.Append("<line x1=\"").Append(N(p.Left)).Append("\" y1=\"").Append(N(y)).Append("\" x2=\"").Append(N(p.Right)).Append("\" y2=\"").Append(N(y)).Append("\"/>\n");
        }
        List<double> xTicks = XTicks(xs);
        foreach (double t in xTicks)
        {
            double x = p.X(xs, t);
            sb.Append("<line x1=\"").Append(N(x)).Append("\" y1=\"").Append(N(p.Top)).Append("\" x2=\"").Append(N(x)).Append("\" y2=\"").Append(N(p.Bottom)).Append("\"/>\n");
        }
        sb.Append("</g>\n");
        sb.Append("<rect x=\"").Append(N(p.Left)).Append("\" y=\"").Append(N(p.Top)).Append("\" width=\"").Append(N(p.Right - p.Left))
          .Append("\" height=\"").Append(N(p.Bottom - p.Top)).Append("\" fill=\"none\" stroke=\"#777777\"/>\n");
        sb.Append("<g class=\"ticks\" fill=\"#333333\">\n");
        foreach (double t in ys.Ticks())
        {
            sb.Append("<text x=\"").Append(N(p.Left - 6)).Append("\" y=\"").Append(N(p.Y(ys, t) + 4)).Append("\" text-anchor=\"end\">")
              .Append(Markup.Escape(ys.Format(t))).Append("</text>\n");
        }
        // Tick labels use the nice step's precision even when the axis itself spans the raw data range.
        var fmt = NiceScale.For(xs.Min, xs.Max);
        foreach (double t in xTicks)
        {
            sb.Append("<text x=\"").Append(N(p.X(xs, t))).Append("\" y=\"").Append(N(p.Bottom + 17)).Append("\" text-anchor=\"middle\">")
              .Append(Markup.Escape(fmt.Format(t))).Append("</text>\n");
        }
        sb.Append("</g>\n");
        if (!string.IsNullOrEmpty(xLabel))
        {
            sb.Append("<text class=\"xlabel\" x=\"").Append(N((p.Left + p.Right) / 2)).Append("\" y=\"").Append(N(p.Bottom + 38))
              .Append("\" text-anchor=\"middle\">").Append(Markup.Escape(xLabel)).Append("</text>\n");
        }
        if (!string.IsNullOrEmpty(yLabel))
        {
            double cy = (p.Top + p.Bottom) / 2;
            sb.Append("<text class=\"ylabel\" x=\"16\" y=\"").Append(N(cy)).Append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
              .Append(N(cy)).Append(")\">").Append(Markup.Escape(yLabel)).Append("</text>\n");
        }
    }

    // Ticks at nice positions inside the (possibly not nice) axis range.
    private static List<double> XTicks(NiceScale xs)
    {
        NiceScale nice = NiceScale.For(xs.Min, xs.Max);
        double eps = nice.Step * 1e-9;
        return nice.Ticks().Where(t => t >= xs.Min - eps && t <= xs.Max + eps).ToList();
    }

    private static void Polyline(StringBuilder sb, PlotArea p, NiceScale xs, NiceScale ys, IReadOnlyList<double> x, IReadOnlyList<double> y,
        string color, double strokeWidth, double opacity, string dash, bool markers)
    {
        var points = new List<(double X, double Y)>(x.Count);
        var d = new StringBuilder();
        var isolated = new List<(double X, double Y)>();
        int segmentStart = 0;
        for (int i = 0; i <= x.Count; i++)
        {
            bool ok = i < x.Count && double.IsFinite(x[i]) && double.IsFinite(y[i]);
            if (ok)
            {
                points.Add((p.X(xs, x[i]), p.Y(ys, y[i])));
                continue;
            }
            // A gap (or the end) closes the current segment.
            if (points.Count - segmentStart == 1)
            {
                isolated.Add(points[^1]);
            }
            else if (points.Count - segmentStart > 1)
            {
                AppendSegment(d, Decimate(points, segmentStart));
            }
            segmentStart = points.Count;
        }
        if (d.Length > 0)
        {
            sb.Append("<path d=\"").Append(d).Append("\" fill=\"none\" stroke=\"").Append(Markup.Escape(color)).Append("\" stroke-width=\"")
              .Append(N(strokeWidth)).Append("\" stroke-opacity=\"").Append(N(opacity)).Append("\" stroke-linejoin=\"round\"").Append(dash).Append("/>\n");
        }
        // Without markers a lone point between gaps would be invisible, so it always gets a dot.
        IEnumerable<(double X, double Y)> dots = markers ? points : isolated;
        foreach (var (px, py) in dots)
        {
            sb.Append("<circle cx=\"").Append(N(px)).Append("\" cy=\"").Append(N(py)).Append("\" r=\"3\" fill=\"").Append(Markup.Escape(color))
              .Append("\" fill-opacity=\"").Append(N(opacity)).Append("\"/>\n");
        }
    }

    /// <summary>
    /// Long per-step series have many points per pixel column; keeping each column's first, lowest, highest and
    /// last point (in order) draws the same picture with a bounded number of path commands.
    /// </summary>
    private static List<(double X, double Y)> Decimate(List<(double X, double Y)> points, int start)
    {
        var result = new List<(double X, double Y)>();
        int i = start;
        while (i < points.Count)
        {
            int column = (int)Math.Floor(points[i].X);
            int j = i;
            int lo = i, hi = i;
            while (j < points.Count && (int)Math.Floor(points[j].X) == column)
            {
                if (points[j].Y < points[lo].Y)
                {
                    lo = j;
                }
                if (points[j].Y > points[hi].Y)
                {
                    hi = j;
                }
                j++;
            }
            foreach (int k in new[] { i, Math.Min(lo, hi), Math.Max(lo, hi), j - 1 }.Distinct())
            {
                result.Add(points[k]);
            }
            i = j;
        }
        return result;
    }

    private static void AppendSegment(StringBuilder d, List<(double X, double Y)> pts)
    {
        for (int i = 0; i < pts.Count; i++)
        {
            d.Append(i == 0 ? (d.Length == 0 ? "M" : " M") : " L").Append(N(pts[i].X)).Append(' ').Append(N(pts[i].Y));
        }
    }

    private static int LegendKind(bool dashed, bool marker) => dashed ? 1 : marker ? 2 : 0;

    // Kind: 0 line, 1 dashed line, 2 line with dot, 3 filled box.
    private static void Legend(StringBuilder sb, PlotArea p, IEnumerable<(string Name, string Color, int Kind)> entries)
    {
        sb.Append("<g class=\"legend\">\n");
        double y = p.Top + 8;
        foreach (var (name, color, kind) in entries)
        {
            string c = Markup.Escape(color);
            double x = p.LegendX;
            if (kind == 3)
            {
                sb.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y - 6)).Append("\" width=\"22\" height=\"12\" fill=\"").Append(c)
                  .Append("\" fill-opacity=\"0.45\" stroke=\"").Append(c).Append("\"/>\n");
            }
            else
            {
                sb.Append("<line x1=\"").Append(N(x)).Append("\" y1=\"").Append(N(y)).Append("\" x2=\"").Append(N(x + 22)).Append("\" y2=\"").Append(N(y))
                  .Append("\" stroke=\"").Append(c).Append("\" stroke-width=\"2\"").Append(kind == 1 ? " stroke-dasharray=\"6 4\"" : string.Empty).Append("/>\n");
                if (kind == 2)
                {
                    sb.Append("<circle cx=\"").Append(N(x + 11)).Append("\" cy=\"").Append(N(y)).Append("\" r=\"3\" fill=\"").Append(c).Append("\"/>\n");
                }
            }
            sb.Append("<text x=\"").Append(N(x + 28)).Append("\" y=\"").Append(N(y + 4)).Append("\">").Append(Markup.Escape(name)).Append("</text>\n");
            y += 20;
        }
        sb.Append("</g>\n");
    }

    private static void NoData(StringBuilder sb, PlotArea p)
    {
        sb.Append("<text class=\"nodata\" x=\"").Append(N((p.Left + p.Right) / 2)).Append("\" y=\"").Append(N((p.Top + p.Bottom) / 2))
          .Append("\" text-anchor=\"middle\" fill=\"#888888\" font-size=\"14\">no data</text>\n");
    }

    private static double[] Bin(ReadOnlySpan<float> values, int bins, double min, double max, out int total)
    {
        var counts = new double[bins];
        total = 0;
        double scale = bins / (max - min);
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            // Clamp in double before the cast: out-of-range and infinite values land in the edge bins.
            double b = Math.Clamp(Math.Floor((v - min) * scale), 0, bins - 1);
            counts[(int)b]++;
            total++;
        }
        if (total > 0)
        {
            for (int i = 0; i < bins; i++)
            {
                counts[i] /= total;
            }
        }
        return counts;
    }

    private static string ColorOf(string? color, int index) => color ?? DefaultColors[index % DefaultColors.Count];

    private static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
    }
}
