// Finds a data set by name in a fixed order (explicit data dir, Dcgan's cache, folders other tools fill such as
// Keras's cache and Debian's /usr/share/datasets) and falls back to fetching it into the cache.
namespace Dcgan.Data;

/// <summary>Finds, fetches and loads data sets by name.</summary>
public sealed class DatasetResolver
{
    private readonly DatasetFetcher _fetcher;

    public DatasetResolver(DataLocations locations, DatasetFetcher? fetcher = null)
    {
        Locations = locations;
        _fetcher = fetcher ?? new DatasetFetcher();
    }

    public DataLocations Locations { get; }

    /// <summary>
    /// Every place searched, in order, with what was found there; the first complete one wins. Incomplete IDX
    /// folders are listed with what they lack, so `data info` can explain why a folder was passed over.
    /// </summary>
    public IReadOnlyList<(string Place, DatasetLocation? Found, string? Note)> Search(DatasetSpec spec)
    {
        var places = new List<(string, DatasetLocation?, string?)>();
        if (Locations.DataDir is { } dataDir)
        {
            if (dataDir.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) && File.Exists(dataDir))
            {
                places.Add((dataDir, DatasetLocation.Npz(spec, dataDir, "data dir"), null));
                return places;
            }
            AddFolder(places, spec, dataDir, "data dir");
            AddFolder(places, spec, Path.Combine(dataDir, spec.Name), "data dir");
            string named = Path.Combine(dataDir, spec.Name + ".npz");
            if (File.Exists(named))
            {
                places.Add((named, DatasetLocation.Npz(spec, named, "data dir"), null));
            }
            if (Directory.Exists(dataDir) && !places.Any(p => p.Item2 is not null))
            {
                // A folder holding a single archive under any name (e.g. a renamed Keras download) is unambiguous.
                string[] archives = Directory.GetFiles(dataDir, "*.npz");
                if (archives.Length == 1)
                {
                    places.Add((archives[0], DatasetLocation.Npz(spec, archives[0], "data dir"), null));
                }
            }
            // An explicit folder is the user's choice: do not silently use some other copy.
            return places;
        }
        AddFolder(places, spec, Locations.DatasetCacheDir(spec), "cache");
        foreach (string root in Locations.KnownRoots)
        {
            AddFolder(places, spec, Path.Combine(root, spec.Name), "known location");
            string npz = Path.Combine(root, spec.Name + ".npz");
            if (File.Exists(npz))
            {
                places.Add((npz, DatasetLocation.Npz(spec, npz, "known location"), null));
            }
        }
        return places;
    }

    /// <summary>The first complete copy, or null.</summary>
    public DatasetLocation? Find(DatasetSpec spec) => Search(spec).Select(p => p.Found).FirstOrDefault(f => f is not null);

    /// <summary>
    /// The first complete copy; if none and <paramref name="fetch"/>, fetches into the cache. Throws DataException
    /// when an explicit data dir lacks the set or nothing could be found or fetched.
    /// </summary>
    public DatasetLocation Resolve(DatasetSpec spec, TextWriter log, bool fetch = true)
    {
        if (Find(spec) is { } found)
        {
            return found;
        }
        if (Locations.DataDir is { } dataDir)
        {
            if (!Directory.Exists(dataDir) && !File.Exists(dataDir))
            {
                throw new DataException($"{dataDir}: data dir not found");
            }
            string why = Search(spec).Select(p => p.Note).FirstOrDefault(n => n is not null) ?? "no IDX files (raw or .gz) or .npz archive";
            throw new DataException($"{dataDir}: {spec.Name} not found in the data dir: {why}");
        }
        if (!fetch)
        {
            throw new DataException($"{spec.Name}: not found in {Locations.DatasetCacheDir(spec)} or {string.Join(", ", Locations.KnownRoots)}; fetch it with `dcgan data fetch --dataset {spec.Name}`");
        }
        string target = Locations.DatasetCacheDir(spec);
        log.WriteLine($"{spec.Name}: not found locally, fetching into {target}");
        _fetcher.Fetch(spec, target, log);
        return DatasetLocation.Idx(spec, target, "cache", out _)
            ?? throw new DataException($"{target}: fetch of {spec.Name} finished but the files are not all there");
    }

    /// <summary>Resolves (fetching if needed) and loads one split of a data set by name.</summary>
    public ImageDataset Load(string name, DataSplit split, TextWriter log, bool fetch = true, bool verify = true)
    {
        DatasetSpec spec = DatasetSpec.Get(name);
        DatasetLocation location = Resolve(spec, log, fetch);
        return location.Load(split, log, verify);
    }

    private static void AddFolder(List<(string, DatasetLocation?, string?)> places, DatasetSpec spec, string folder, string origin)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        DatasetLocation? found = DatasetLocation.Idx(spec, folder, origin, out IReadOnlyList<string> missing);
        if (found is not null)
        {
            places.Add((folder, found, null));
        }
        else if (missing.Count > 0)
        {
            places.Add((folder, null, $"incomplete, missing {string.Join(", ", missing)}"));
        }
    }
}
