// Tests for the plotting layer (Chart, ChartFiles, ChartRenderer over ScottPlot): both files at the fixed size, legends
// and labels in the SVG's text, well-formed XML whatever the labels hold, ids unique per chart, repeatable output,
// the embedded font, gaps and thinning of long series, histogram binning and smoothing.
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dcgan.Reporting;
using Dcgan.TestSupport;

namespace Dcgan.Reporting.Tests;

public sealed class ChartTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private static Chart Losses() => new("Generator and discriminator loss")
    {
        XLabel = "epoch",
        YLabel = "binary cross-entropy",
        IntegerX = true,
        Lines =
        [
            new LineSeries("G loss (per step)", [0.5, 1, 1.5, 2], [0.9, 0.8, 0.85, 0.7]) { Smoothing = 0.5 },
            new LineSeries("D loss (epoch mean)", [1.0, 2], [1.3, 1.1]) { Markers = true },
        ],
    };

    [Fact]
    public void LineChartWritesPngAndSvgOfTheFixedSizeWithLegendTitleAndLabels()
    {
        string basePath = Path.Combine(_t.Root, "sub", "losses");
        ChartFile file = ChartFiles.Write(Losses(), basePath);
        Assert.Equal(basePath + ".png", file.PngPath);
        Assert.Equal(basePath + ".svg", file.SvgPath);
        Assert.Equal(File.ReadAllText(file.SvgPath), file.Svg);
        ChartAssert.Files(basePath, "G loss (per step)", "D loss (epoch mean)", "Generator and discriminator loss", "epoch", "binary cross-entropy");
        Assert.Equal((800, 400), (Chart.Width, Chart.Height));
        // The SVG carries its title for screen readers and the browser's tooltip.
        Assert.Equal("Generator and discriminator loss", XDocument.Parse(file.Svg).Root!.Element((XNamespace)"http://www.w3.org/2000/svg" + "title")!.Value);
    }

    [Fact]
    public void HistogramNamesEachSeriesWithItsCount()
    {
        var chart = new Chart("Discriminator output")
        {
            XLabel = "D(x)",
            Bins = new HistogramBins(10, 0, 1),
            Histograms = [new HistogramSeries("real images", new float[] { 0.9f, 0.95f, 0.7f }), new HistogramSeries("generated images", new float[] { 0.1f, float.NaN })],
        };
        ChartAssert.Png(chart.ToPng());
        ChartAssert.SvgText(chart.ToSvg(), "real images (n=3)", "generated images (n=1)", "D(x)");
    }

    [Fact]
    public void BarsGuidesAndNamedTicksAppear()
    {
        var chart = new Chart("Classes")
        {
            Bars = [new BarSeries("generated images", [0.0, 1, 2], [0.5, 0.3, 0.2])],
            Guides = [new GuideLine("balanced (33.3%)", 1.0 / 3)],
            XTicks = [(0, "cat"), (1, "dog"), (2, "owl")],
        };
        ChartAssert.Png(chart.ToPng());
        ChartAssert.SvgText(chart.ToSvg(), "generated images", "balanced (33.3%)", "cat", "dog", "owl");
    }

    [Fact]
    public void EmptyAndDegenerateChartsStillRenderAndSayNoData()
    {
        Chart[] charts =
        [
            new Chart("nothing"),
            new Chart("empty line") { Lines = [new LineSeries("FID", [], [])] },
            new Chart("only NaN") { Lines = [new LineSeries("FID", [1.0, 2], [double.NaN, double.PositiveInfinity])] },
            new Chart("no values") { Histograms = [new HistogramSeries("real images", ReadOnlyMemory<float>.Empty)] },
        ];
        foreach (Chart chart in charts)
        {
            Assert.False(chart.HasData);
            ChartAssert.SvgText(chart.ToSvg(), "no data", chart.Title);
            ChartAssert.Png(chart.ToPng());
        }
        var single = new Chart("one point") { Lines = [new LineSeries("FID", [3.0], [42.0])] };
        Assert.True(single.HasData);
        ChartAssert.SvgText(single.ToSvg(), "FID");
        ChartAssert.Png(single.ToPng());
    }

    [Fact]
    public void ALogarithmicYAxisLabelsTheValuesNotTheirLogarithms()
    {
        var chart = new Chart("FID by epoch")
        {
            LogY = true,
            IntegerX = true,
            Lines = [new LineSeries("tutorial", [10.0, 20, 30, 40], [1300, 400, 90, 35]), new LineSeries("zero", [10.0, 20], [0.0, -1])],
            Guides = [new GuideLine("goal", 60)],
        };
        Assert.True(chart.HasData);
        var texts = ChartAssert.SvgText(chart.ToSvg(), "50", "100", "200", "500", "1,000", "tutorial", "zero", "goal");
        // The plot's own coordinates (log10 of the values) never show: no tick says 2 or 3.
        Assert.DoesNotContain("2", texts);
        Assert.DoesNotContain("3", texts);
        ChartAssert.Png(chart.ToPng());

        // Only values above zero can be drawn on it.
        Assert.False(new Chart("none") { LogY = true, Lines = [new LineSeries("zero", [1.0, 2], [0.0, -3])] }.HasData);
        Assert.Throws<ArgumentException>(() => new Chart("bars") { Bars = [new BarSeries("b", [0.0], [1.0])], LogY = true });
    }

    [Theory]
    [InlineData(30, 1300, "50 100 200 500 1,000")]
    [InlineData(38, 65, "40 50 60")]
    [InlineData(0.02, 0.3, "0.02 0.05 0.1 0.2")]
    public void LogTicksAreOneTwoFiveOrEveryMultipleWhereTheRangeIsNarrow(double low, double high, string expected)
    {
        var ticks = ChartRenderer.LogTicks(Math.Log10(low), Math.Log10(high));
        Assert.Equal(expected, string.Join(" ", ticks.OrderBy(t => t.At).Select(t => t.Label)));
        Assert.All(ticks, t => Assert.InRange(t.At, Math.Log10(low), Math.Log10(high)));
    }

    [Fact]
    public void AnyLabelTextGivesWellFormedXml()
    {
        var chart = new Chart("Run <1> & \"friends\" \u0001 \uD800 end")
        {
            XLabel = "x < y",
            Lines = [new LineSeries("a & b", [0.0, 1], [1.0, 2]), new LineSeries("tab\there", [0.0, 1], [2.0, 1])],
        };
        var texts = ChartAssert.SvgText(chart.ToSvg(), "a & b", "x < y", "tab here");
        Assert.Contains(texts, t => t.StartsWith("Run <1> & \"friends\"", StringComparison.Ordinal));
    }

    [Fact]
    public void IdsAreUniquePerChartAndEveryReferenceResolves()
    {
        string a = Losses().ToSvg();
        string b = new Chart("other") { Lines = [new LineSeries("x", [0.0, 1], [0.0, 1])] }.ToSvg();
        var idsA = Ids(a);
        var idsB = Ids(b);
        Assert.NotEmpty(idsA);
        Assert.Empty(idsA.Intersect(idsB));
        foreach (string svg in new[] { a, b })
        {
            var ids = Ids(svg);
            Assert.All(Regex.Matches(svg, "url\\(#([^)]+)\\)").Select(m => m.Groups[1].Value), r => Assert.Contains(r, ids));
        }
    }

    [Fact]
    public void OutputIsRepeatable()
    {
        Assert.Equal(Losses().ToSvg(), Losses().ToSvg());
        Assert.Equal(Losses().ToPng(), Losses().ToPng());
    }

    [Fact]
    public void TextUsesTheEmbeddedFontWhateverTheMachineHas()
    {
        ChartFont.EnsureRegistered();
        Assert.Equal("DejaVu Sans", ChartFont.Typeface.FamilyName);
        Assert.True(ChartFont.Typeface.GlyphCount > 1000);
        Assert.Same(ChartFont.Typeface, ScottPlot.Fonts.GetTypeface(ChartFont.Family, bold: false, italic: false));
        Assert.Same(ChartFont.Typeface, ScottPlot.Fonts.GetTypeface(ChartFont.Family, bold: true, italic: false));
        Assert.Contains("font-family=\"DejaVu Sans, ", Losses().ToSvg(), StringComparison.Ordinal);
        // The title is drawn: dark pixels in the band above the plot (no text at all when no font is found).
        var image = ChartAssert.Png(new Chart("A title that must be drawn").ToPng());
        int dark = 0;
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < Chart.Width; x++)
            {
                dark += image[x, y, 0] < 100 ? 1 : 0;
            }
        }
        Assert.True(dark > 50, $"only {dark} dark pixels where the title goes");
    }

    [Fact]
    public void NaNLeavesGapsAndLongSeriesAreThinnedToAboutThePixelWidth()
    {
        var segments = ChartRenderer.Segments([1.0, 2, 3, 4, 5, 6, 7], [1.0, 2, double.NaN, 3, double.NaN, 4, 5]).ToList();
        Assert.Equal([[1.0, 2], [4.0], [6.0, 7]], segments.Select(s => s.X));
        Assert.Equal([[1.0, 2], [3.0], [4.0, 5]], segments.Select(s => s.Y));

        int n = 100_000;
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var y = x.Select(v => Math.Sin(v / 100) + (v % 7) / 10).ToArray();
        var (tx, ty) = Assert.Single(ChartRenderer.Segments(x, y));
        Assert.InRange(tx.Length, Chart.Width, 4 * (Chart.Width + 1));
        Assert.Equal((x[0], y[0]), (tx[0], ty[0]));
        Assert.Equal((x[^1], y[^1]), (tx[^1], ty[^1]));
        Assert.Equal(y.Max(), ty.Max());
        Assert.Equal(y.Min(), ty.Min());
        string svg = new Chart("long") { Lines = [new LineSeries("y", x, y) { Smoothing = 0.9 }] }.ToSvg();
        Assert.True(svg.Length < 600_000, $"SVG of {svg.Length} characters");
    }

    [Fact]
    public void TickLabelsHaveTheDecimalsTheirAxisNeedsAndNoSeparators()
    {
        Assert.Equal("13326.95", ChartRenderer.TickFormat(0.15)(13326.95));
        Assert.Equal("13327", ChartRenderer.TickFormat(0.15)(13327.0));
        Assert.Equal("3510", ChartRenderer.TickFormat(50)(3510));
        Assert.Equal("1234567", ChartRenderer.TickFormat(2e6)(1234567));
        Assert.Equal("0.3", ChartRenderer.TickFormat(1)(0.30000000000000004));
        Assert.Equal("0", ChartRenderer.TickFormat(1)(-2.7e-17));
        Assert.Equal("0.0005", ChartRenderer.TickFormat(0.002)(0.0005));
        // Two values a tick apart on a narrow axis far from zero still read differently on the chart.
        var texts = ChartAssert.SvgText(new Chart("KID") { Lines = [new LineSeries("KID", [1.0, 2, 3], [13327.05, 13326.99, 13326.9])] }.ToSvg(), "KID");
        var numbers = texts.Where(t => t.StartsWith("13326.", StringComparison.Ordinal) || t.StartsWith("13327", StringComparison.Ordinal)).ToList();
        Assert.True(numbers.Count >= 3, string.Join(" | ", texts));
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Fact]
    public void HistogramBinsShareValuesAndClampTheEdges()
    {
        var bins = new HistogramBins(4, 0, 1);
        double[] shares = bins.Shares([0.1f, 0.3f, 0.3f, 2f, float.NegativeInfinity, float.NaN, 0.99f], out int total);
        Assert.Equal(6, total);
        Assert.Equal([2 / 6.0, 2 / 6.0, 0, 2 / 6.0], shares);
        Assert.Equal([0.0, 0, 0, 0], bins.Shares([float.NaN], out int none));
        Assert.Equal(0, none);
        Assert.Throws<ArgumentException>(() => new HistogramBins(4, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistogramBins(0, 0, 1));
    }

    [Fact]
    public void ExponentialMovingAverageSkipsGaps()
    {
        double[] s = LineSeries.ExponentialMovingAverage([1.0, double.NaN, 3.0, 5.0], 0.5);
        Assert.Equal(1.0, s[0]);
        Assert.True(double.IsNaN(s[1]));
        Assert.Equal(2.0, s[2]);
        Assert.Equal(3.5, s[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => LineSeries.ExponentialMovingAverage([1.0], 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineSeries("x", [], []) { Smoothing = -0.1 });
        Assert.Throws<ArgumentException>(() => new LineSeries("x", [1.0], []));
    }

    [Fact]
    public void WriteReplacesBothFilesWholeAndLeavesNothingElse()
    {
        string basePath = Path.Combine(_t.Root, "plot");
        ChartFiles.Write(new Chart("first") { Lines = [new LineSeries("a", [0.0, 1], [0.0, 1])] }, basePath);
        ChartFile second = ChartFiles.Write(Losses(), basePath);
        Assert.Equal(["plot.png", "plot.svg"], Directory.GetFiles(_t.Root).Select(Path.GetFileName).Order());
        Assert.Equal(second.Svg, File.ReadAllText(second.SvgPath));
        Assert.Equal(Losses().ToPng(), File.ReadAllBytes(second.PngPath));
    }

    private static HashSet<string> Ids(string svg) => Regex.Matches(svg, "\\bid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();
}
