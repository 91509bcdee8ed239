// A place the fetcher can copy standard data files from (a web mirror, a package, a folder). Sources only
// supply bytes; the fetcher verifies them and decides whether they count, so a source is never trusted.
namespace Dcgan.Data;

/// <summary>Supplies standard IDX files (raw or gzip) for a data set.</summary>
public abstract class FetchSource : IDisposable
{
    /// <summary>Where the files come from, for messages.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Writes <paramref name="file"/> (raw or gzip form) into <paramref name="destination"/>; false when this source
    /// does not have it. Throws when the source as a whole is unusable (unreachable, client missing), so the fetcher
    /// moves on to the next one without trying the remaining files here.
    /// </summary>
    public abstract bool TryCopy(DataFile file, Stream destination, TextWriter log);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Copies a stream, reporting progress; returns the byte count.</summary>
    protected static long CopyWithProgress(Stream source, Stream destination, long total, string label, TextWriter log)
    {
        var bar = new ProgressBar(log, label, total);
        byte[] buffer = new byte[1 << 16];
        long done = 0;
        int n;
        while ((n = source.Read(buffer)) > 0)
        {
            destination.Write(buffer, 0, n);
            done += n;
            bar.Report(done);
        }
        bar.Finish(done);
        return done;
    }

    /// <summary>Copies the raw or .gz form of a standard file from a folder, if there.</summary>
    protected static bool TryCopyFromFolder(string folder, DataFile file, Stream destination, TextWriter log)
    {
        foreach (string name in new[] { file.FileName, file.FileName + ".gz" })
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                CopyWithProgress(input, destination, input.Length, name, log);
                return true;
            }
        }
        return false;
    }
}
