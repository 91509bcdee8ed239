// Tests of the IDX reader: round trips raw and gzip, and one clear error per kind of corruption.
using System.Security.Cryptography;
using Dcgan.Data;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_t.Root, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesRawAndGzipAlike(bool gzip)
    {
        byte[] pixels = TestData.Pixels(3, 4, 5);
        byte[] idx = TestData.Idx(0x803, [3, 4, 5], pixels);
        // The name says nothing: format is detected by content.
        string path = Write("images.bin", gzip ? TestData.Gzip(idx) : idx);

        ByteTensor t = IdxReader.ReadImages(path);

        Assert.Equal([3, 4, 5], t.Shape);
        Assert.Equal(pixels, t.Data);
        Assert.Equal(gzip, IdxReader.IsGzip(path));
        // The content checksum is the SHA-256 of the raw IDX bytes, whichever form is on disk.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(idx)), t.IdxSha256());
    }

    [Fact]
    public void ReadsLabels()
    {
        string path = Write("labels", TestData.Idx(0x801, [4], [5, 0, 4, 1]));
        ByteTensor t = IdxReader.ReadLabels(path);
        Assert.Equal([4], t.Shape);
        Assert.Equal(new byte[] { 5, 0, 4, 1 }, t.Data);
    }

    [Fact]
    public void LabelsFileGivenAsImagesIsBadMagic()
    {
        string path = Write("labels", TestData.Idx(0x801, [4], [1, 2, 3, 4]));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: bad magic number 0x00000801, expected 0x00000803 (an IDX image file: unsigned bytes, 3 dimensions)", e.Message);
    }

    [Fact]
    public void GarbageIsBadMagic()
    {
        string path = Write("junk", "hello world, not idx"u8.ToArray());
        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.StartsWith($"{path}: bad magic number 0x68656c6c, expected 0x00000801", e.Message);
    }

    [Fact]
    public void FloatTypeIsBadMagic()
    {
        string path = Write("floats", TestData.Idx(0x00000D03, [1, 1, 1], [0, 0, 0, 0]));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("bad magic number 0x00000d03", e.Message);
    }

    [Fact]
    public void ZeroDimensionIsRejected()
    {
        string path = Write("zero", TestData.Idx(0x803, [2, 0, 28], []));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: dimension 1 has invalid size 0", e.Message);
    }

    [Fact]
    public void NegativeDimensionIsRejected()
    {
        string path = Write("neg", TestData.Idx(0x801, [-5], []));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.Equal($"{path}: dimension 0 has invalid size -5", e.Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        byte[] idx = TestData.Idx(0x803, [2, 28, 28], TestData.Pixels(2, 28, 28));
        string path = Write("short", idx[..10]);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated header: 3 dimension sizes need 12 bytes after the magic, found 6", e.Message);
    }

    [Fact]
    public void TinyFileIsRejected()
    {
        string path = Write("tiny", [0, 0]);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: file too short for an IDX header (2 bytes)", e.Message);
    }

    [Fact]
    public void TruncatedRawDataIsRejected()
    {
        byte[] idx = TestData.Idx(0x803, [2, 28, 28], TestData.Pixels(2, 28, 28));
        string path = Write("cut", idx[..^100]);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated: header claims 2x28x28 (1584 bytes with header) but the file has 1484 bytes", e.Message);
    }

    [Fact]
    public void ExtraRawBytesAreRejected()
    {
        byte[] idx = TestData.Idx(0x801, [3], [1, 2, 3]);
        string path = Write("long", [.. idx, 9, 9]);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.Equal($"{path}: extra bytes: header claims 3 (11 bytes with header) but the file has 13 bytes", e.Message);
    }

    [Fact]
    public void TruncatedGzipDataIsRejected()
    {
        byte[] idx = TestData.Idx(0x803, [2, 28, 28], TestData.Pixels(2, 28, 28));
        string path = Write("cut.gz", TestData.Gzip(idx[..^100]));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated: header claims 2x28x28 (1568 data bytes) but only 1468 follow the header", e.Message);
    }

    [Fact]
    public void ExtraGzipBytesAreRejected()
    {
        byte[] idx = TestData.Idx(0x801, [3], [1, 2, 3]);
        string path = Write("long.gz", TestData.Gzip([.. idx, 7, 7, 7]));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.Equal($"{path}: extra bytes: 3 bytes follow the 3 data the header claims", e.Message);
    }

    [Fact]
    public void CutGzipStreamIsRejected()
    {
        byte[] gz = TestData.Gzip(TestData.Idx(0x803, [20, 28, 28], TestData.Pixels(20, 28, 28)));
        string path = Write("broken.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith($"{path}: truncated: header claims 20x28x28", e.Message);
    }

    [Fact]
    public void CorruptGzipIsRejected()
    {
        byte[] gz = TestData.Gzip(TestData.Idx(0x803, [20, 28, 28], TestData.Pixels(20, 28, 28)));
        for (int i = 12; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0x5a;
        }
        string path = Write("corrupt.gz", gz);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void MissingFileIsRejected()
    {
        string path = Path.Combine(_t.Root, "nope");
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }
}
