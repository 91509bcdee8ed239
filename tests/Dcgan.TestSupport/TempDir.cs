// A private scratch folder for one test, removed when the test finishes.
namespace Dcgan.TestSupport;

/// <summary>A temp folder deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Root = Directory.CreateTempSubdirectory("dcgan-test-").FullName;
    }

    public string Root { get; }

    /// <summary>A folder under the root (created), e.g. Dir("run", "samples").</summary>
    public string Dir(params string[] parts)
    {
        string path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The path of a file under the root (not created).</summary>
    public string File(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
