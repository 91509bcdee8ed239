// A runs folder made once for all dashboard tests: a real run trained by the CLI on the synthetic data set
// (2 epochs, a checkpoint each), plus copies of it broken in the ways the dashboard must survive.
namespace Dcgan.Dashboard.Tests;

using Dcgan.Cli;

/// <summary>Temporary runs folder: "good" (finished), "damaged" (bad checkpoint, cut metrics), "broken" (bad config).</summary>
public sealed class RunsFixture : IDisposable
{
    public RunsFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "dcgan-dash-" + Guid.NewGuid().ToString("N")[..8]);
        RunsDir = Path.Combine(Root, "runs");
        Directory.CreateDirectory(RunsDir);
        Good = Path.Combine(RunsDir, "good");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Program.Run(
            ["train", "--dataset", "synthetic", "--limit", "16", "--batch-size", "8", "--epochs", "2", "--samples", "4",
             "--checkpoint-every", "1", "--threads", "2", "--out", Good], stdout, stderr);
        if (exit != 0)
        {
            throw new InvalidOperationException($"training the test run failed: {stderr}");
        }

        // damaged: the newest checkpoint has a flipped byte, metrics.jsonl has a garbage line and a half-written one.
        Damaged = Copy("damaged");
        string ckpt = Path.Combine(Damaged, "checkpoints", "ckpt-2.dcgan");
        byte[] bytes = File.ReadAllBytes(ckpt);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(ckpt, bytes);
        File.AppendAllText(Path.Combine(Damaged, "metrics.jsonl"), "not json\n{\"epoch\": 3, \"g_lo");

        // broken: config.json is not JSON at all, and there is no checkpoint.
        Broken = Path.Combine(RunsDir, "broken");
        Directory.CreateDirectory(Broken);
        File.WriteAllText(Path.Combine(Broken, "config.json"), "{ this is not json");

        // Outside the runs folder: a file a traversal would love to read, and a run folder to link to.
        Secret = Path.Combine(Root, "secret.txt");
        File.WriteAllText(Secret, "top secret");
        Outside = Path.Combine(Root, "outside-run");
        CopyTree(Good, Outside);
        Directory.CreateSymbolicLink(Path.Combine(RunsDir, "linked-out"), Outside);
        File.CreateSymbolicLink(Path.Combine(Good, "samples", "image_at_epoch_0099.png"), Secret);
    }

    public string Root { get; }

    public string RunsDir { get; }

    public string Good { get; }

    public string Damaged { get; }

    public string Broken { get; }

    public string Secret { get; }

    public string Outside { get; }

    /// <summary>A fresh copy of the good run under the runs folder, for tests that change a run.</summary>
    public string Copy(string name)
    {
        string target = Path.Combine(RunsDir, name);
        CopyTree(Good, target);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A browser or server still closing may hold a file a moment longer; the temp folder is cleaned eventually.
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).LinkTarget is null)
            {
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
            }
        }
    }
}
