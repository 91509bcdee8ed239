// The run's plots (losses.svg, d_hist.svg) and its one-page report.html.
namespace Dcgan.Training;

using System.Globalization;
using Dcgan.Reporting;

public sealed partial class RunArtifacts
{
    /// <summary>losses.svg (per step, smoothed, and per epoch) and d_hist.svg (last epoch's D outputs).</summary>
    public void WritePlots(TrainingState state)
    {
        SvgPlot.WriteFile(_run.LossPlotPath, LossChart(state));
        SvgPlot.WriteFile(_run.HistogramPath, HistogramChart(state));
    }

    private static string LossChart(TrainingState state)
    {
        int steps = state.StepGeneratorLoss.Count;
        int epochs = state.History.Count;
        // Step i of the run sits at x = epochs * i / steps, so per-step and per-epoch lines share the epoch axis.
        double perStep = steps == 0 || epochs == 0 ? 1 : (double)state.History.Sum(h => h.Steps) / Math.Max(1, epochs);
        var x = Enumerable.Range(1, steps).Select(i => i / perStep).ToArray();
        var epochX = state.History.Select(h => (double)h.Epoch).ToArray();
        var series = new List<LineSeries>
        {
            new("G loss (per step)", x, state.StepGeneratorLoss.Select(v => (double)v).ToArray()) { Smoothing = 0.9, Color = SvgPlot.DefaultColors[0] },
            new("D loss (per step)", x, state.StepDiscriminatorLoss.Select(v => (double)v).ToArray()) { Smoothing = 0.9, Color = SvgPlot.DefaultColors[1] },
            new("G loss (epoch mean)", epochX, state.History.Select(h => h.GeneratorLoss).ToArray()) { Markers = true, Dashed = true, Color = SvgPlot.DefaultColors[0] },
            new("D loss (epoch mean)", epochX, state.History.Select(h => h.DiscriminatorLoss).ToArray()) { Markers = true, Dashed = true, Color = SvgPlot.DefaultColors[1] },
        };
        return SvgPlot.LineChart("Generator and discriminator loss", series, "epoch", "binary cross-entropy");
    }

    private static string HistogramChart(TrainingState state)
    {
        int epoch = state.History.Count == 0 ? 0 : state.History[^1].Epoch;
        return SvgPlot.Histogram($"Discriminator output D(x) in epoch {epoch}",
        [
            new HistogramSeries("real images", FromCounts(state.LastRealHistogram)) { Color = SvgPlot.DefaultColors[2] },
            new HistogramSeries("generated images", FromCounts(state.LastFakeHistogram)) { Color = SvgPlot.DefaultColors[3] },
        ], bins: EpochAccumulator.Bins, xLabel: "D(x) = probability of 'real'");
    }

    /// <summary>FID by epoch from the epochs that were measured (--eval-every); null when none was.</summary>
    private static string? FidChart(IReadOnlyList<EpochMetrics> history)
    {
        var measured = history.Where(m => m.Fid is not null).ToList();
        return measured.Count == 0 ? null : SvgPlot.LineChart("FID over training (lower is better)",
            [new LineSeries("FID", measured.Select(m => (double)m.Epoch).ToArray(), measured.Select(m => m.Fid!.Value).ToArray())
                { Markers = true, Color = SvgPlot.DefaultColors[0] }],
            "epoch", "FID (classifier features)");
    }

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

    /// <summary>report.html: the config, metrics table, curves, histogram, every grid and the GIF.</summary>
    public void WriteReport(TrainingState state)
    {
        var history = state.History;
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
            LossSvg = LossChart(state),
            HistogramSvg = HistogramChart(state),
            Charts = FidChart(history) is { } fid ? [("Quality over epochs (FID, lower is better)", fid)] : [],
            Grids = history.Select(m => ($"epoch {m.Epoch}", _run.SamplePath(m.Epoch))).Where(g => File.Exists(g.Item2)).ToList(),
            GifPath = File.Exists(_run.GifPath) ? _run.GifPath : null,
            EpochSeconds = history.Select(m => m.Seconds).ToList(),
        };
        HtmlReport.Write(_run.ReportPath, content);
    }
}
