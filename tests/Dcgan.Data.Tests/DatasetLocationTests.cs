// Tests of loading whole splits: IDX and .npz copies load alike, and set-level faults (label count, label
// range, image size) are reported with the file's name.
using Dcgan.Data;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class DatasetLocationTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private DatasetLocation IdxAt(string folder) =>
        DatasetLocation.Idx(DatasetSpec.Mnist, folder, "test", out _) ?? throw new InvalidOperationException("not complete");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsBothSplitsFromIdx(bool gzip)
    {
        string folder = TestData.WriteIdxSet(_t.Dir("set"), 6, 4, gzip);
        DatasetLocation loc = IdxAt(folder);

        ImageDataset train = loc.Load(DataSplit.Train);
        ImageDataset test = loc.Load(DataSplit.Test);

        Assert.Equal(6, train.Count);
        Assert.Equal(4, test.Count);
        Assert.Equal((28, 28, 1), (train.Height, train.Width, train.Channels));
        Assert.Equal(TestData.Pixels(6, 28, 28), train.Pixels);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, test.Labels);
        Assert.Equal((byte)((5 * 31 + 3 * 7) % 256), train.Image(5)[3]);
        Assert.Equal("mnist", train.Name);
        Assert.Equal(DataSplit.Test, test.Split);
        Assert.Contains(folder, train.Source);
    }

    [Fact]
    public void NpzLoadsTheSameAsIdx()
    {
        string npz = Path.Combine(_t.Root, "mnist.npz");
        TestData.WriteKerasNpz(npz, 6, 4, System.IO.Compression.CompressionLevel.Optimal);
        DatasetLocation loc = DatasetLocation.Npz(DatasetSpec.Mnist, npz, "test");
        ImageDataset fromNpz = loc.Load(DataSplit.Train);
        ImageDataset fromIdx = IdxAt(TestData.WriteIdxSet(_t.Dir("set"), 6, 4, true)).Load(DataSplit.Train);

        Assert.Equal(fromIdx.Pixels, fromNpz.Pixels);
        Assert.Equal(fromIdx.Labels, fromNpz.Labels);
        Assert.Equal(4, loc.Load(DataSplit.Test).Count);
    }

    [Fact]
    public void NpzAndIdxHaveTheSameContentChecksum()
    {
        string npz = Path.Combine(_t.Root, "mnist.npz");
        TestData.WriteKerasNpz(npz, 6, 4);
        DatasetSpec pinned = TestData.PinnedSpec("mnist", 6, 4);
        IReadOnlyList<FileCheck> fromNpz = DatasetLocation.Npz(pinned, npz, "test").Verify();
        IReadOnlyList<FileCheck> fromIdx = DatasetLocation.Idx(pinned, TestData.WriteIdxSet(_t.Dir("set"), 6, 4, true), "test", out _)!.Verify();

        Assert.All(fromNpz, c => Assert.Equal("ok", c.Status));
        Assert.All(fromIdx, c => Assert.Equal("ok", c.Status));
        Assert.Equal(["6x28x28", "6", "4x28x28", "4"], fromIdx.Select(c => c.Shape));
    }

    [Fact]
    public void ChecksumMismatchWarnsButLoads()
    {
        string folder = TestData.WriteIdxSet(_t.Dir("set"), 6, 4, false);
        var log = new StringWriter();
        ImageDataset train = IdxAt(folder).Load(DataSplit.Train, log, verify: true);
        Assert.Equal(6, train.Count);
        Assert.Contains($"warning: {Path.Combine(folder, "train-images-idx3-ubyte")}: content differs from the pinned mnist checksum", log.ToString());
        Assert.Equal(["MISMATCH", "MISMATCH", "MISMATCH", "MISMATCH"], IdxAt(folder).Verify().Select(c => c.Status));
    }

    [Fact]
    public void LabelCountMismatchIsRejected()
    {
        string folder = TestData.WriteIdxSet(_t.Dir("set"), 6, 4, false);
        string labels = Path.Combine(folder, "train-labels-idx1-ubyte");
        File.WriteAllBytes(labels, TestData.Idx(0x801, [5], TestData.Labels(5)));
        var e = Assert.Throws<DataException>(() => IdxAt(folder).Load(DataSplit.Train));
        Assert.Equal($"{labels}: 5 labels but {Path.Combine(folder, "train-images-idx3-ubyte")} has 6 images", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsRejected()
    {
        string folder = TestData.WriteIdxSet(_t.Dir("set"), 6, 4, false);
        string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        File.WriteAllBytes(labels, TestData.Gzip(TestData.Idx(0x801, [4], [3, 1, 10, 2])));
        var e = Assert.Throws<DataException>(() => IdxAt(folder).Load(DataSplit.Test));
        Assert.Equal($"{labels}: label 10 at index 2 is out of range 0-9", e.Message);
    }

    [Fact]
    public void WrongImageSizeIsRejected()
    {
        string folder = TestData.WriteIdxSet(_t.Dir("set"), 6, 4, false);
        string images = Path.Combine(folder, "train-images-idx3-ubyte");
        File.WriteAllBytes(images, TestData.Idx(0x803, [6, 32, 32], TestData.Pixels(6, 32, 32)));
        var e = Assert.Throws<DataException>(() => IdxAt(folder).Load(DataSplit.Train));
        Assert.Equal($"{images}: images are 32x32, mnist expects 28x28", e.Message);
    }

    [Fact]
    public void NpzImagesWithWrongRankAreRejected()
    {
        string npz = Path.Combine(_t.Root, "flat.npz");
        TestData.WriteNpz(npz, [("x_train", TestData.Npy([2, 784], new byte[1568])), ("y_train", TestData.Npy([2], [1, 2]))]);
        var e = Assert.Throws<DataException>(() => DatasetLocation.Npz(DatasetSpec.Mnist, npz, "test").Load(DataSplit.Train));
        Assert.Equal($"{npz}[x_train]: images must have 3 dimensions (count, rows, columns), found shape 2x784", e.Message);
    }

    [Fact]
    public void VerifyReportsErrorsInsteadOfThrowing()
    {
        string folder = TestData.WriteIdxSet(_t.Dir("set"), 6, 4, false);
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), [1, 2, 3, 4, 5]);
        IReadOnlyList<FileCheck> checks = IdxAt(folder).Verify();
        Assert.Equal(["MISMATCH", "MISMATCH", "error", "error"], checks.Select(c => c.Status));
        Assert.Contains("bad magic number 0x01020304", checks[2].Detail);
    }
}
