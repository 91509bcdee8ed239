// The repository's root folder, for tests that read files the project ships (experiment files, goldens, docs).
namespace Dcgan.TestSupport;

using System.Runtime.CompilerServices;

/// <summary>Paths inside the repository.</summary>
public static class Repo
{
    /// <summary>The repository root (two folders above this file).</summary>
    public static string Root { get; } = Locate();

    /// <summary>A path under the root.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Locate([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
