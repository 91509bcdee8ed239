// Runs a short Pillow script (Debian's python3-pil under /usr/bin/python3) to write test images with an encoder that is
// not ours, e.g. CMYK JPEGs, which ImageSharp cannot write.
namespace Dcgan.Data.Tests;

using System.Diagnostics;

internal static class PillowScript
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; false when Python or Pillow is missing.</summary>
    public static bool TryRun(string script, params string[] args)
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return false;
        }
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && err.Contains("No module named 'PIL'", StringComparison.Ordinal))
        {
            return false;
        }
        Assert.True(p.ExitCode == 0, err);
        return true;
    }
}
