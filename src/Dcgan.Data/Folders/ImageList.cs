// The image files of a folder data set and their labels: every PNG, JPEG, BMP, GIF and WebP under the folder,
// recursively, in a fixed order; first-level subfolders are the classes when every image lies inside one of them.
namespace Dcgan.Data.Folders;

using Dcgan.Imaging;

/// <summary>One candidate image: its path under the root, its class, and the size and time that key the cache.</summary>
public sealed record ImageFile(string RelativePath, int Label, long Length, long ModifiedTicks);

/// <summary>The candidate images of a data set, in path order, and the names of their classes.</summary>
public sealed class ImageList
{
    /// <summary>Labels are stored as bytes.</summary>
    public const int MaxClasses = 256;

    public ImageList(string root, IReadOnlyList<ImageFile> files, IReadOnlyList<string> classNames, int otherFiles = 0)
    {
        if (classNames.Count > MaxClasses)
        {
            throw new DataException($"{root}: {classNames.Count} classes (subfolders); at most {MaxClasses} are supported");
        }
        Root = root;
        Files = files;
        ClassNames = classNames;
        OtherFiles = otherFiles;
    }

    /// <summary>The folder the relative paths start from.</summary>
    public string Root { get; }

    public IReadOnlyList<ImageFile> Files { get; }

    /// <summary>Class names by label; empty when the images have no classes (every label is 0).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Files under the root that do not have an image file's extension (not candidates).</summary>
    public int OtherFiles { get; }

    /// <summary>
    /// Every image file under <paramref name="root"/> (hidden files and folders skipped). When every image lies in a
    /// first-level subfolder and there are at least two such subfolders, they are the classes, in ordinal name order;
    /// otherwise the set has no classes.
    /// </summary>
    public static ImageList Scan(string root)
    {
        string full = Path.GetFullPath(root);
        if (File.Exists(full))
        {
            throw new DataException($"{full}: is a file; --data-dir takes a folder of images");
        }
        if (!Directory.Exists(full))
        {
            throw new DataException($"{full}: folder not found");
        }
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            IgnoreInaccessible = true,
            ReturnSpecialDirectories = false,
        };
        var images = new List<(string Relative, FileInfo Info)>();
        int other = 0;
        try
        {
            foreach (string path in Directory.EnumerateFiles(full, "*", options))
            {
                string relative = Path.GetRelativePath(full, path);
                // Dot-named entries are hidden on Unix even without the attribute (.DS_Store, .git/...).
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                {
                    continue;
                }
                if (SquareDecoder.Extensions.Contains(Path.GetExtension(path)))
                {
                    images.Add((relative, new FileInfo(path)));
                }
                else
                {
                    other++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{full}: cannot list the folder ({e.Message})", e);
        }
        images.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));

        static string? TopFolder(string relative) => relative.IndexOf(Path.DirectorySeparatorChar) is int i and > 0 ? relative[..i] : null;
        var tops = images.Select(i => TopFolder(i.Relative)).ToList();
        var classNames = tops.All(t => t is not null) ? tops.Distinct().Order(StringComparer.Ordinal).ToList()! : [];
        if (classNames.Count < 2)
        {
            classNames = [];
        }
        var index = classNames.Select((name, k) => (name, k)).ToDictionary(p => p.name!, p => p.k, StringComparer.Ordinal);
        var files = images.Select((img, n) => new ImageFile(img.Relative, classNames.Count == 0 ? 0 : index[tops[n]!],
            img.Info.Length, img.Info.LastWriteTimeUtc.Ticks)).ToList();
        return new ImageList(full, files, classNames!, other);
    }

    /// <summary>A list of given files (relative to <paramref name="root"/>) with their labels, e.g. from a package's index.</summary>
    public static ImageList FromFiles(string root, IEnumerable<(string RelativePath, int Label)> files, IReadOnlyList<string> classNames)
    {
        string full = Path.GetFullPath(root);
        var list = new List<ImageFile>();
        foreach (var (relative, label) in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            var info = new FileInfo(Path.Combine(full, relative));
            list.Add(new ImageFile(relative, label, info.Exists ? info.Length : -1, info.Exists ? info.LastWriteTimeUtc.Ticks : 0));
        }
        return new ImageList(full, list, classNames);
    }
}
