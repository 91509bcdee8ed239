// The built-in colour data set: the 3,786 64x64 RGBA PNGs of Google's Noto Emoji artwork (Apache-2.0) as the npm
// package emoji-datasource-google 16.0.0 ships them (its index, emoji.json, is MIT), with the package's 10
// categories as classes. Fetched with `npm pack`, checked against the pinned tarball and content checksums, and
// kept unpacked in the cache like the other data sets.
namespace Dcgan.Data.Folders;

using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

/// <summary>Finding, fetching and listing the emoji set.</summary>
public static class EmojiDataset
{
    public const string Name = "emoji";

    /// <summary>The npm package and exact version.</summary>
    public const string Package = "emoji-datasource-google@16.0.0";

    /// <summary>SHA-256 of the package tarball as `npm pack` delivers it.</summary>
    public const string TarballSha256 = "fb5fd131b362aab7a55542d2a147a79708cce0a8b1c1bbacd470172708b5c438";

    /// <summary>
    /// SHA-256 over the unpacked content (see <see cref="ContentDigest"/>): emoji.json and every 64 px image, so a copy
    /// in the cache or a --data-dir can be checked without the tarball.
    /// </summary>
    public const string ContentSha256 = "320141d4aa1b55c29d4d0fae23b95be445594b7e530c0ac09a907e0e26f509e5";

    /// <summary>Images the package has in 64 px.</summary>
    public const int ImageCount = 3786;

    private const string ImageFolder = "img/google/64";
    private const string Index = "emoji.json";

    /// <summary>The cache folder of the unpacked set.</summary>
    public static string CacheDir(DataLocations locations) => Path.Combine(locations.CacheRoot, "datasets", Name);

    /// <summary>
    /// The folder holding emoji.json and img/google/64: the data dir when one is given (it must hold them), else the
    /// cache, fetched into it when missing and <paramref name="fetch"/> is set.
    /// </summary>
    public static string Resolve(DataLocations locations, TextWriter log, bool fetch = true)
    {
        if (locations.DataDir is { } dir)
        {
            foreach (string candidate in new[] { dir, Path.Combine(dir, "package"), Path.Combine(dir, Name) })
            {
                if (IsComplete(candidate))
                {
                    if (ContentDigest(candidate) != ContentSha256)
                    {
                        log.WriteLine($"{Name}: warning: {candidate} is not {Package} as pinned (content checksum differs); using it as it is");
                    }
                    return candidate;
                }
            }
            throw new DataException($"{dir}: no emoji set in the data dir (expected {Index} and {ImageFolder}/ from {Package})");
        }
        string cache = CacheDir(locations);
        if (IsComplete(cache))
        {
            return cache;
        }
        if (!fetch)
        {
            throw new DataException($"{Name}: not found in {cache}; fetch it with `dcgan data fetch --dataset {Name}`");
        }
        log.WriteLine($"{Name}: not found locally, fetching {Package} into {cache}");
        Fetch(cache, log);
        return cache;
    }

    /// <summary>Whether a folder holds the index and the image folder (not whether they check out).</summary>
    public static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, Index)) && Directory.Exists(Path.Combine(folder, ImageFolder));

    /// <summary>Fetches the package, checks the tarball and the unpacked content, and moves it into <paramref name="target"/>.</summary>
    public static void Fetch(string target, TextWriter log)
    {
        string parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var work = Directory.CreateTempSubdirectory("dcgan-emoji-");
        string staging = Path.Combine(parent, $".{Name}.{Guid.NewGuid():N}.part");
        try
        {
            string tarball = NpmPackageSource.Pack(Package, work.FullName, log, TimeSpan.FromMinutes(10));
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tarball)));
            if (actual != TarballSha256)
            {
                throw new DataException($"{Package}: tarball checksum mismatch (sha256 {actual}, expected {TarballSha256})");
            }
            Unpack(tarball, staging);
            string content = ContentDigest(staging);
            if (content != ContentSha256)
            {
                throw new DataException($"{Package}: unpacked content checksum mismatch (sha256 {content}, expected {ContentSha256})");
            }
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }
            Directory.Move(staging, target);
            log.WriteLine($"{Name}: {ImageCount:N0} images verified in {target}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.ComponentModel.Win32Exception)
        {
            throw new DataException($"{Name}: could not fetch {Package}: {e.Message}", e);
        }
        finally
        {
            TryDelete(work.FullName);
            TryDelete(staging);
        }
    }

    /// <summary>
    /// SHA-256 (hex) over emoji.json and every PNG in img/google/64, in ordinal path order: for each file its relative
    /// path, a zero byte, its own SHA-256 in hex and a newline.
    /// </summary>
    public static string ContentDigest(string folder)
    {
        var files = new List<string> { Index };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(folder, ImageFolder), "*.png")
            .Select(p => ImageFolder + "/" + Path.GetFileName(p)));
        files.Sort(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in files)
        {
            string own = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, file))));
            hash.AppendData(Encoding.UTF8.GetBytes($"{file}\0{own}\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Every image with a Google 64 px PNG (skin-tone variations included), labelled by its emoji's category; the
    /// classes are the categories in the package's order.
    /// </summary>
    public static ImageList List(string folder)
    {
        JsonDocument index;
        try
        {
            index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, Index)));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new DataException($"{Path.Combine(folder, Index)}: cannot be read ({e.Message})", e);
        }
        using (index)
        {
            var categories = new List<string>();
            var files = new List<(string, string)>();
            foreach (var emoji in index.RootElement.EnumerateArray())
            {
                string category = emoji.GetProperty("category").GetString() ?? "";
                Add(emoji, category);
                if (emoji.TryGetProperty("skin_variations", out var variations) && variations.ValueKind == JsonValueKind.Object)
                {
                    foreach (var variation in variations.EnumerateObject())
                    {
                        Add(variation.Value, category);
                    }
                }
            }
            // The package's own order of categories (categories.json) where it has one, so labels read as the package lists them.
            string order = Path.Combine(folder, "categories.json");
            if (File.Exists(order))
            {
                try
                {
                    using var listed = JsonDocument.Parse(File.ReadAllBytes(order));
                    var names = listed.RootElement.EnumerateObject().Select(p => p.Name).ToList();
                    categories = [.. names.Where(categories.Contains), .. categories.Where(c => !names.Contains(c))];
                }
                catch (JsonException)
                {
                    // Without a readable order the order of first appearance serves.
                }
            }
            var label = categories.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => p.k);
            var unique = files.DistinctBy(f => f.Item1).Select(f => (f.Item1, label[f.Item2]));
            return ImageList.FromFiles(folder, unique, categories);

            void Add(JsonElement entry, string category)
            {
                if (entry.TryGetProperty("has_img_google", out var has) && has.ValueKind == JsonValueKind.True
                    && entry.TryGetProperty("image", out var image) && image.GetString() is { Length: > 0 } name)
                {
                    if (!categories.Contains(category))
                    {
                        categories.Add(category);
                    }
                    files.Add((ImageFolder + "/" + name, category));
                }
            }
        }
    }

    private static void Unpack(string tarball, string staging)
    {
        Directory.CreateDirectory(Path.Combine(staging, ImageFolder));
        using var input = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        const string prefix = "package/";
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !entry.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            string relative = entry.Name[prefix.Length..];
            bool wanted = relative is Index or "categories.json" or "LICENSE"
                || (relative.StartsWith(ImageFolder + "/", StringComparison.Ordinal) && relative.EndsWith(".png", StringComparison.Ordinal)
                    && !relative[(ImageFolder.Length + 1)..].Contains('/'));
            if (wanted)
            {
                entry.ExtractToFile(Path.Combine(staging, relative), overwrite: false);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
