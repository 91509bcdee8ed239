// Progress of downloads and copies (bytes) or of decoding (items): a redrawn text bar on a terminal, and only a few
// plain lines (quarters) when the output is a log or a pipe, where carriage returns would turn into noise.
namespace Dcgan.Data;

/// <summary>Reports progress of one transfer to a TextWriter.</summary>
public sealed class ProgressBar
{
    private const int BarWidth = 30;
    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly long _total;
    private readonly bool _interactive;
    private readonly string? _unit;
    private int _lastShown = -1;
    private long _lastTick;

    /// <param name="total">Expected bytes (or items), or -1 when unknown.</param>
    /// <param name="interactive">Redraw in place; null decides by whether the writer is the console on a terminal.</param>
    /// <param name="unit">Counts items of this name (e.g. "images") instead of bytes.</param>
    public ProgressBar(TextWriter writer, string label, long total, bool? interactive = null, string? unit = null)
    {
        _writer = writer;
        _label = label;
        _total = total;
        _interactive = interactive ?? IsTerminal(writer);
        _unit = unit;
    }

    /// <summary>True when the writer is the process's console output and that output is a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
        || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Records that <paramref name="done"/> bytes have been transferred.</summary>
    public void Report(long done)
    {
        if (_interactive)
        {
            // Redrawing every read would spend more time on the terminal than on the transfer.
            long now = Environment.TickCount64;
            if (now - _lastTick < 100)
            {
                return;
            }
            _lastTick = now;
            _writer.Write("\r" + Render(done));
            _writer.Flush();
        }
        else if (_total > (_unit is null ? 4 << 20 : 1000))
        {
            int quarter = (int)Math.Min(3, 4 * done / _total);
            if (quarter > _lastShown && quarter > 0)
            {
                _lastShown = quarter;
                _writer.WriteLine($"  {_label}: {quarter * 25}% ({Amount(done)} of {Amount(_total)})");
            }
        }
    }

    /// <summary>Ends the display with a final line.</summary>
    public void Finish(long done)
    {
        if (_interactive)
        {
            _writer.WriteLine("\r" + Render(done));
        }
        else
        {
            _writer.WriteLine($"  {_label}: done ({Amount(done)})");
        }
        _writer.Flush();
    }

    private string Render(long done)
    {
        if (_total <= 0)
        {
            return $"  {_label} {Amount(done)}";
        }
        double fraction = Math.Clamp((double)done / _total, 0, 1);
        int filled = (int)(fraction * BarWidth);
        return $"  {_label} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:0}% {Amount(done)} of {Amount(_total)}";
    }

    private string Amount(long count) => _unit is null ? Megabytes(count) : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count:N0} {_unit}");

    private static string Megabytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:0.0} MB" : $"{bytes / 1024.0:0.0} KB";
}
