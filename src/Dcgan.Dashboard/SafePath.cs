// Containment of served files: a path is resolved through every symbolic link, component by component,
// and must still lie inside the runs folder, so no name or link can reach a file outside it.
namespace Dcgan.Dashboard;

/// <summary>Symlink-resolving path checks (like POSIX realpath, without native calls).</summary>
internal static class SafePath
{
    // The kernel's own limit on links followed in one lookup (Linux ELOOP after 40).
    private const int MaxLinks = 40;

    /// <summary>The path with every symbolic link in it resolved; parts that do not exist are kept as written.</summary>
    public static string Real(string path)
    {
        int links = 0;
        return Real(Path.GetFullPath(path), ref links);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="realRoot"/> or lies below it, after resolving links.</summary>
    public static bool IsInside(string realRoot, string path)
    {
        string real = Real(path);
        string root = Path.TrimEndingDirectorySeparator(realRoot);
        return real == root || real.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string Real(string full, ref int links)
    {
        string root = Path.GetPathRoot(full) ?? "/";
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Join(current, part);
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"too many symbolic links under {next}");
            }
            // A relative link target is relative to the folder holding the link, which is already resolved.
            current = Real(Path.GetFullPath(target, current), ref links);
        }
        return current;
    }
}
