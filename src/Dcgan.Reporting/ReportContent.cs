// Input model of HtmlReport: everything the training run wants on its report page, as plain strings and
// file paths so the report needs no knowledge of the trainer.
namespace Dcgan.Reporting;

/// <summary>What a report shows. Every text is escaped when rendered; image paths are read and embedded.</summary>
public sealed class ReportContent
{
    public required string Title { get; init; }

    /// <summary>An optional line under the title (e.g. the command line or the run's start time).</summary>
    public string? Subtitle { get; init; }

    /// <summary>Configuration shown as a two-column table, in this order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Config { get; init; } = [];

    /// <summary>Header of the per-epoch metrics table.</summary>
    public IReadOnlyList<string> MetricColumns { get; init; } = [];

    /// <summary>Per-epoch metric rows, already formatted; short rows are padded with empty cells.</summary>
    public IReadOnlyList<IReadOnlyList<string>> MetricRows { get; init; } = [];

    /// <summary>SVG markup of the loss chart (e.g. from <see cref="Chart.ToSvg"/>), inlined as is.</summary>
    public string? LossSvg { get; init; }

    /// <summary>SVG markup of the discriminator-output histogram, inlined as is.</summary>
    public string? HistogramSvg { get; init; }

    /// <summary>More charts (title, SVG), e.g. FID over epochs, shown after the histogram.</summary>
    public IReadOnlyList<(string Title, string Svg)> Charts { get; init; } = [];

    /// <summary>Sample grids in display order, each with its caption (e.g. "Epoch 3") and PNG file.</summary>
    public IReadOnlyList<(string Caption, string PngPath)> Grids { get; init; } = [];

    /// <summary>The animated GIF of the grids over training.</summary>
    public string? GifPath { get; init; }

    /// <summary>Wall-clock seconds per epoch, epoch 1 first.</summary>
    public IReadOnlyList<double> EpochSeconds { get; init; } = [];

    /// <summary>Free-text paragraphs at the end (warnings, notes on the run).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
