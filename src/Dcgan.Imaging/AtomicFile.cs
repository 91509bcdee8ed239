// Atomic file replacement: write everything to a temporary sibling, flush it to disk, then rename over
// the target, so a crash or a concurrent reader never sees a half-written picture or report.
namespace Dcgan.Imaging;

/// <summary>Writes files so that readers see either the old content or the complete new content.</summary>
public static class AtomicFile
{
    /// <summary>How the temporary file of a write ends; one left behind means the write was interrupted.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Whether <paramref name="path"/> names a temporary file of an interrupted write (never data).</summary>
    public static bool IsTemporary(string path) => path.EndsWith(TemporarySuffix, StringComparison.Ordinal);

    /// <summary>Runs <paramref name="write"/> against a temporary file next to <paramref name="path"/>, then renames it into place.</summary>
    /// <exception cref="IOException">The file could not be written; the message names <paramref name="path"/>, never the temporary file.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        // Same directory as the target: a rename within one file system is atomic, across file systems it is a copy.
        string temp = full + "." + Guid.NewGuid().ToString("N") + TemporarySuffix;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            // The temporary name means nothing to the user: name the file they asked for, keep the system's reason.
            string message = $"cannot write {path}: {e.Message.Replace(temp, full, StringComparison.Ordinal)}";
            throw e is UnauthorizedAccessException ? new UnauthorizedAccessException(message, e) : new IOException(message, e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        // Spans cannot be captured by the lambda, so copy once; files written here are small.
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy, 0, copy.Length));
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="text"/> as UTF-8 without a byte order mark.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(text);
        });
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
