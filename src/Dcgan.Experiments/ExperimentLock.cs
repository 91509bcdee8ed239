// Exclusive locks inside an experiment folder (DIR/.locks/<name>.lock): one process per variant, one report writer
// at a time, when Slurm array tasks and an in-process run share the folder. An open file with FileShare.None is an
// advisory flock(2) on Linux, released by the kernel when its process ends, so a killed task never leaves it held.
namespace Dcgan.Experiments;

/// <summary>A held lock; dispose to release it.</summary>
internal sealed class ExperimentLock : IDisposable
{
    public const string Folder = ".locks";

    private readonly FileStream _file;

    private ExperimentLock(FileStream file) => _file = file;

    /// <summary>Takes DIR/.locks/<paramref name="name"/>.lock, waiting up to <paramref name="wait"/>; null when another process keeps it.</summary>
    public static ExperimentLock? TryTake(string root, string name, TimeSpan wait)
    {
        string dir = Path.Combine(root, Folder);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name + ".lock");
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new ExperimentLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
