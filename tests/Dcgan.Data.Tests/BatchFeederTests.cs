// Tests of batch feeding: exact [-1, 1] scaling, NHWC layout, Keras-style partial batches, the drop and limit
// options, and per-epoch shuffles that differ across epochs yet replay from the seed or a saved Rng state.
using Dcgan.Data;
using Dcgan.Kernels;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class BatchFeederTests
{
    private static ImageDataset Data(int count, int height = 2, int width = 3)
    {
        return new ImageDataset("t", "memory", DataSplit.Train, height, width, TestData.Pixels(count, height, width), TestData.Labels(count));
    }

    [Fact]
    public void ScalesExactly()
    {
        Assert.Equal(-1f, BatchFeeder.Scale(0));
        Assert.Equal(1f, BatchFeeder.Scale(255));
        Assert.Equal(-0.5f / 127.5f, BatchFeeder.Scale(127));
        Assert.Equal(0.5f / 127.5f, BatchFeeder.Scale(128));
        for (int x = 0; x < 256; x++)
        {
            Assert.Equal((x - 127.5f) / 127.5f, BatchFeeder.Scale((byte)x));
        }
    }

    [Fact]
    public void BatchHoldsScaledImagesInPermutationOrder()
    {
        ImageDataset data = Data(5);
        var feeder = new BatchFeeder(data, 5, new Rng(1));
        var images = new float[5 * 6];
        var labels = new int[5];
        feeder.BeginEpoch();

        Assert.True(feeder.TryNext(images, labels, out int count));

        Assert.Equal(5, count);
        int[] order = feeder.Order.ToArray();
        Assert.Equal([0, 1, 2, 3, 4], order.Order());
        for (int b = 0; b < 5; b++)
        {
            Assert.Equal(data.Labels[order[b]], labels[b]);
            for (int p = 0; p < 6; p++)
            {
                Assert.Equal((data.Pixels[order[b] * 6 + p] - 127.5f) / 127.5f, images[b * 6 + p]);
            }
        }
        Assert.False(feeder.TryNext(images, labels, out count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void KeepsThePartialBatchLikeKeras()
    {
        var feeder = new BatchFeeder(Data(60_000, 1, 1), 256, new Rng(2));
        Assert.Equal(235, feeder.StepsPerEpoch);
        var images = new float[256];
        var labels = new int[256];
        feeder.BeginEpoch();
        var sizes = new List<int>();
        while (feeder.TryNext(images, labels, out int count))
        {
            sizes.Add(count);
        }
        Assert.Equal(235, sizes.Count);
        Assert.All(sizes.Take(234), s => Assert.Equal(256, s));
        Assert.Equal(96, sizes[^1]);
        Assert.Equal(235, feeder.Step);
    }

    [Fact]
    public void DropsThePartialBatchOnRequest()
    {
        var feeder = new BatchFeeder(Data(60_000, 1, 1), 256, new Rng(2), dropLast: true);
        Assert.Equal(234, feeder.StepsPerEpoch);
        var images = new float[256];
        var labels = new int[256];
        feeder.BeginEpoch();
        int steps = 0;
        while (feeder.TryNext(images, labels, out int count))
        {
            Assert.Equal(256, count);
            steps++;
        }
        Assert.Equal(234, steps);
    }

    [Fact]
    public void LimitUsesOnlyTheFirstImages()
    {
        var feeder = new BatchFeeder(Data(100), 4, new Rng(3), limit: 10);
        Assert.Equal((10, 3), (feeder.Count, feeder.StepsPerEpoch));
        var images = new float[4 * 6];
        var labels = new int[4];
        var seen = new List<int>();
        var sizes = new List<int>();
        feeder.BeginEpoch();
        while (feeder.TryNext(images, labels, out int count))
        {
            sizes.Add(count);
            seen.AddRange(labels.Take(count));
        }
        Assert.Equal([4, 4, 2], sizes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 10).Order(), seen.Order());
        Assert.Equal(Enumerable.Range(0, 10), feeder.Order.ToArray().Order());
        Assert.Equal(100, new BatchFeeder(Data(100), 4, new Rng(3), limit: 1000).Count);
    }

    [Fact]
    public void EachEpochHasAFreshPermutationReproducibleFromTheSeed()
    {
        ImageDataset data = Data(50);
        var a = new BatchFeeder(data, 8, new Rng(42));
        var b = new BatchFeeder(data, 8, new Rng(42));
        a.BeginEpoch();
        int[] first = a.Order.ToArray();
        a.BeginEpoch();
        int[] second = a.Order.ToArray();
        b.BeginEpoch();
        int[] replayFirst = b.Order.ToArray();
        b.BeginEpoch();

        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 50).ToArray(), first);
        Assert.Equal(first, replayFirst);
        Assert.Equal(second, b.Order.ToArray());
        Assert.Equal(2, a.Epoch);

        var c = new BatchFeeder(data, 8, new Rng(43));
        c.BeginEpoch();
        Assert.NotEqual(first, c.Order.ToArray());
    }

    [Fact]
    public void ResumesFromASavedRngStateAndStep()
    {
        ImageDataset data = Data(30);
        var rng = new Rng(7);
        var feeder = new BatchFeeder(data, 8, rng);
        feeder.BeginEpoch();
        ulong[] saved = rng.GetState();
        feeder.BeginEpoch();
        var images = new float[8 * 6];
        var labels = new int[8];
        feeder.TryNext(images, labels, out _);
        feeder.TryNext(images, labels, out _);
        int[] expected = labels.ToArray();

        var resumed = new BatchFeeder(data, 8, Rng.FromState(saved));
        resumed.BeginEpoch();
        resumed.Skip(1);
        var resumedLabels = new int[8];
        Assert.True(resumed.TryNext(images, resumedLabels, out int count));

        Assert.Equal(8, count);
        Assert.Equal(expected, resumedLabels);
        Assert.Equal(2, resumed.Step);
    }

    [Fact]
    public void RejectsSmallBuffersAndMissingEpoch()
    {
        var feeder = new BatchFeeder(Data(10), 4, new Rng(1));
        Assert.Throws<InvalidOperationException>(() => feeder.TryNext(new float[24], new int[4], out _));
        feeder.BeginEpoch();
        Assert.Throws<ArgumentException>(() => feeder.TryNext(new float[23], new int[4], out _));
        Assert.Throws<ArgumentException>(() => new BatchFeeder(Data(3), 4, new Rng(1), dropLast: true));
    }

    [Fact]
    public void BatchesAllocateNothing()
    {
        var feeder = new BatchFeeder(Data(2000, 28, 28), 64, new Rng(5));
        var images = new float[64 * 784];
        var labels = new int[64];
        feeder.BeginEpoch();
        feeder.TryNext(images, labels, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (feeder.TryNext(images, labels, out _))
        {
        }
        feeder.BeginEpoch();
        feeder.TryNext(images, labels, out _);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
