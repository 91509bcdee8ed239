// Tests of where data sets are looked for, in order, with every root injected into temp folders.
using Dcgan.Data;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class DatasetResolverTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private DataLocations Locations(string? dataDir = null) => new()
    {
        DataDir = dataDir,
        CacheRoot = Path.Combine(_t.Root, "cache"),
        KnownRoots = [Path.Combine(_t.Root, "keras"), Path.Combine(_t.Root, "share")],
    };

    private static DatasetResolver NoFetch(DataLocations l) =>
        new(l, new DatasetFetcher(_ => throw new InvalidOperationException("must not fetch")));

    [Fact]
    public void CacheComesBeforeKnownRoots()
    {
        DataLocations l = Locations();
        TestData.WriteIdxSet(Path.Combine(_t.Root, "share", "mnist"), 2, 1, true);
        TestData.WriteIdxSet(l.DatasetCacheDir(DatasetSpec.Mnist), 3, 1, false);

        DatasetLocation found = NoFetch(l).Resolve(DatasetSpec.Mnist, TextWriter.Null, fetch: false);

        Assert.Equal("cache", found.Origin);
        Assert.Equal(Path.Combine(_t.Root, "cache", "datasets", "mnist"), found.Path);
        Assert.Equal(3, found.Load(DataSplit.Train).Count);
    }

    [Fact]
    public void KnownRootsAreSearchedInOrder()
    {
        DataLocations l = Locations();
        TestData.WriteKerasNpz(Path.Combine(_t.Dir("keras"), "mnist.npz"), 4, 2);
        TestData.WriteIdxSet(Path.Combine(_t.Root, "share", "mnist"), 2, 1, true);

        DatasetLocation found = NoFetch(l).Resolve(DatasetSpec.Mnist, TextWriter.Null, fetch: false);

        Assert.True(found.IsNpz);
        Assert.Equal("known location", found.Origin);
        Assert.Equal(4, found.Load(DataSplit.Train).Count);
    }

    [Fact]
    public void FashionMnistIsFoundInKerasFolderOfGzFiles()
    {
        DataLocations l = Locations();
        string keras = TestData.WriteIdxSet(Path.Combine(_t.Root, "keras", "fashion-mnist"), 5, 2, true);

        DatasetLocation found = NoFetch(l).Resolve(DatasetSpec.FashionMnist, TextWriter.Null, fetch: false);

        Assert.Equal(keras, found.Path);
        Assert.Equal(Path.Combine(keras, "t10k-images-idx3-ubyte.gz"), found.PathOf(DatasetSpec.FashionMnist.File(DataSplit.Test, false)));
        Assert.Null(NoFetch(l).Find(DatasetSpec.Mnist));
    }

    [Fact]
    public void DataDirWinsOverCache()
    {
        string dataDir = TestData.WriteIdxSet(_t.Dir("mine"), 7, 1, false);
        DataLocations l = Locations(dataDir);
        TestData.WriteIdxSet(l.DatasetCacheDir(DatasetSpec.Mnist), 3, 1, false);

        DatasetLocation found = NoFetch(l).Resolve(DatasetSpec.Mnist, TextWriter.Null);

        Assert.Equal((dataDir, "data dir"), (found.Path, found.Origin));
        Assert.Equal(7, found.Load(DataSplit.Train).Count);
    }

    [Fact]
    public void DataDirMayHoldANamedSubfolderOrAnArchive()
    {
        string parent = _t.Dir("parent");
        TestData.WriteIdxSet(Path.Combine(parent, "fashion-mnist"), 2, 1, true);
        TestData.WriteKerasNpz(Path.Combine(parent, "mnist.npz"), 3, 1);

        Assert.Equal(Path.Combine(parent, "fashion-mnist"), NoFetch(Locations(parent)).Resolve(DatasetSpec.FashionMnist, TextWriter.Null).Path);
        Assert.Equal(Path.Combine(parent, "mnist.npz"), NoFetch(Locations(parent)).Resolve(DatasetSpec.Mnist, TextWriter.Null).Path);
    }

    [Fact]
    public void DataDirMayBeAnNpzFileOrHoldOneUnderAnyName()
    {
        string npz = Path.Combine(_t.Dir("one"), "downloaded.npz");
        TestData.WriteKerasNpz(npz, 3, 1);

        Assert.Equal(npz, NoFetch(Locations(npz)).Resolve(DatasetSpec.Mnist, TextWriter.Null).Path);
        Assert.Equal(npz, NoFetch(Locations(Path.GetDirectoryName(npz))).Resolve(DatasetSpec.Mnist, TextWriter.Null).Path);
    }

    [Fact]
    public void IncompleteDataDirIsAnErrorNamingWhatIsMissing()
    {
        string dataDir = TestData.WriteIdxSet(_t.Dir("partial"), 2, 1, true);
        File.Delete(Path.Combine(dataDir, "t10k-labels-idx1-ubyte.gz"));
        DataLocations l = Locations(dataDir);
        TestData.WriteIdxSet(l.DatasetCacheDir(DatasetSpec.Mnist), 3, 1, false);

        var e = Assert.Throws<DataException>(() => NoFetch(l).Resolve(DatasetSpec.Mnist, TextWriter.Null));

        Assert.Equal($"{dataDir}: mnist not found in the data dir: incomplete, missing t10k-labels-idx1-ubyte[.gz]", e.Message);
    }

    [Fact]
    public void MissingDataDirIsAnError()
    {
        string dataDir = Path.Combine(_t.Root, "typo");
        var e = Assert.Throws<DataException>(() => NoFetch(Locations(dataDir)).Resolve(DatasetSpec.Mnist, TextWriter.Null));
        Assert.Equal($"{dataDir}: data dir not found", e.Message);
    }

    [Fact]
    public void NotFoundWithoutFetchSaysHowToFetch()
    {
        DataLocations l = Locations();
        var e = Assert.Throws<DataException>(() => NoFetch(l).Resolve(DatasetSpec.FashionMnist, TextWriter.Null, fetch: false));
        Assert.StartsWith($"fashion-mnist: not found in {l.DatasetCacheDir(DatasetSpec.FashionMnist)}", e.Message);
        Assert.EndsWith("fetch it with `dcgan data fetch --dataset fashion-mnist`", e.Message);
    }

    [Fact]
    public void NotFoundFetchesIntoTheCacheAndLoads()
    {
        DataLocations l = Locations();
        DatasetSpec spec = TestData.PinnedSpec("tiny", 5, 3);
        string origin = TestData.WriteIdxSet(_t.Dir("origin"), 5, 3, true);
        var resolver = new DatasetResolver(l, new DatasetFetcher(_ => [new FolderSource(origin)]));
        var log = new StringWriter();

        DatasetLocation found = resolver.Resolve(spec, log);

        Assert.Equal((l.DatasetCacheDir(spec), "cache"), (found.Path, found.Origin));
        Assert.Equal(TestData.Labels(3), found.Load(DataSplit.Test).Labels);
        Assert.Contains($"tiny: not found locally, fetching into {l.DatasetCacheDir(spec)}", log.ToString());
        // A second resolution finds the cached copy without fetching.
        Assert.Equal("cache", NoFetch(l).Resolve(spec, TextWriter.Null, fetch: false).Origin);
    }

    [Fact]
    public void UnknownNameIsRejected()
    {
        var e = Assert.Throws<DataException>(() => DatasetSpec.Get("cifar10"));
        Assert.Equal("unknown data set 'cifar10': expected one of mnist, fashion-mnist", e.Message);
        Assert.Same(DatasetSpec.FashionMnist, DatasetSpec.Get("Fashion_MNIST"));
    }

    [Fact]
    public void LocationsFollowEnvironmentPrecedence()
    {
        var env = new Dictionary<string, string>();
        string? Get(string k) => env.TryGetValue(k, out string? v) ? v : null;

        DataLocations home = DataLocations.From(null, Get, "/h");
        Assert.Equal("/h/.cache/dcgan", home.CacheRoot);
        Assert.Equal(["/h/.keras/datasets", "/usr/share/datasets"], home.KnownRoots);
        Assert.Null(home.DataDir);

        env["XDG_CACHE_HOME"] = "/xdg";
        env["KERAS_HOME"] = "/k";
        DataLocations xdg = DataLocations.From("/d", Get, "/h");
        Assert.Equal("/xdg/dcgan", xdg.CacheRoot);
        Assert.Equal("/k/datasets", xdg.KnownRoots[0]);
        Assert.Equal("/d", xdg.DataDir);

        env["DCGAN_CACHE"] = "/c";
        Assert.Equal("/c", DataLocations.From(null, Get, "/h").CacheRoot);
        Assert.Equal("/c/datasets/fashion-mnist", DataLocations.From(null, Get, "/h").DatasetCacheDir(DatasetSpec.FashionMnist));
    }
}
