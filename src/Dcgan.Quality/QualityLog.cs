// quality.jsonl in a run folder: one QualityReport per line, appended by `evaluate` and by training with
// --eval-every; readers keep the last line of each epoch, so a replayed epoch after a resume counts once.
namespace Dcgan.Quality;

using System.Text;
using Dcgan.Training;

/// <summary>Appends and reads a run's quality history.</summary>
public static class QualityLog
{
    public const string FileName = "quality.jsonl";

    public static string PathFor(RunFolder run) => Path.Combine(run.Root, FileName);

    /// <summary>Appends one line, flushed to disk before returning.</summary>
    public static void Append(RunFolder run, QualityReport report)
    {
        Directory.CreateDirectory(run.Root);
        using var stream = new FileStream(PathFor(run), FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(report.ToJsonLine() + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Every readable line, oldest first; lines with an epoch keep only the last one per epoch. A torn last
    /// line (a crash mid-append) is skipped.
    /// </summary>
    public static IReadOnlyList<QualityReport> Read(RunFolder run)
    {
        string path = PathFor(run);
        if (!File.Exists(path))
        {
            return [];
        }
        var all = new List<QualityReport>();
        foreach (string line in File.ReadAllLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                all.Add(QualityReport.FromJsonLine(line));
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        var lastByEpoch = new Dictionary<int, int>();
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].Epoch is int epoch)
            {
                lastByEpoch[epoch] = i;
            }
        }
        return all.Where((r, i) => r.Epoch is not int e || lastByEpoch[e] == i).ToList();
    }
}
