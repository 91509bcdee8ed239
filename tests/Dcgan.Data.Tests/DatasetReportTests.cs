// Tests of the `data info` report text for found, missing, incomplete and mismatching copies.
using Dcgan.Data;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class DatasetReportTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void ReportsFoundAndMissingSets()
    {
        var l = new DataLocations { CacheRoot = Path.Combine(_t.Root, "cache"), KnownRoots = [Path.Combine(_t.Root, "keras")] };
        string cached = TestData.WriteIdxSet(l.DatasetCacheDir(DatasetSpec.Mnist), 3, 2, true);
        string partial = TestData.WriteIdxSet(Path.Combine(_t.Root, "keras", "fashion-mnist"), 3, 2, true);
        File.Delete(Path.Combine(partial, "train-images-idx3-ubyte.gz"));

        IReadOnlyList<string> lines = DatasetReport.Lines(l);

        Assert.Equal($"mnist: {cached} (cache)", lines[0]);
        Assert.Equal("  train-images-idx3-ubyte.gz       3x28x28      sha256 MISMATCH", lines[1]);
        Assert.Equal("  t10k-labels-idx1-ubyte.gz        2            sha256 MISMATCH", lines[4]);
        Assert.Equal("  warning: not every file matches the pinned checksums", lines[5]);
        Assert.StartsWith($"fashion-mnist: not found (searched {l.DatasetCacheDir(DatasetSpec.FashionMnist)}, {partial}[.npz]); `dcgan data fetch --dataset fashion-mnist` puts it in", lines[6]);
        Assert.Equal($"  {partial}: incomplete, missing train-images-idx3-ubyte[.gz]", lines[7]);
        Assert.Equal(8, lines.Count);
    }

    [Fact]
    public void ReportsCorruptFilesAsErrorsOnce()
    {
        string dataDir = TestData.WriteIdxSet(_t.Dir("d"), 3, 2, false);
        File.WriteAllBytes(Path.Combine(dataDir, "t10k-labels-idx1-ubyte"), TestData.Idx(0x801, [2], [1, 200]));
        var l = new DataLocations { DataDir = dataDir, CacheRoot = Path.Combine(_t.Root, "cache") };

        IReadOnlyList<string> lines = DatasetReport.Lines(l, "mnist");

        Assert.Equal($"mnist: {dataDir} (data dir)", lines[0]);
        Assert.Equal($"  t10k-images-idx3-ubyte           error: {Path.Combine(dataDir, "t10k-labels-idx1-ubyte")}: label 200 at index 1 is out of range 0-9", lines[3]);
        Assert.Equal(5, lines.Count);
    }
}
