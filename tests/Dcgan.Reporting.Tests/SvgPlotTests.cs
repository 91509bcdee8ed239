// Tests for SvgPlot: output parses as XML, carries series and legend names, bar counts, NaN/empty/one-point handling.
using System.Globalization;
using System.Xml.Linq;
using Dcgan.Reporting;

namespace Dcgan.Reporting.Tests;

public class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(string svg)
    {
        XDocument doc = XDocument.Parse(svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        return doc;
    }

    private static List<string> LegendTexts(XDocument doc) =>
        doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Svg + "text").Select(t => t.Value).ToList();

    private static List<XElement> SeriesGroups(XDocument doc) =>
        doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToList();

    [Fact]
    public void LineChartIsValidXmlWithSeriesTitleAndLegend()
    {
        double[] x = Enumerable.Range(0, 500).Select(i => i / 100.0).ToArray();
        double[] g = x.Select(v => 2 + Math.Sin(v * 7)).ToArray();
        double[] d = x.Select(v => 1 + 0.5 * Math.Cos(v * 5)).ToArray();
        string svg = SvgPlot.LineChart("Losses <G & D> \"quoted\" 'x'", [
            new LineSeries("G loss", x, g) { Smoothing = 0.9 },
            new LineSeries("D loss & more", x, d) { Smoothing = 0.9 },
            new LineSeries("G per epoch", [1.0, 2, 3, 4], [2.1, 1.9, 2.0, 1.8]) { Markers = true, Dashed = true },
        ], "epoch", "loss <nats>");
        XDocument doc = Parse(svg);
        Assert.Equal("Losses <G & D> \"quoted\" 'x'", doc.Root!.Element(Svg + "title")!.Value);
        Assert.Equal(["G loss", "D loss & more", "G per epoch"], LegendTexts(doc));
        List<XElement> groups = SeriesGroups(doc);
        Assert.Equal(["G loss", "D loss & more", "G per epoch"], groups.Select(e => (string)e.Attribute("data-name")!));
        // Smoothed series draw a faint raw path and the smoothed path; the epoch series one path and a dot per point.
        Assert.Equal(2, groups[0].Elements(Svg + "path").Count());
        Assert.Single(groups[2].Elements(Svg + "path"));
        Assert.Equal(4, groups[2].Elements(Svg + "circle").Count());
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "loss <nats>");
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void AxisTicksAreNiceNumbers()
    {
        string svg = SvgPlot.LineChart("t", [new LineSeries("a", [0.0, 10], [0.13, 0.87])]);
        XDocument doc = Parse(svg);
        List<string> ticks = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "ticks").Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("0.2", ticks);
        Assert.Contains("0.8", ticks);
        Assert.Contains("10", ticks);
        Assert.All(ticks, t => Assert.True(double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _), t));
    }

    [Fact]
    public void NaNValuesLeaveGapsAndLonePointsGetDots()
    {
        double[] x = [0, 1, 2, 3, 4, 5, 6];
        double[] y = [1, 2, double.NaN, 3, double.NaN, 4, 5];
        XDocument doc = Parse(SvgPlot.LineChart("gaps", [new LineSeries("s", x, y)]));
        XElement group = SeriesGroups(doc).Single();
        string d = (string)group.Element(Svg + "path")!.Attribute("d")!;
        Assert.Equal(2, d.Count(c => c == 'M')); // segments 0-1 and 5-6
        Assert.Single(group.Elements(Svg + "circle")); // the lone point at x = 3
    }

    [Fact]
    public void EmptyAndDegenerateSeriesStillRender()
    {
        XDocument empty = Parse(SvgPlot.LineChart("empty", [new LineSeries("nothing", [], [])]));
        Assert.Contains(empty.Descendants(Svg + "text"), t => t.Value == "no data");
        Assert.Equal(["nothing"], LegendTexts(empty));

        XDocument none = Parse(SvgPlot.LineChart("no series", []));
        Assert.Contains(none.Descendants(Svg + "text"), t => t.Value == "no data");

        XDocument allNaN = Parse(SvgPlot.LineChart("nan", [new LineSeries("n", [1.0, 2], [double.NaN, double.PositiveInfinity])]));
        Assert.Contains(allNaN.Descendants(Svg + "text"), t => t.Value == "no data");

        XDocument one = Parse(SvgPlot.LineChart("one", [new LineSeries("p", [3.0], [0.5])]));
        XElement g = SeriesGroups(one).Single();
        Assert.Empty(g.Elements(Svg + "path"));
        Assert.Single(g.Elements(Svg + "circle"));

        string flat = SvgPlot.LineChart("flat", [new LineSeries("c", [0.0, 1, 2], [2.0, 2, 2])]);
        Assert.DoesNotContain("NaN", flat, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", flat, StringComparison.Ordinal);
        Parse(flat);
    }

    [Fact]
    public void LongSeriesAreDecimatedToAboutThePixelWidth()
    {
        int n = 50_000;
        double[] x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        double[] y = x.Select(v => Math.Sin(v * 0.01) + (v % 7) * 0.01).ToArray();
        string svg = SvgPlot.LineChart("long", [new LineSeries("s", x, y)], width: 800);
        XDocument doc = Parse(svg);
        string d = (string)SeriesGroups(doc).Single().Element(Svg + "path")!.Attribute("d")!;
        int commands = d.Count(c => c is 'M' or 'L');
        Assert.InRange(commands, 100, 4 * 800);
    }

    [Fact]
    public void HistogramHasOneBarPerBinAndSeriesAndNormalisedHeights()
    {
        float[] real = Enumerable.Range(0, 1000).Select(i => 0.5f + 0.5f * (i % 100) / 100f).ToArray();
        float[] fake = [0f, 0.001f, 0.5f, 1f, 1.5f, -2f, float.NaN];
        string svg = SvgPlot.Histogram("D outputs <epoch 3>", [new HistogramSeries("real", real), new HistogramSeries("generated", fake)], bins: 50, xLabel: "D(x)");
        XDocument doc = Parse(svg);
        List<XElement> groups = SeriesGroups(doc);
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Equal(50, g.Elements(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bar")));
        Assert.Equal(["real (n=1000)", "generated (n=6)"], LegendTexts(doc));
        Assert.Equal("D outputs <epoch 3>", doc.Root!.Element(Svg + "title")!.Value);

        // generated: 0, 0.001 and -2 in bin 0; 0.5 in bin 25; 1 and 1.5 in bin 49 -> heights 3:1:2.
        double[] heights = groups[1].Elements(Svg + "rect").Select(r => double.Parse((string)r.Attribute("height")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(heights[0] / 3, heights[25], 1);
        Assert.Equal(heights[0] * 2 / 3, heights[49], 1);
        Assert.Equal(3, heights.Count(h => h > 0));
        Assert.All(groups.SelectMany(g => g.Elements(Svg + "rect")), r => Assert.True(double.Parse((string)r.Attribute("height")!, CultureInfo.InvariantCulture) >= 0));
    }

    [Fact]
    public void HistogramOfNothingSaysSo()
    {
        XDocument doc = Parse(SvgPlot.Histogram("empty", [new HistogramSeries("real", Array.Empty<float>())], bins: 10));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "no data");
        Assert.Equal(10, SeriesGroups(doc).Single().Elements(Svg + "rect").Count());
        Assert.Throws<ArgumentException>(() => SvgPlot.Histogram("bad", [], min: 1, max: 1));
    }

    [Fact]
    public void ControlCharactersAreReplacedSoTheXmlStaysValid()
    {
        string svg = SvgPlot.LineChart("bell\u0007 and lone \uD800 surrogate 😀", [new LineSeries("s\u0001", [0.0, 1], [0.0, 1])]);
        XDocument doc = Parse(svg);
        Assert.Equal("bell\uFFFD and lone \uFFFD surrogate 😀", doc.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void ExponentialMovingAverageSkipsGaps()
    {
        double[] s = SvgPlot.ExponentialMovingAverage([double.NaN, 1, 3, double.NaN, 5], 0.5);
        Assert.True(double.IsNaN(s[0]));
        Assert.Equal(1, s[1]);
        Assert.Equal(2, s[2]);
        Assert.True(double.IsNaN(s[3]));
        Assert.Equal(3.5, s[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SvgPlot.ExponentialMovingAverage([1.0], 1.0));
    }

    [Fact]
    public void WriteFileIsAtomicAndComplete()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dcgan-svg-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "loss.svg");
            string svg = SvgPlot.LineChart("x", [new LineSeries("a", [0.0, 1], [1.0, 0])]);
            SvgPlot.WriteFile(path, svg);
            Assert.Equal(svg, File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir));
            XDocument.Load(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
