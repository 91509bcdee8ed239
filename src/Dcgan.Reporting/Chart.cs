// What one chart shows: a title, axis labels and its series (lines, histograms, bars, guide lines). Callers describe
// the data; ChartRenderer is the only code that knows how ScottPlot draws it, and ChartFiles writes it as PNG and SVG.
namespace Dcgan.Reporting;

/// <summary>
/// A chart of fixed size, <see cref="Width"/> x <see cref="Height"/> pixels in both formats: the PNG has exactly
/// that many pixels, the SVG has that width, height and view box (and scales in a page).
/// </summary>
public sealed class Chart
{
    /// <summary>Width of every chart in pixels (PNG) and user units (SVG).</summary>
    public const int Width = 800;

    /// <summary>Height of every chart in pixels (PNG) and user units (SVG).</summary>
    public const int Height = 400;

    /// <summary>Series colours used when a series names none (matplotlib's "tab10" cycle).</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public Chart(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    public string Title { get; }

    public string XLabel { get; init; } = "";

    public string YLabel { get; init; } = "";

    public IReadOnlyList<LineSeries> Lines { get; init; } = [];

    /// <summary>Distributions drawn as overlaid, half-transparent bars of the share of each series' values per bin.</summary>
    public IReadOnlyList<HistogramSeries> Histograms { get; init; } = [];

    /// <summary>The bins of <see cref="Histograms"/>; the x axis spans exactly this range when there are histograms.</summary>
    public HistogramBins Bins { get; init; } = new(50, 0, 1);

    public IReadOnlyList<BarSeries> Bars { get; init; } = [];

    /// <summary>Horizontal guide lines across the plot (e.g. the balanced share of a class), each named in the legend.</summary>
    public IReadOnlyList<GuideLine> Guides { get; init; } = [];

    /// <summary>Fixed y range (e.g. 0 to 1 for accuracies); null fits the data.</summary>
    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Labels of whole x positions (e.g. class names under bars at 0, 1, ...); null numbers the x axis.</summary>
    public IReadOnlyList<(double X, string Label)>? XTicks { get; init; }

    /// <summary>Ticks only at whole numbers on the x axis (epochs).</summary>
    public bool IntegerX { get; init; }

    /// <summary>
    /// A logarithmic y axis, for lines and guides whose values span orders of magnitude (FID falls from about 1,000 to
    /// 30 in a run); values at or below zero are not drawn. Bars and histograms keep a linear axis.
    /// </summary>
    public bool LogY
    {
        get;
        init
        {
            if (value && (Bars.Count > 0 || Histograms.Count > 0))
            {
                throw new ArgumentException("A logarithmic y axis is for lines and guides only.", nameof(value));
            }
            field = value;
        }
    }

    /// <summary>Whether any series has a finite point, bar or binned value (otherwise the chart says "no data").</summary>
    public bool HasData =>
        Lines.Any(l => Enumerable.Range(0, l.X.Count).Any(i => double.IsFinite(l.X[i]) && double.IsFinite(l.Y[i]) && (!LogY || l.Y[i] > 0)))
        || Histograms.Any(h => HasValue(h.Values.Span))
        || Bars.Any(b => Enumerable.Range(0, b.X.Count).Any(i => double.IsFinite(b.X[i]) && double.IsFinite(b.Y[i])));

    /// <summary>The chart as a standalone SVG document (UTF-8 text, fine inline in HTML too).</summary>
    public string ToSvg() => ChartRenderer.Svg(this);

    /// <summary>The chart as a PNG file's bytes (RGBA, <see cref="Width"/> x <see cref="Height"/>).</summary>
    public byte[] ToPng() => ChartRenderer.Png(this);

    private static bool HasValue(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary><paramref name="Count"/> equal bins over [<paramref name="Min"/>, <paramref name="Max"/>).</summary>
public sealed record HistogramBins
{
    public HistogramBins(int count, double min, double max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"Histogram range [{min}, {max}] is empty or not finite.");
        }
        Count = count;
        Min = min;
        Max = max;
    }

    public int Count { get; }

    public double Min { get; }

    public double Max { get; }

    public double Width => (Max - Min) / Count;

    /// <summary>Each bin's share of the non-NaN values (all 0 when there are none); out-of-range and infinite values land in the edge bins.</summary>
    public double[] Shares(ReadOnlySpan<float> values, out int total)
    {
        var counts = new double[Count];
        total = 0;
        double scale = Count / (Max - Min);
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            // Clamp in double before the cast: out-of-range and infinite values land in the edge bins.
            double b = Math.Clamp(Math.Floor((v - Min) * scale), 0, Count - 1);
            counts[(int)b]++;
            total++;
        }
        if (total > 0)
        {
            for (int i = 0; i < Count; i++)
            {
                counts[i] /= total;
            }
        }
        return counts;
    }
}

/// <summary>A horizontal line at <paramref name="Y"/>, named <paramref name="Name"/> in the legend.</summary>
public sealed record GuideLine(string Name, double Y)
{
    /// <summary>Colour as "#rrggbb".</summary>
    public string Color { get; init; } = "#555555";
}
