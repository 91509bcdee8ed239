// The run's plots (RunPlots: losses, d_hist, d_accuracy, fid, kid, precision_recall, epoch_times, and what the quality
// probe adds), each as NAME.png and NAME.svg, and its one-page report.html, which inlines the same charts as SVG.
namespace Dcgan.Training;

using System.Globalization;
using Dcgan.Reporting;

public sealed partial class RunArtifacts
{
    // Per-epoch lines get a dot at each point while there are few enough to tell apart.
    private const int MarkerLimit = 60;

    // The epoch means are darker shades of the per-step lines' colours (Chart.Palette[0] and [1]).
    private const string GeneratorMeanColor = "#124e78";
    private const string DiscriminatorMeanColor = "#b35900";

    /// <summary>
    /// Every plot of the run so far, as NAME.png and NAME.svg (<see cref="Chart.Width"/> x <see cref="Chart.Height"/>):
    /// <see cref="RunPlots"/>' charts from <paramref name="state"/>, then <paramref name="extra"/> (the evaluator's).
    /// </summary>
    public void WritePlots(TrainingState state, IReadOnlyList<RunChart>? extra = null)
    {
        foreach (RunChart chart in Charts(state, extra))
        {
            ChartFiles.Write(chart.Chart, _run.PlotBase(chart.Name));
        }
    }

    /// <summary>The run's charts in report order; FID, KID and precision/recall only when some epoch measured them.</summary>
    public static IReadOnlyList<RunChart> Charts(TrainingState state, IReadOnlyList<RunChart>? extra = null)
    {
        var history = state.History;
        var charts = new List<RunChart>
        {
            new(RunPlots.Losses, "Losses", LossChart(state)),
            new(RunPlots.Histogram, "Discriminator outputs", HistogramChart(state)),
            new(RunPlots.Accuracy, "Discriminator accuracy", AccuracyChart(history)),
        };
        if (Measured(history, m => m.Fid) is { Count: > 0 } fid)
        {
            charts.Add(new(RunPlots.Fid, "Quality over epochs (FID, lower is better)", new Chart("FID by epoch (lower is better)")
            {
                XLabel = "epoch", YLabel = "FID (classifier features)", IntegerX = true, Lines = [EpochLine("FID", fid, Chart.Palette[0])],
            }));
        }
        if (Measured(history, m => m.Kid) is { Count: > 0 } kid)
        {
            charts.Add(new(RunPlots.Kid, "KID (lower is better)", new Chart("KID by epoch (lower is better)")
            {
                XLabel = "epoch", YLabel = "KID (classifier features)", IntegerX = true, Lines = [EpochLine("KID", kid, Chart.Palette[4])],
            }));
        }
        var precision = Measured(history, m => m.Precision);
        var recall = Measured(history, m => m.Recall);
        if (precision.Count > 0 || recall.Count > 0)
        {
            charts.Add(new(RunPlots.PrecisionRecall, "Precision and recall", new Chart("Precision (realism) and recall (variety) by epoch")
            {
                XLabel = "epoch", YLabel = "share of images", IntegerX = true, YRange = (-0.05, 1.05),
                Lines = [EpochLine("precision", precision, Chart.Palette[2]), EpochLine("recall", recall, Chart.Palette[3])],
            }));
        }
        charts.AddRange(extra ?? []);
        charts.Add(new(RunPlots.EpochTimes, "Time per epoch", new Chart("Training time per epoch")
        {
            XLabel = "epoch", YLabel = "seconds", IntegerX = true,
            Bars = [new BarSeries("seconds per epoch", history.Select(m => (double)m.Epoch).ToArray(), history.Select(m => m.Seconds).ToArray())
                { Color = Chart.Palette[7] }],
        }));
        return charts;
    }

    private static Chart LossChart(TrainingState state)
    {
        int steps = state.StepGeneratorLoss.Count;
        int epochs = state.History.Count;
        // Step i of the run sits at x = epochs * i / steps, so per-step and per-epoch lines share the epoch axis.
        double perStep = steps == 0 || epochs == 0 ? 1 : (double)state.History.Sum(h => h.Steps) / Math.Max(1, epochs);
        var x = Enumerable.Range(1, steps).Select(i => i / perStep).ToArray();
        var means = state.History.Select(h => ((double)h.Epoch, h.GeneratorLoss, h.DiscriminatorLoss)).ToList();
        return new Chart("Generator and discriminator loss")
        {
            XLabel = "epoch", YLabel = "binary cross-entropy", IntegerX = true,
            Lines =
            [
                new("G loss (per step)", x, state.StepGeneratorLoss.Select(v => (double)v).ToArray()) { Smoothing = 0.9, Color = Chart.Palette[0] },
                new("D loss (per step)", x, state.StepDiscriminatorLoss.Select(v => (double)v).ToArray()) { Smoothing = 0.9, Color = Chart.Palette[1] },
                EpochLine("G loss (epoch mean)", means.Select(m => (m.Item1, m.GeneratorLoss)).ToList(), GeneratorMeanColor),
                EpochLine("D loss (epoch mean)", means.Select(m => (m.Item1, m.DiscriminatorLoss)).ToList(), DiscriminatorMeanColor),
            ],
        };
    }

    private static Chart HistogramChart(TrainingState state)
    {
        int epoch = state.History.Count == 0 ? 0 : state.History[^1].Epoch;
        return new Chart($"Discriminator output D(x) in epoch {epoch}")
        {
            XLabel = "D(x) = probability of 'real'", YLabel = "fraction of images",
            Bins = new HistogramBins(EpochAccumulator.Bins, 0, 1),
            Histograms =
            [
                new HistogramSeries("real images", FromCounts(state.LastRealHistogram)) { Color = Chart.Palette[2] },
                new HistogramSeries("generated images", FromCounts(state.LastFakeHistogram)) { Color = Chart.Palette[3] },
            ],
        };
    }

    private static Chart AccuracyChart(IReadOnlyList<EpochMetrics> history) => new("Discriminator accuracy per epoch")
    {
        XLabel = "epoch", YLabel = "accuracy", IntegerX = true, YRange = (-0.05, 1.05),
        Guides = [new GuideLine("chance (50%)", 0.5)],
        Lines =
        [
            EpochLine("on real images", history.Select(m => ((double)m.Epoch, m.RealAccuracy)).ToList(), Chart.Palette[2]),
            EpochLine("on generated images", history.Select(m => ((double)m.Epoch, m.FakeAccuracy)).ToList(), Chart.Palette[3]),
        ],
    };

    private static List<(double Epoch, double Value)> Measured(IReadOnlyList<EpochMetrics> history, Func<EpochMetrics, double?> value) =>
        history.Where(m => value(m) is not null).Select(m => ((double)m.Epoch, value(m)!.Value)).ToList();

    private static LineSeries EpochLine(string name, IReadOnlyList<(double Epoch, double Value)> points, string color) =>
        new(name, points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Value).ToArray()) { Markers = points.Count <= MarkerLimit, Color = color };

    /// <summary>Bin counts back to values at the bin centres, for a histogram with the same bins.</summary>
    private static float[] FromCounts(long[] counts)
    {
        var values = new float[counts.Sum()];
        int k = 0;
        for (int b = 0; b < counts.Length; b++)
        {
            float centre = (b + 0.5f) / counts.Length;
            for (long c = 0; c < counts[b]; c++)
            {
                values[k++] = centre;
            }
        }
        return values;
    }

    /// <summary>report.html: the config, metrics table, every chart (inline SVG), every grid and the GIF.</summary>
    public void WriteReport(TrainingState state, IReadOnlyList<RunChart>? extra = null)
    {
        var history = state.History;
        var charts = Charts(state, extra);
        string Svg(string name) => charts.First(c => c.Name == name).Chart.ToSvg();
        var content = new ReportContent
        {
            Title = $"DCGAN run: {_config.Dataset}, {history.Count} of {_config.Epochs} epochs",
            Subtitle = _run.Root,
            Config = System.Text.Json.JsonSerializer.SerializeToElement(_config).EnumerateObject()
                .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ToString())).ToList(),
            MetricColumns = ["epoch", "g_loss", "d_loss", "D(real) acc", "D(fake) acc", "D(real) mean", "D(fake) mean", "seconds", "images/s", "FID"],
            MetricRows = history.Select(m => (IReadOnlyList<string>)
            [
                m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.GeneratorLoss), F(m.DiscriminatorLoss), F(m.RealAccuracy), F(m.FakeAccuracy),
                F(m.RealMean), F(m.FakeMean), F(m.Seconds), F(m.ImagesPerSecond), m.Fid is double fid ? F(fid) : "",
            ]).ToList(),
            LossSvg = Svg(RunPlots.Losses),
            HistogramSvg = Svg(RunPlots.Histogram),
            Charts = charts.Where(c => c.Name is not (RunPlots.Losses or RunPlots.Histogram)).Select(c => (c.Heading, c.Chart.ToSvg())).ToList(),
            Grids = history.Select(m => ($"epoch {m.Epoch}", _run.SamplePath(m.Epoch))).Where(g => File.Exists(g.Item2)).ToList(),
            GifPath = File.Exists(_run.GifPath) ? _run.GifPath : null,
            EpochSeconds = history.Select(m => m.Seconds).ToList(),
        };
        HtmlReport.Write(_run.ReportPath, content);
    }
}
