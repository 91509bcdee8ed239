// Fetch source for data shipped as a Debian package (dataset-fashion-mnist installs /usr/share/datasets/
// fashion-mnist/*.gz): uses the installed folder when present, otherwise `apt-get download` plus `dpkg-deb -x`
// into a temp folder, which needs no root.
namespace Dcgan.Data;

/// <summary>Copies standard files from an installed or downloaded-and-unpacked Debian package.</summary>
public sealed class DebianPackageSource : FetchSource
{
    private readonly string _package;
    private readonly string _installedFolder;
    private readonly TimeSpan _timeout;
    private DirectoryInfo? _work;
    private string? _unpackedFolder;

    /// <param name="package">Package name, e.g. "dataset-fashion-mnist".</param>
    /// <param name="installedFolder">Absolute folder the package installs the files into.</param>
    public DebianPackageSource(string package, string installedFolder, TimeSpan? timeout = null)
    {
        _package = package;
        _installedFolder = installedFolder;
        _timeout = timeout ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Fashion-MNIST as packaged by Debian.</summary>
    public static DebianPackageSource FashionMnist() => new("dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist");

    public override string Description => $"Debian package {_package}";

    public override bool TryCopy(DataFile file, Stream destination, TextWriter log)
    {
        if (Directory.Exists(_installedFolder) && TryCopyFromFolder(_installedFolder, file, destination, log))
        {
            return true;
        }
        return TryCopyFromFolder(Unpacked(log), file, destination, log);
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

    private string Unpacked(TextWriter log)
    {
        if (_unpackedFolder is not null)
        {
            return _unpackedFolder;
        }
        _work = Directory.CreateTempSubdirectory("dcgan-deb-");
        if (!OperatingSystem.IsWindows())
        {
            // apt drops to its unprivileged _apt user for downloads, which must be able to write here.
            File.SetUnixFileMode(_work.FullName, (UnixFileMode)0x1FF);
        }
        log.WriteLine($"running apt-get download {_package} ...");
        log.Flush();
        ProcessRunner.Run("apt-get", ["download", _package], _work.FullName, _timeout);
        string[] debs = Directory.GetFiles(_work.FullName, "*.deb");
        if (debs.Length != 1)
        {
            throw new DataException($"apt-get download {_package}: expected one .deb in {_work.FullName}, found {debs.Length}");
        }
        string root = Path.Combine(_work.FullName, "root");
        Directory.CreateDirectory(root);
        ProcessRunner.Run("dpkg-deb", ["-x", debs[0], root], _work.FullName, _timeout);
        _unpackedFolder = Path.Combine(root, _installedFolder.TrimStart('/'));
        if (!Directory.Exists(_unpackedFolder))
        {
            throw new DataException($"{debs[0]}: package has no {_installedFolder} folder");
        }
        return _unpackedFolder;
    }
}
