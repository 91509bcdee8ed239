// The one error type of the data layer: a user-facing, single-line message naming the file and the fault,
// so the CLI can print it as-is and exit without a stack trace.
namespace Dcgan.Data;

/// <summary>A problem with a data file or data source that the user can fix (missing, corrupt, unreachable).</summary>
public sealed class DataException : Exception
{
    public DataException(string message)
        : base(OneLine(message))
    {
    }

    public DataException(string message, Exception inner)
        : base(OneLine(message), inner)
    {
    }

    // Messages sometimes embed tool output or OS errors that carry newlines; the CLI prints one line.
    private static string OneLine(string message) =>
        message.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Trim();
}
