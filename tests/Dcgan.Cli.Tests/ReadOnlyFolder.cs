// Makes a folder unwritable for a test, as a user's read-only file system or someone else's folder would be: its mode
// loses the write bits, and where that does not stop the process (root writes through permissions) the folder is
// bind-mounted read-only over itself. Undone on dispose.
namespace Dcgan.Cli.Tests;

using System.Diagnostics;

/// <summary>A folder that nothing can be written into until disposed; <see cref="Works"/> false where that cannot be made.</summary>
public sealed class ReadOnlyFolder : IDisposable
{
    private readonly string _path;
    private readonly UnixFileMode _mode;
    private readonly bool _mounted;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public ReadOnlyFolder(string path)
    {
        _path = path;
        _mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        if (Writable(path))
        {
            _mounted = Command("mount", "--bind", path, path);
            if (_mounted && !Command("mount", "-o", "remount,bind,ro", path))
            {
                Command("umount", path);
                _mounted = false;
            }
        }
        Works = !Writable(path);
    }

    /// <summary>Whether the folder really refuses writes here.</summary>
    public bool Works { get; }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Dispose()
    {
        if (_mounted)
        {
            Command("umount", _path);
        }
        File.SetUnixFileMode(_path, _mode);
    }

    /// <summary>Whether a file can be created (and is removed again) in <paramref name="folder"/>.</summary>
    internal static bool Writable(string folder)
    {
        string probe = Path.Combine(folder, ".probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Runs a program quietly; whether it started and exited with 0.</summary>
    internal static bool Command(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
