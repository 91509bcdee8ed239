// Fetch source that copies from a local folder (an unpacked download, a shared drive, a test fixture).
namespace Dcgan.Data;

/// <summary>Copies standard files (raw or .gz) from a folder.</summary>
public sealed class FolderSource(string folder) : FetchSource
{
    public override string Description => folder;

    public override bool TryCopy(DataFile file, Stream destination, TextWriter log) =>
        Directory.Exists(folder) ? TryCopyFromFolder(folder, file, destination, log) : throw new DataException($"{folder}: folder not found");
}
