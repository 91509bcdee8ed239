// One writer per run folder: train, train --resume and each experiment variant hold an exclusive flock(2) on the
// folder's .lock file for the run's whole life. The kernel drops it when the process ends, kill -9 included, so a
// lock is never stale; readers (serve, generate, evaluate) never take it.
namespace Dcgan.Training;

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

/// <summary>
/// An exclusive lock on a folder, released by <see cref="Dispose"/> or by the process ending. The holder's pid is
/// written into the lock file so a refused writer can name it.
/// </summary>
/// <remarks>
/// On Linux the lock is flock(2) called through libc on a file opened through libc. FileShare.None would also take
/// flock, but .NET takes a shared flock for every other FileStream too, so a second process could not even open the
/// file to read the holder's pid. Elsewhere a FileShare.None stream is the lock (exclusive on Windows), without the pid.
/// </remarks>
public sealed partial class RunLock : IDisposable
{
    /// <summary>The lock file's name inside the folder (it stays after the run; an unlocked one means nothing).</summary>
    public const string FileName = ".lock";

    // The pid is written as a fixed-width record, so a shorter pid never leaves digits of a longer one behind.
    private const int RecordBytes = 16;

    // How long a lock that only a copy of one of this process's own descriptors holds is waited for (see OwnCopy).
    private static readonly TimeSpan CopyWait = TimeSpan.FromSeconds(5);

    // The folders this process holds the lock of now, with how many times (a second Acquire here is refused at once).
    private static readonly Dictionary<string, int> HeldHere = [];

    private readonly SafeFileHandle? _handle;
    private readonly FileStream? _stream;
    private readonly string _root;
    private int _disposed;

    private RunLock(string root, SafeFileHandle? handle, FileStream? stream)
    {
        _root = root;
        _handle = handle;
        _stream = stream;
        lock (HeldHere)
        {
            HeldHere[root] = HeldHere.GetValueOrDefault(root) + 1;
        }
    }

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (creating the folder if needed), or throws
    /// <see cref="RunInUseException"/> naming the holder without changing anything in the folder.
    /// </summary>
    public static RunLock Acquire(string folder)
    {
        string root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        string path = Path.Combine(root, FileName);
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                stream.Write(Record(Environment.ProcessId));
                stream.Flush();
                return new RunLock(root, null, stream);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new RunInUseException(root, null);
            }
        }
        var handle = OpenLinux(path, create: true) ?? throw new IOException($"cannot create {path}");
        try
        {
            if (!TryFlockUnlessHeld(handle, root, path, LockExclusive))
            {
                throw new RunInUseException(root, ReadPid(handle));
            }
            RandomAccess.Write(handle, Record(Environment.ProcessId), 0);
            return new RunLock(root, handle, null);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws <see cref="RunInUseException"/> when a process holds <paramref name="folder"/>'s lock right now; creates
    /// nothing. For a friendly early error; only <see cref="Acquire"/> makes a writer the only one.
    /// </summary>
    public static void ThrowIfInUse(string folder)
    {
        string root = Path.GetFullPath(folder);
        string path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            return;
        }
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new RunInUseException(root, null);
            }
            return;
        }
        // A shared lock only conflicts with a writer's exclusive one; it is dropped when the handle closes below.
        using var handle = OpenLinux(path, create: false);
        if (handle is not null && !TryFlockUnlessHeld(handle, root, path, LockShared))
        {
            throw new RunInUseException(root, ReadPid(handle));
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Closing the descriptor drops the flock.
        _handle?.Dispose();
        _stream?.Dispose();
        lock (HeldHere)
        {
            if (HeldHere[_root] == 1)
            {
                HeldHere.Remove(_root);
            }
            else
            {
                HeldHere[_root]--;
            }
        }
    }

    /// <summary>
    /// flock, waiting a little when the lock is held only by a copy of a descriptor of this process's own: a lock file
    /// naming this process while no lock of this process holds it. A child being started (Process.Start: fork, then
    /// exec) gets a copy of every descriptor, and keeps a released lock until its exec closes them, which takes longer
    /// the more memory the parent has mapped (tens of milliseconds for a few GB). A writer started right after another
    /// in the same process (a resume after a run, an experiment's next variant, tests) would otherwise be refused.
    /// </summary>
    private static bool TryFlockUnlessHeld(SafeFileHandle handle, string root, string path, int operation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!TryFlock(handle, path, operation))
        {
            bool heldHere;
            lock (HeldHere)
            {
                heldHere = HeldHere.ContainsKey(root);
            }
            if (heldHere || clock.Elapsed > CopyWait || ReadPid(handle) != Environment.ProcessId)
            {
                return false;
            }
            Thread.Sleep(10);
        }
        return true;
    }

    private static byte[] Record(int pid) => Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture).PadRight(RecordBytes - 1) + "\n");

    /// <summary>The pid in the lock file; null when it cannot be read (the holder is between its lock and its write).</summary>
    private static int? ReadPid(SafeFileHandle handle)
    {
        var buffer = new byte[RecordBytes];
        for (int attempt = 0; attempt < 20; attempt++)
        {
            int read = RandomAccess.Read(handle, buffer, 0);
            if (int.TryParse(Encoding.ASCII.GetString(buffer, 0, read).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0)
            {
                return pid;
            }
            Thread.Sleep(10);
        }
        return null;
    }

    // flock(2) operations and errno values (the same on every Linux architecture).
    private const int LockShared = 1;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int WouldBlock = 11;
    private const int Interrupted = 4;
    private const int NoSuchFile = 2;

    private static bool TryFlock(SafeFileHandle handle, string path, int operation)
    {
        while (true)
        {
            if (Flock((int)handle.DangerousGetHandle(), operation | LockNonBlocking) == 0)
            {
                return true;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == WouldBlock)
            {
                return false;
            }
            if (errno != Interrupted)
            {
                throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }

    /// <summary>open(2) read-write, close-on-exec, never through a symbolic link; null when the file is missing and not to be created.</summary>
    private static SafeFileHandle? OpenLinux(string path, bool create)
    {
        const int readWrite = 0x2, createFlag = 0x40, closeOnExec = 0x80000;
        // O_NOFOLLOW differs between architectures: 0x8000 on ARM, 0x20000 on x86.
        int noFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
        int flags = readWrite | closeOnExec | noFollow | (create ? createFlag : 0);
        int fd;
        do
        {
            fd = Open(path, flags, Convert.ToInt32("644", 8));
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == NoSuchFile && !create)
            {
                return null;
            }
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
