// Charts of quality measurements (Reporting's Chart, drawn with ScottPlot): FID over epochs (one line per run, for the
// experiment report) and each class's share of the generated images (for a run's plots and report.html).
namespace Dcgan.Quality;

using System.Globalization;
using Dcgan.Reporting;
using Dcgan.Training;

/// <summary>Charts of <see cref="QualityReport"/>s.</summary>
public static class QualityCharts
{
    // Class names label the bars while there are few enough to read; more classes are numbered.
    private const int NamedClassLimit = 20;

    /// <summary>FID over epochs of one run (reports without an epoch are skipped); null when there is nothing to draw.</summary>
    public static Chart? FidChart(IReadOnlyList<QualityReport> history) =>
        FidChart([("FID", history)], "FID over training (lower is better)");

    /// <summary>FID over epochs, one line per named run (the experiment report overlays its variants).</summary>
    public static Chart? FidChart(IReadOnlyList<(string Name, IReadOnlyList<QualityReport> History)> runs, string title = "FID over training (lower is better)")
    {
        var series = new List<LineSeries>();
        for (int i = 0; i < runs.Count; i++)
        {
            var points = runs[i].History.Where(r => r.Epoch is not null).OrderBy(r => r.Epoch).ToList();
            if (points.Count == 0)
            {
                continue;
            }
            series.Add(new LineSeries(runs[i].Name, points.Select(p => (double)p.Epoch!.Value).ToArray(), points.Select(p => p.Fid).ToArray())
            {
                Markers = points.Count <= 60,
                Color = Chart.Palette[i % Chart.Palette.Count],
            });
        }
        // FID falls by orders of magnitude in a run (about 1,000 to 30 on MNIST): on a log axis the late epochs, where runs
        // differ, stay readable.
        return series.Count == 0 ? null : new Chart(title) { XLabel = "epoch", YLabel = "FID (classifier features, log scale)", IntegerX = true, LogY = true, Lines = series };
    }

    /// <summary>
    /// The share of <paramref name="report"/>'s images the classifier puts in each class, against the balanced share;
    /// null for a report without class shares (a rotation classifier).
    /// </summary>
    public static Chart? ClassSharesChart(QualityReport report, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        double[] shares = report.ClassShares;
        if (shares.Length == 0)
        {
            return null;
        }
        var c = CultureInfo.InvariantCulture;
        var x = Enumerable.Range(0, shares.Length).Select(k => (double)k).ToArray();
        bool named = shares.Length <= NamedClassLimit;
        string Name(int k) => classNames is { } names && k < names.Count ? names[k] : k.ToString(c);
        string when = report.Epoch is int epoch ? string.Create(c, $" at epoch {epoch}") : "";
        double balanced = 1.0 / shares.Length;
        var guides = new List<GuideLine> { new(string.Create(c, $"balanced ({balanced * 100:0.0}%)"), balanced) };
        if (report.RealMinClassShare is double real)
        {
            guides.Add(new GuideLine(string.Create(c, $"rarest class of real images ({real * 100:0.0}%)"), real) { Color = "#bbbbbb" });
        }
        return new Chart($"Classes of generated images{when}")
        {
            XLabel = named ? "class" : "class number",
            YLabel = "share of generated images",
            XTicks = named ? x.Select(k => (k, Name((int)k))).ToList() : null,
            IntegerX = true,
            Bars = [new BarSeries(string.Create(c, $"generated images (n={report.Count})"), x, shares) { Color = Chart.Palette[0] }],
            Guides = guides,
        };
    }

    /// <summary>
    /// The run chart of class shares (<see cref="RunPlots.ClassShares"/>) from the last report of <paramref name="history"/>
    /// at or before <paramref name="epoch"/> that has them; none when no such report exists.
    /// </summary>
    public static IReadOnlyList<RunChart> RunCharts(IReadOnlyList<QualityReport> history, int epoch, IReadOnlyList<string>? classNames = null)
    {
        var last = history.LastOrDefault(r => r.Epoch is int e && e <= epoch && r.ClassShares.Length > 0);
        return last is not null && ClassSharesChart(last, classNames) is { } chart
            ? [new RunChart(RunPlots.ClassShares, "Classes of generated images", chart)]
            : [];
    }
}
