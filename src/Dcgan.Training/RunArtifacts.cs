// Everything a run leaves for people to look at: metrics.jsonl, the per-epoch grids, the GIF, the
// loss and histogram plots and the HTML report. Each file is written atomically.
namespace Dcgan.Training;

using System.Globalization;
using System.Text;
using Dcgan.Imaging;

/// <summary>Writes a run folder's human-facing files.</summary>
public sealed partial class RunArtifacts
{
    private readonly RunFolder _run;
    private readonly TrainConfig _config;

    public RunArtifacts(RunFolder run, TrainConfig config)
    {
        _run = run;
        _config = config;
        Directory.CreateDirectory(run.Root);
    }

    /// <summary>status.json: what the run is doing now (<see cref="RunStatus"/>), for dashboards.</summary>
    public void WriteStatus(RunState state, int epochsDone, string? message = null) => new RunStatus
    {
        State = state, EpochsDone = epochsDone, Epochs = _config.Epochs, Pid = Environment.ProcessId, Updated = DateTimeOffset.UtcNow, Detail = message,
    }.Write(_run.StatusPath);

    /// <summary>config.json: every setting, the seed and the program version.</summary>
    public void WriteConfig() => AtomicFile.WriteAllText(_run.ConfigPath, _config.ToFileText());

    /// <summary>Rewrites metrics.jsonl from the checkpoint's history, so a resumed run holds each epoch once.</summary>
    public void RewriteMetrics(IReadOnlyList<EpochMetrics> history)
    {
        var sb = new StringBuilder();
        foreach (var m in history)
        {
            sb.Append(m.ToJsonLine()).Append('\n');
        }
        AtomicFile.WriteAllText(_run.MetricsPath, sb.ToString());
    }

    /// <summary>Appends one epoch's line (flushed to disk before returning).</summary>
    public void AppendMetrics(EpochMetrics metrics)
    {
        using var stream = new FileStream(_run.MetricsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(metrics.ToJsonLine() + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// samples/image_at_epoch_NNNN.png: the fixed-noise images with the run's channels; gray tiles each scaled to their
    /// own range as in the tutorial, colour tiles in their true colours (<see cref="SampleGrid.ScalingForChannels"/>).
    /// </summary>
    public void WriteEpochGrid(int epoch, ReadOnlySpan<float> images, int count, int rows, int cols, int height, int width, int channels)
    {
        var grid = SampleGrid.Compose(images, count, height, width, channels, rows, cols, SampleGrid.ScalingForChannels(channels));
        ImageFiles.WritePng(_run.SamplePath(epoch), grid);
    }

    /// <summary>A near-square grid (4 x 4 for 16 images) of images with <paramref name="channels"/> channels.</summary>
    public static Raster ComposeGrid(ReadOnlySpan<float> images, int count, int height, int width, int channels, GridScaling scaling = GridScaling.PerTileMinMax)
    {
        var (rows, cols) = SampleGrid.SquareLayout(count);
        return SampleGrid.Compose(images, count, height, width, channels, rows, cols, scaling);
    }

    /// <summary>progress.gif: every epoch's grid in order, the last one shown once more, looping.</summary>
    public void WriteGif(int epochs)
    {
        var frames = new List<Raster>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            string path = _run.SamplePath(epoch);
            if (!File.Exists(path))
            {
                continue;
            }
            frames.Add(ImageFiles.ReadImage(path));
        }
        if (frames.Count == 0 || frames.Any(f => f.Width != frames[0].Width || f.Height != frames[0].Height || f.Channels != frames[0].Channels))
        {
            return;
        }
        frames.Add(frames[^1]);
        ImageFiles.WriteGif(_run.GifPath, frames, delayCentiseconds: 30);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
