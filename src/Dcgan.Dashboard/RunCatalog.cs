// The runs a dashboard may show: the run folders directly under its folder (or that folder itself when it
// is a run), looked up only by validated names and only inside the folder, links resolved.
namespace Dcgan.Dashboard;

using System.Text.RegularExpressions;
using Dcgan.Training;

/// <summary>Validated, contained access to the run folders under one root.</summary>
internal sealed partial class RunCatalog
{
    public RunCatalog(string runsDir)
    {
        Root = Path.GetFullPath(runsDir);
    }

    /// <summary>The folder as given (absolute).</summary>
    public string Root { get; }

    /// <summary>The folder with links resolved; recomputed because it may be created after the server starts.</summary>
    public string RealRoot => SafePath.Real(Root);

    /// <summary>True when the root is itself a run folder (train --serve), which is then the only run.</summary>
    public bool IsSingleRun => File.Exists(Path.Combine(Root, "config.json"));

    /// <summary>Names of the runs, newest change first.</summary>
    public IReadOnlyList<string> Names()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }
        if (IsSingleRun)
        {
            return [SingleRunName];
        }
        string realRoot = RealRoot;
        var runs = new List<(string Name, DateTime Changed)>();
        foreach (var dir in new DirectoryInfo(Root).EnumerateDirectories())
        {
            if (!ValidName().IsMatch(dir.Name) || !SafePath.IsInside(realRoot, dir.FullName) || !File.Exists(Path.Combine(dir.FullName, "config.json")))
            {
                continue;
            }
            runs.Add((dir.Name, RunReader.LastChange(new RunFolder(dir.FullName))));
        }
        return runs.OrderByDescending(r => r.Changed).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Name).ToList();
    }

    /// <summary>The run called <paramref name="name"/>; 400 for a malformed name, 404 when there is no such run here.</summary>
    public RunFolder Open(string name)
    {
        if (!ValidName().IsMatch(name))
        {
            throw ApiException.BadRequest("run names are letters, digits, '.', '_' and '-' (at most 128, not starting with '.' or '-')");
        }
        string path = IsSingleRun
            ? (name == SingleRunName ? Root : throw ApiException.NotFound($"no run '{name}' here (this dashboard serves the run '{SingleRunName}')"))
            : Path.Join(Root, name);
        if (!Directory.Exists(path) || !SafePath.IsInside(RealRoot, path))
        {
            throw ApiException.NotFound($"no run '{name}' in {Root}");
        }
        var run = new RunFolder(path);
        if (!run.IsRun)
        {
            throw ApiException.NotFound($"'{name}' is not a run folder (no config.json)");
        }
        return run;
    }

    /// <summary>
    /// A file of <paramref name="run"/> to serve: it must exist, be a regular file, and resolve to a place
    /// inside the root; anything else is a 404 naming only the run-relative path.
    /// </summary>
    public string ServedFile(string path, string what)
    {
        if (!File.Exists(path) || !SafePath.IsInside(RealRoot, path))
        {
            throw ApiException.NotFound($"{what} not found");
        }
        return path;
    }

    private string SingleRunName => ValidName().IsMatch(Path.GetFileName(Root)) ? Path.GetFileName(Root) : "run";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ValidName();
}
