// The console's writers made to survive losing their terminal: once the terminal is closed (SIGHUP), every write to it
// fails with an I/O error, and a progress line must not be what stops training before its checkpoint is written.
namespace Dcgan.Cli;

using System.Text;

/// <summary>Forwards to a console writer; after its first I/O error it drops what is written instead of throwing.</summary>
public sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    private volatile bool _lost;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>True once a write failed: the terminal is gone, and output since then was dropped.</summary>
    public bool Lost => _lost;

    public override void Write(char value) => Try(() => inner.Write(value));

    public override void Write(string? value) => Try(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Try(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

    public override void Flush() => Try(inner.Flush);

    private void Try(Action write)
    {
        if (_lost)
        {
            return;
        }
        try
        {
            write();
        }
        catch (IOException)
        {
            _lost = true;
        }
    }
}
