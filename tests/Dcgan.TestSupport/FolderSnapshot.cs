// What a folder holds, file by file, for tests that prove a command changed nothing in it.
namespace Dcgan.TestSupport;

using System.Security.Cryptography;

/// <summary>Every entry under a folder with its size, write time and (for files) content hash.</summary>
public static class FolderSnapshot
{
    public static SortedDictionary<string, string> Take(string dir)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(path);
            entries[Path.GetRelativePath(dir, path)] = info.Exists
                ? $"{info.Length}|{info.LastWriteTimeUtc.Ticks}|{Hash(path)}"
                : $"folder|{Directory.GetLastWriteTimeUtc(path).Ticks}";
        }
        return entries;
    }

    private static string Hash(string path)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (IOException)
        {
            // .NET cannot open a file another descriptor holds an exclusive flock on (a run's .lock, a file being
            // written): such a file is compared by size and time only.
            return "locked";
        }
    }
}
