// Trained runs side by side, from what each run folder recorded: its recipe and training time (config.json,
// metrics.jsonl) and its quality history (quality.jsonl, from `train --eval-every` or `evaluate`). `dcgan compare`
// prints the rows and draws the runs' FID curves on one chart.
namespace Dcgan.Quality;

using Dcgan.Reporting;
using Dcgan.Training;

/// <summary>One run's figures for a comparison.</summary>
/// <param name="Label">What the run is called in the table and the chart's legend.</param>
/// <param name="Config">The run's settings (config.json).</param>
/// <param name="Epochs">The epochs it trained (metrics.jsonl).</param>
/// <param name="Seconds">Their training time, in seconds.</param>
/// <param name="History">Its quality measurements at epochs, oldest first.</param>
/// <param name="Window">How many of the last measured epochs <see cref="Fid"/> and <see cref="MinClassShare"/> take the median of.</param>
public sealed record RunComparisonRow(string Label, TrainConfig Config, int Epochs, double Seconds, IReadOnlyList<QualityReport> History, int Window)
{
    /// <summary>The last measured epochs that the figures below summarise (at most <see cref="Window"/>).</summary>
    public IReadOnlyList<QualityReport> Last => History.Skip(Math.Max(0, History.Count - Window)).ToList();

    /// <summary>Median FID of the last measured epochs (a single epoch's FID swings from one epoch to the next); null if none.</summary>
    public double? Fid => Last.Count == 0 ? null : Statistics.Median(Last.Select(r => r.Fid).ToArray());

    /// <summary>Median share of the rarest class over the same epochs; null without class shares.</summary>
    public double? MinClassShare => Last.Where(r => r.MinClassShare is not null).Select(r => r.MinClassShare!.Value).ToArray() is { Length: > 0 } s ? Statistics.Median(s) : null;

    /// <summary>The lowest FID measured and its epoch; null if none.</summary>
    public (double Fid, int Epoch)? Best => History.Count == 0 ? null : History.MinBy(r => r.Fid) is { } b ? (b.Fid, b.Epoch!.Value) : null;

    /// <summary>The last measurement (KID, precision and recall are read from it); null if none.</summary>
    public QualityReport? Latest => History.Count == 0 ? null : History[^1];
}

/// <summary>Reads runs for a comparison and draws their FID curves.</summary>
public static class RunComparison
{
    /// <summary>
    /// The figures of the run in <paramref name="folder"/>. Throws InvalidDataException when it is not a run folder or its
    /// config.json cannot be read.
    /// </summary>
    public static RunComparisonRow Read(string label, string folder, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var run = new RunFolder(folder);
        if (!Directory.Exists(run.Root))
        {
            throw new InvalidDataException($"{run.Root} does not exist");
        }
        if (!run.IsRun)
        {
            throw new InvalidDataException($"{run.Root} is not a run folder (it has no config.json)");
        }
        TrainConfig config;
        try
        {
            config = TrainConfig.FromJson(File.ReadAllText(run.ConfigPath));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{run.ConfigPath} cannot be read: {e.Message}", e);
        }
        var metrics = EpochMetrics.Read(run);
        var history = QualityLog.Read(run).Where(r => r.Epoch is not null).OrderBy(r => r.Epoch).ToList();
        return new RunComparisonRow(label, config, metrics.Count == 0 ? 0 : metrics.Max(m => m.Epoch), metrics.Sum(m => m.Seconds), history, window);
    }

    /// <summary>FID by epoch of every row that measured any, one line each; null when none did.</summary>
    public static Chart? FidChart(IReadOnlyList<RunComparisonRow> rows) =>
        QualityCharts.FidChart(rows.Select(r => (r.Label, r.History)).ToList(), "FID by epoch (lower is better)");
}
