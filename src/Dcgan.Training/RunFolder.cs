// The layout of a run folder (config.json, metrics.jsonl, samples/, checkpoints/, plots, report) and
// how to find its checkpoints.
namespace Dcgan.Training;

using System.Globalization;
using System.Text.RegularExpressions;
using Dcgan.Imaging;
using Dcgan.Reporting;

/// <summary>Paths inside one run folder.</summary>
public sealed partial class RunFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string ConfigPath => Path.Combine(Root, "config.json");

    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");

    public string SamplesDir => Path.Combine(Root, "samples");

    public string CheckpointsDir => Path.Combine(Root, "checkpoints");

    public string GifPath => Path.Combine(Root, "progress.gif");

    /// <summary>A plot's path without extension: NAME.png and NAME.svg lie side by side (<see cref="RunPlots"/> names them).</summary>
    public string PlotBase(string name) => Path.Combine(Root, name);

    /// <summary>losses.svg (losses.png beside it).</summary>
    public string LossPlotPath => ChartFiles.SvgPath(PlotBase(RunPlots.Losses));

    /// <summary>d_hist.svg (d_hist.png beside it), which the dashboard shows.</summary>
    public string HistogramPath => ChartFiles.SvgPath(PlotBase(RunPlots.Histogram));

    public string ReportPath => Path.Combine(Root, "report.html");

    /// <summary>data_report.json: what decoding an image folder found and skipped (folder data sets only).</summary>
    public string DataReportPath => Path.Combine(Root, Data.Folders.FolderReport.FileName);

    /// <summary>.lock: held by the one process writing the run (see <see cref="RunLock"/>).</summary>
    public string LockPath => Path.Combine(Root, RunLock.FileName);

    /// <summary>status.json: training / finished / interrupted / failed, written by the trainer (<see cref="RunStatus"/>).</summary>
    public string StatusPath => Path.Combine(Root, "status.json");

    /// <summary>samples/image_at_epoch_0001.png, as the tutorial names them.</summary>
    public string SamplePath(int epoch) => Path.Combine(SamplesDir, string.Create(CultureInfo.InvariantCulture, $"image_at_epoch_{epoch:D4}.png"));

    public string CheckpointPath(int index) => Path.Combine(CheckpointsDir, string.Create(CultureInfo.InvariantCulture, $"ckpt-{index}.dcgan"));

    /// <summary>
    /// Whether the folder holds anything besides a lock file and the temporaries of interrupted writes (a run folder must
    /// start empty; a run killed while writing its first config.json leaves only such files, and may start over).
    /// </summary>
    public bool HoldsFiles => Directory.Exists(Root) && Directory.EnumerateFileSystemEntries(Root)
        .Any(e => Path.GetFileName(e) != RunLock.FileName && !(AtomicFile.IsTemporary(e) && File.Exists(e)));

    /// <summary>Whether this looks like a run folder (it has a config.json).</summary>
    public bool IsRun => File.Exists(ConfigPath);

    /// <summary>Checkpoints by index, newest last.</summary>
    public IReadOnlyList<(int Index, string Path)> Checkpoints()
    {
        if (!Directory.Exists(CheckpointsDir))
        {
            return [];
        }
        var found = new List<(int, string)>();
        foreach (string file in Directory.EnumerateFiles(CheckpointsDir, "ckpt-*.dcgan"))
        {
            var m = CheckpointName().Match(Path.GetFileName(file));
            if (m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                found.Add((index, file));
            }
        }
        return found.OrderBy(f => f.Item1).ToList();
    }

    [GeneratedRegex(@"^ckpt-(\d{1,9})\.dcgan$")]
    private static partial Regex CheckpointName();
}
