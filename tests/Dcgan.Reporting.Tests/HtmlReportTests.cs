// Tests for HtmlReport: escaping, embedded images that decode to PNG/GIF, sections present, no external references.
using System.Text.RegularExpressions;
using Dcgan.Imaging;
using Dcgan.Reporting;

namespace Dcgan.Reporting.Tests;

public class HtmlReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dcgan-report-" + Guid.NewGuid().ToString("N"));

    public HtmlReportTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ReportContent Sample()
    {
        var grids = new List<(string, string)>();
        var frames = new List<Raster>();
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var img = new Raster(8, 6, 1);
            Array.Fill(img.Pixels, (byte)(epoch * 60));
            string p = Path.Combine(_dir, $"epoch_{epoch}.png");
            ImageFiles.WritePng(p, img);
            grids.Add(($"Epoch {epoch}", p));
            frames.Add(img);
        }
        string gif = Path.Combine(_dir, "progress.gif");
        ImageFiles.WriteGif(gif, frames, 50);
        return new ReportContent
        {
            Title = "Run <1> & \"friends\"",
            Subtitle = "dcgan train --out 'x'",
            Config = [new("learning_rate", "1e-4"), new("note", "<script>alert('x')</script>"), new("url", "https://example.invalid/a?b=1&c=2")],
            MetricColumns = ["epoch", "G loss", "D <loss>"],
            MetricRows = [["1", "1.25", "0.75"], ["2", "1.5"]],
            LossSvg = new Chart("Losses") { Lines = [new LineSeries("G loss", [0.0, 1], [1.0, 2])] }.ToSvg(),
            HistogramSvg = new Chart("D") { Histograms = [new HistogramSeries("real", new float[] { 0.2f, 0.9f })] }.ToSvg(),
            Grids = grids,
            GifPath = gif,
            EpochSeconds = [10.5, 11.25, 9.0],
            Notes = ["done & dusted"],
        };
    }

    [Fact]
    public void TextIsEscaped()
    {
        string html = HtmlReport.Render(Sample());
        Assert.Contains("<title>Run &lt;1&gt; &amp; &quot;friends&quot;</title>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<th>D &lt;loss&gt;</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>learning_rate</td><td>1e-4</td>", html, StringComparison.Ordinal);
        Assert.Contains("https://example.invalid/a?b=1&amp;c=2", html, StringComparison.Ordinal);
        Assert.Contains("done &amp; dusted", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesAreEmbeddedAndDecode()
    {
        ReportContent content = Sample();
        string html = HtmlReport.Render(content);
        var uris = Regex.Matches(html, "src=\"data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)\"").ToList();
        Assert.Equal(4, uris.Count); // the GIF and three grids
        Assert.Equal(["image/gif", "image/png", "image/png", "image/png"], uris.Select(m => m.Groups[1].Value));
        byte[] gif = Convert.FromBase64String(uris[0].Groups[2].Value);
        Assert.Equal(File.ReadAllBytes(content.GifPath!), gif);
        for (int i = 1; i < 4; i++)
        {
            byte[] png = Convert.FromBase64String(uris[i].Groups[2].Value);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Raster image = ImageFiles.DecodeImage(png);
            Assert.Equal((8, 6, 1), (image.Width, image.Height, image.Channels));
            Assert.All(image.Pixels, p => Assert.Equal(i * 60, p));
        }
        foreach (int epoch in new[] { 1, 2, 3 })
        {
            Assert.Contains($"<figcaption>Epoch {epoch}</figcaption>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NoExternalReferences()
    {
        string html = HtmlReport.Render(Sample());
        Assert.DoesNotMatch(new Regex("(src|href|action|poster|data)\\s*=\\s*[\"']?\\s*(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex("url\\(\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex("<(link|script|iframe)\\b", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public void SectionsChartsAndTimesArePresent()
    {
        string html = HtmlReport.Render(Sample());
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<?xml", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(html, "<svg ").Count);
        Assert.Contains("G loss", html, StringComparison.Ordinal);
        Assert.Contains("real (n=2)", html, StringComparison.Ordinal);
        // The short metrics row is padded to three cells.
        Assert.Contains("<tr><td class=\"num\">2</td><td class=\"num\">1.5</td><td></td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">2</td><td class=\"num\">11.25</td><td class=\"num\">21.75</td>", html, StringComparison.Ordinal);
        Assert.Contains("Total 30.8 s", html, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingImagesAreReportedNotFatalAndEmptyContentRenders()
    {
        string html = HtmlReport.Render(new ReportContent { Title = "t", Grids = [("Epoch 1", Path.Combine(_dir, "nope.png"))] });
        Assert.Contains("image not available", html, StringComparison.Ordinal);
        string minimal = HtmlReport.Render(new ReportContent { Title = "only a title" });
        Assert.Contains("<h1>only a title</h1>", minimal, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", minimal, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteIsAtomicAndMatchesRender()
    {
        ReportContent content = Sample();
        string path = Path.Combine(_dir, "out", "report.html");
        HtmlReport.Write(path, content);
        HtmlReport.Write(path, content);
        Assert.Equal(HtmlReport.Render(content), File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }
}
