// SVG charts of quality over training: FID per epoch (one line per run, for report.html and the experiment
// report), drawn with Reporting/SvgPlot.
namespace Dcgan.Quality;

using Dcgan.Reporting;

/// <summary>Line charts of <see cref="QualityReport"/> histories.</summary>
public static class QualityCharts
{
    /// <summary>FID over epochs of one run (reports without an epoch are skipped); null when there is nothing to draw.</summary>
    public static string? FidChart(IReadOnlyList<QualityReport> history) =>
        FidChart([("FID", history)], "FID over training (lower is better)");

    /// <summary>FID over epochs, one line per named run (the experiment report overlays its variants).</summary>
    public static string? FidChart(IReadOnlyList<(string Name, IReadOnlyList<QualityReport> History)> runs, string title = "FID over training (lower is better)")
        => Chart(runs, r => r.Fid, title, "FID (classifier features)");

    private static string? Chart(IReadOnlyList<(string Name, IReadOnlyList<QualityReport> History)> runs, Func<QualityReport, double> value, string title, string yLabel)
    {
        var series = new List<LineSeries>();
        for (int i = 0; i < runs.Count; i++)
        {
            var points = runs[i].History.Where(r => r.Epoch is not null).OrderBy(r => r.Epoch).ToList();
            if (points.Count == 0)
            {
                continue;
            }
            series.Add(new LineSeries(runs[i].Name, points.Select(p => (double)p.Epoch!.Value).ToArray(), points.Select(value).ToArray())
            {
                Markers = true,
                Color = SvgPlot.DefaultColors[i % SvgPlot.DefaultColors.Count],
            });
        }
        return series.Count == 0 ? null : SvgPlot.LineChart(title, series, "epoch", yLabel);
    }
}
