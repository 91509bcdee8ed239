// Checks of a chart's two files (Reporting's ChartFiles): the PNG decodes to the fixed size with more than a few colours,
// the SVG is well-formed XML of the fixed size whose text elements name what the caller expects (legend, title, labels).
namespace Dcgan.TestSupport;

using System.Xml.Linq;
using Dcgan.Imaging;
using Dcgan.Reporting;

public static class ChartAssert
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>NAME.png and NAME.svg beside <paramref name="basePath"/> exist and pass <see cref="Png"/> and <see cref="SvgText"/>.</summary>
    public static void Files(string basePath, params string[] texts)
    {
        Assert.True(File.Exists(ChartFiles.PngPath(basePath)), $"missing {ChartFiles.PngPath(basePath)}");
        Assert.True(File.Exists(ChartFiles.SvgPath(basePath)), $"missing {ChartFiles.SvgPath(basePath)}");
        Png(File.ReadAllBytes(ChartFiles.PngPath(basePath)));
        SvgText(File.ReadAllText(ChartFiles.SvgPath(basePath)), texts);
    }

    /// <summary>A PNG of <see cref="Chart.Width"/> x <see cref="Chart.Height"/> that is not blank: many colours, and ink beyond the background.</summary>
    public static Raster Png(byte[] bytes)
    {
        Assert.True(ImageFiles.IsPng(bytes), "not a PNG");
        Raster image = ImageFiles.DecodeImage(bytes);
        Assert.Equal((Chart.Width, Chart.Height), (image.Width, image.Height));
        var colours = new HashSet<int>();
        int ink = 0;
        int channels = image.Channels;
        for (int p = 0; p < image.Width * image.Height; p++)
        {
            int r = image.Pixels[p * channels], g = image.Pixels[p * channels + (channels - 1) / 2], b = image.Pixels[p * channels + channels - 1];
            colours.Add((r << 16) | (g << 8) | b);
            ink += r + g + b < 600 ? 1 : 0;
        }
        Assert.True(colours.Count >= 8, $"only {colours.Count} distinct colours");
        Assert.True(ink > image.Width * image.Height / 200, $"only {ink} pixels are not near white");
        return image;
    }

    /// <summary>
    /// Well-formed SVG of <see cref="Chart.Width"/> x <see cref="Chart.Height"/> with a matching view box, whose text
    /// elements (trimmed) include each of <paramref name="texts"/>; returns every text element's content.
    /// </summary>
    public static IReadOnlyList<string> SvgText(string svg, params string[] texts)
    {
        XDocument doc = XDocument.Parse(svg);
        XElement root = doc.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal(Chart.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)root.Attribute("width"));
        Assert.Equal(Chart.Height.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)root.Attribute("height"));
        Assert.Equal($"0 0 {Chart.Width} {Chart.Height}", (string?)root.Attribute("viewBox"));
        var found = root.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        foreach (string text in texts)
        {
            Assert.True(found.Contains(text), $"no text element says '{text}'; the chart says: {string.Join(" | ", found)}");
        }
        return found;
    }
}
