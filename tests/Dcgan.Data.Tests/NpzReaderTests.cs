// Tests of the .npz/.npy reader against archives laid out the way NumPy and Keras write them.
using System.IO.Compression;
using Dcgan.Data;

using Dcgan.TestSupport;

namespace Dcgan.Data.Tests;

public sealed class NpzReaderTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Theory]
    [InlineData(1, CompressionLevel.NoCompression)]
    [InlineData(2, CompressionLevel.NoCompression)]
    [InlineData(3, CompressionLevel.Optimal)]
    public void ReadsMembersOfEveryVersion(int version, CompressionLevel level)
    {
        string path = Path.Combine(_t.Root, "a.npz");
        byte[] pixels = TestData.Pixels(2, 3, 4);
        TestData.WriteNpz(path, [("x", TestData.Npy([2, 3, 4], pixels, version)), ("y", TestData.Npy([2], [7, 9], version, "<u1"))], level);

        IReadOnlyDictionary<string, ByteTensor> m = NpzReader.Read(path, "x", "y");

        Assert.Equal([2, 3, 4], m["x"].Shape);
        Assert.Equal(pixels, m["x"].Data);
        Assert.Equal([2], m["y"].Shape);
        Assert.Equal(new byte[] { 7, 9 }, m["y"].Data);
    }

    [Fact]
    public void MissingMemberNamesWhatIsThere()
    {
        string path = Path.Combine(_t.Root, "m.npz");
        TestData.WriteNpz(path, [("x_train", TestData.Npy([1], [1]))]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x_train", "y_train"));
        Assert.Equal($"{path}: member 'y_train.npy' missing (archive has: x_train.npy)", e.Message);
    }

    [Fact]
    public void WrongDtypeIsRejected()
    {
        string path = Path.Combine(_t.Root, "d.npz");
        TestData.WriteNpz(path, [("y", TestData.Npy([1], new byte[8], descr: "<i8"))]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "y"));
        Assert.Equal($"{path}[y.npy]: dtype '<i8' is not supported, expected uint8 ('|u1')", e.Message);
    }

    [Fact]
    public void FortranOrderIsRejected()
    {
        string path = Path.Combine(_t.Root, "f.npz");
        TestData.WriteNpz(path, [("x", TestData.Npy([2, 2], [1, 2, 3, 4], fortran: "True"))]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.Equal($"{path}[x.npy]: fortran_order True is not supported, expected C order", e.Message);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        string path = Path.Combine(_t.Root, "b.npz");
        TestData.WriteNpz(path, [("x", "this is not numpy at all"u8.ToArray())]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.Equal($"{path}[x.npy]: not a .npy array (missing the \\x93NUMPY magic)", e.Message);
    }

    [Fact]
    public void UnknownVersionIsRejected()
    {
        string path = Path.Combine(_t.Root, "v.npz");
        byte[] npy = TestData.Npy([1], [1]);
        npy[6] = 9;
        TestData.WriteNpz(path, [("x", npy)]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.Equal($"{path}[x.npy]: unsupported .npy format version 9.0", e.Message);
    }

    [Fact]
    public void HeaderWithoutShapeIsRejected()
    {
        string path = Path.Combine(_t.Root, "h.npz");
        byte[] npy = TestData.Npy([1], [1]);
        byte[] broken = System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(npy).Replace("'shape'", "'shope'"));
        TestData.WriteNpz(path, [("x", broken)]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.StartsWith($"{path}[x.npy]: malformed .npy header (need 'descr', 'fortran_order' and 'shape'): {{'descr'", e.Message);
    }

    [Fact]
    public void TruncatedDataIsRejected()
    {
        string path = Path.Combine(_t.Root, "t.npz");
        TestData.WriteNpz(path, [("x", TestData.Npy([2, 3], [1, 2, 3, 4, 5, 6])[..^2])]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.Equal($"{path}[x.npy]: truncated: shape (2, 3) needs 6 bytes but only 4 follow the header", e.Message);
    }

    [Fact]
    public void ExtraDataIsRejected()
    {
        string path = Path.Combine(_t.Root, "e.npz");
        TestData.WriteNpz(path, [("x", [.. TestData.Npy([2], [1, 2]), 3])]);
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.Equal($"{path}[x.npy]: extra bytes after the 2 data the header claims", e.Message);
    }

    [Fact]
    public void NonZipIsRejected()
    {
        string path = Path.Combine(_t.Root, "n.npz");
        File.WriteAllBytes(path, TestData.Idx(0x801, [1], [1]));
        var e = Assert.Throws<DataException>(() => NpzReader.Read(path, "x"));
        Assert.StartsWith($"{path}: not a valid .npz (zip) archive", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
