// Where a command will write, checked before any work: an output that cannot be written (a read-only file system, a
// folder without write permission, a file in the way) is bad input, one line naming the user's path and exit 2, not
// an I/O failure after minutes of training, drawing or measuring.
namespace Dcgan.Cli.Commands;

using System.Runtime.InteropServices;

/// <summary>Whether new files can be made in a folder, asked of the kernel without writing anything.</summary>
public static partial class OutputFolder
{
    /// <summary>
    /// Why files cannot be created in <paramref name="folder"/> (or, when it does not exist yet, in the nearest folder
    /// above it, where it would be created), or null when they can. Uses access(2) on Linux, which knows read-only file
    /// systems, permissions and ACLs and creates nothing; elsewhere only a file in the way is found here, and the write
    /// itself reports the rest.
    /// </summary>
    public static string? Problem(string folder)
    {
        string? existing = Path.GetFullPath(folder);
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"{existing} is a file, not a folder";
            }
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null || !OperatingSystem.IsLinux())
        {
            return null;
        }
        const int writeAndSearch = 2 | 1; // W_OK | X_OK
        int result;
        do
        {
            result = Access(existing, writeAndSearch);
        }
        while (result != 0 && Marshal.GetLastPInvokeError() == Interrupted);
        if (result == 0)
        {
            return null;
        }
        string reason = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return existing == Path.GetFullPath(folder) ? reason : $"{reason} ({existing})";
    }

    private const int Interrupted = 4;

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
