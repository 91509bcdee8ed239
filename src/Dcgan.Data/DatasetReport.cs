// The text of `dcgan data info`: for each known data set, where it was found (or that it was not), image counts
// and sizes, and whether each file's content matches the pinned SHA-256.
namespace Dcgan.Data;

/// <summary>Builds the human-readable data status report.</summary>
public static class DatasetReport
{
    /// <summary>Report lines for every known data set (or only <paramref name="name"/>); never throws for bad files.</summary>
    public static IReadOnlyList<string> Lines(DataLocations locations, string? name = null)
    {
        var resolver = new DatasetResolver(locations);
        var lines = new List<string>();
        IEnumerable<DatasetSpec> specs = name is null ? DatasetSpec.All : [DatasetSpec.Get(name)];
        foreach (DatasetSpec spec in specs)
        {
            IReadOnlyList<(string Place, DatasetLocation? Found, string? Note)> search = resolver.Search(spec);
            DatasetLocation? location = search.Select(s => s.Found).FirstOrDefault(f => f is not null);
            if (location is null)
            {
                lines.Add($"{spec.Name}: not found (searched {string.Join(", ", Searched(locations, spec))}); `dcgan data fetch --dataset {spec.Name}` puts it in {locations.DatasetCacheDir(spec)}");
                foreach ((string place, _, string? note) in search.Where(s => s.Note is not null))
                {
                    lines.Add($"  {place}: {note}");
                }
                continue;
            }
            lines.Add($"{spec.Name}: {location.Description}");
            IReadOnlyList<FileCheck> checks = location.Verify();
            string? lastDetail = null;
            foreach (FileCheck check in checks)
            {
                if (check.Detail is not null && check.Detail == lastDetail)
                {
                    continue;
                }
                lastDetail = check.Detail;
                string file = location.IsNpz ? $"{Path.GetFileName(check.Path)}[{check.File.NpzMember}]" : Path.GetFileName(check.Path);
                lines.Add(check.Detail is null
                    ? $"  {file,-32} {check.Shape,-12} sha256 {check.Status}"
                    : $"  {file,-32} error: {check.Detail}");
            }
            bool allOk = checks.All(c => c.Status == "ok");
            lines.Add(allOk ? "  all files match the pinned checksums" : "  warning: not every file matches the pinned checksums");
        }
        return lines;
    }

    private static IEnumerable<string> Searched(DataLocations locations, DatasetSpec spec)
    {
        if (locations.DataDir is not null)
        {
            return [locations.DataDir];
        }
        return [locations.DatasetCacheDir(spec), .. locations.KnownRoots.Select(r => Path.Combine(r, spec.Name) + "[.npz]")];
    }
}
