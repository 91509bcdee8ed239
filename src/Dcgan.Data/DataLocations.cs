// Where data sets are looked for, injectable so tests never read the real home folder. Defaults follow the XDG
// base-directory convention for the cache and Keras's own cache layout (~/.keras/datasets) for known copies.
namespace Dcgan.Data;

/// <summary>Search roots: an explicit data folder, Dcgan's cache, and folders other tools fill.</summary>
public sealed class DataLocations
{
    /// <summary>A folder (or .npz file) the user named; when set, the data set must be there.</summary>
    public string? DataDir { get; init; }

    /// <summary>Dcgan's cache; data sets live in CacheRoot/datasets/NAME/.</summary>
    public required string CacheRoot { get; init; }

    /// <summary>Folders holding NAME/ (IDX files) or NAME.npz, searched in order after the cache.</summary>
    public IReadOnlyList<string> KnownRoots { get; init; } = [];

    /// <summary>The cache folder of one data set, where fetched files go.</summary>
    public string DatasetCacheDir(DatasetSpec spec) => Path.Combine(CacheRoot, "datasets", spec.Name);

    /// <summary>Locations from this process's environment and home folder.</summary>
    public static DataLocations FromEnvironment(string? dataDir = null) =>
        From(dataDir, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// Locations from a given environment and home: cache is $DCGAN_CACHE, else $XDG_CACHE_HOME/dcgan, else
    /// HOME/.cache/dcgan; known roots are Keras's datasets folder ($KERAS_HOME or HOME/.keras) and /usr/share/datasets.
    /// </summary>
    public static DataLocations From(string? dataDir, Func<string, string?> environment, string home)
    {
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;
        string cache = Env("DCGAN_CACHE")
            ?? (Env("XDG_CACHE_HOME") is { } xdg ? Path.Combine(xdg, "dcgan") : Path.Combine(home, ".cache", "dcgan"));
        string keras = Env("KERAS_HOME") ?? Path.Combine(home, ".keras");
        return new DataLocations
        {
            DataDir = string.IsNullOrWhiteSpace(dataDir) ? null : dataDir,
            CacheRoot = cache,
            KnownRoots = [Path.Combine(keras, "datasets"), "/usr/share/datasets"],
        };
    }
}
