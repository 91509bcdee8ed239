// A chart on disk: NAME.png (for READMEs, notebooks and chat) and NAME.svg (inlined by the HTML reports) side by side,
// each replaced atomically through Imaging's AtomicFile.
using Dcgan.Imaging;

namespace Dcgan.Reporting;

/// <summary>The two files written for one chart, and the SVG text for inlining.</summary>
public sealed record ChartFile(string PngPath, string SvgPath, string Svg);

/// <summary>Writes charts as PNG and SVG.</summary>
public static class ChartFiles
{
    /// <summary>The PNG beside <paramref name="basePath"/> (a path without extension, e.g. run/losses).</summary>
    public static string PngPath(string basePath) => basePath + ".png";

    /// <summary>The SVG beside <paramref name="basePath"/>.</summary>
    public static string SvgPath(string basePath) => basePath + ".svg";

    /// <summary>
    /// Writes <paramref name="basePath"/>.png and <paramref name="basePath"/>.svg (<see cref="Chart.Width"/> x
    /// <see cref="Chart.Height"/>); each file is replaced whole, so a reader sees the old chart or the new one.
    /// </summary>
    public static ChartFile Write(Chart chart, string basePath)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        byte[] png = chart.ToPng();
        string svg = chart.ToSvg();
        AtomicFile.WriteAllBytes(PngPath(basePath), png);
        AtomicFile.WriteAllText(SvgPath(basePath), svg);
        return new ChartFile(PngPath(basePath), SvgPath(basePath), svg);
    }
}
