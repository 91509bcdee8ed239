// Tests for PngEncoder: exact pixels through Pillow (independent decoder), CRCs, filter choice, atomic writes.
using Dcgan.Imaging;

using Dcgan.TestSupport;

namespace Dcgan.Imaging.Tests;

public class PngEncoderTests
{
    public static TheoryData<int, int, PngColorType> Sizes()
    {
        var data = new TheoryData<int, int, PngColorType>();
        foreach (PngColorType t in new[] { PngColorType.Gray, PngColorType.Rgb, PngColorType.Rgba })
        {
            data.Add(1, 1, t);
            data.Add(3, 7, t);
            data.Add(257, 5, t);
            data.Add(16, 16, t);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RandomImagesDecodeExactlyWithPillow(int width, int height, PngColorType type)
    {
        byte[] pixels = RandomPixels(width * height * PngEncoder.BytesPerPixel(type), seed: width * 31 + height);
        using var dir = new TempDir();
        string path = dir.File("random.png");
        PngEncoder.WriteFile(path, pixels, width, height, type);

        Assert.Equal(pixels, PngDecoder.Decode(File.ReadAllBytes(path), out int w, out int h, out PngColorType t));
        Assert.Equal((width, height, type), (w, h, t));
        if (Pil.Skip)
        {
            return;
        }
        PngInfo info = Pil.DecodePng(path);
        Assert.Equal("PNG", info.Format);
        Assert.Equal(type switch { PngColorType.Gray => "L", PngColorType.Rgb => "RGB", _ => "RGBA" }, info.Mode);
        Assert.Equal((width, height), (info.Width, info.Height));
        Assert.True(info.CrcOk, "chunk CRC mismatch");
        Assert.Equal("IHDR", info.Chunks[0]);
        Assert.Equal("IEND", info.Chunks[^1]);
        Assert.Equal(pixels, info.Pixels);
    }

    [Fact]
    public void EveryByteValueSurvives()
    {
        // 256 x 8 where every row is a different permutation of 0..255.
        var rng = new Random(7);
        byte[] pixels = new byte[256 * 8];
        for (int y = 0; y < 8; y++)
        {
            byte[] row = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            rng.Shuffle(row);
            row.CopyTo(pixels, y * 256);
        }
        AssertPillowRoundTrip(pixels, 256, 8, PngColorType.Gray);
    }

    [Fact]
    public void GradientUsesAdaptiveFilters()
    {
        // A horizontal ramp repeated on every row: row 0 is best as Sub (constant differences), later rows as Up (all zero).
        const int W = 85, H = 12;
        byte[] pixels = new byte[W * H];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                pixels[y * W + x] = (byte)(3 * x);
            }
        }
        PngInfo? info = AssertPillowRoundTrip(pixels, W, H, PngColorType.Gray);
        if (info is null)
        {
            return;
        }
        Assert.Equal(1, info.Filters[0]);
        Assert.All(info.Filters.Skip(1), f => Assert.Equal(2, f));
    }

    [Fact]
    public void SmoothRgbImageUsesNonTrivialFiltersAndRoundTrips()
    {
        const int W = 64, H = 48;
        byte[] pixels = new byte[W * H * 3];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                int i = (y * W + x) * 3;
                pixels[i] = (byte)(x * 4);
                pixels[i + 1] = (byte)(y * 5);
                pixels[i + 2] = (byte)((x * y) / 8);
            }
        }
        PngInfo? info = AssertPillowRoundTrip(pixels, W, H, PngColorType.Rgb);
        if (info is not null)
        {
            Assert.Contains(info.Filters, f => f != 0);
        }
    }

    [Fact]
    public void StreamAndFileOutputsAreIdentical()
    {
        byte[] pixels = RandomPixels(20 * 10, 3);
        using var ms = new MemoryStream();
        PngEncoder.Write(ms, pixels, 20, 10, PngColorType.Gray);
        using var dir = new TempDir();
        string path = dir.File("a.png");
        PngEncoder.WriteFile(path, new GrayImage(20, 10, pixels));
        Assert.Equal(ms.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(ms.ToArray(), PngEncoder.Encode(pixels, 20, 10, PngColorType.Gray));
    }

    [Fact]
    public void WriteFileReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDir();
        string path = dir.File("sub/dir/out.png");
        PngEncoder.WriteFile(path, new byte[4], 2, 2, PngColorType.Gray);
        PngEncoder.WriteFile(path, [1, 2, 3, 4, 5, 6], 2, 1, PngColorType.Rgb);
        Assert.Equal([1, 2, 3, 4, 5, 6], PngDecoder.Decode(File.ReadAllBytes(path), out _, out _, out _));
        Assert.Equal(["out.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void BadArgumentsThrowWithoutWritingAnything()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.png");
        Assert.Throws<ArgumentException>(() => PngEncoder.WriteFile(path, new byte[5], 2, 2, PngColorType.Gray));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode([], 0, 1, PngColorType.Gray));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new byte[4], 2, 2, (PngColorType)3));
        Assert.Empty(Directory.GetFiles(dir.Root));
    }

    [Fact]
    public void OwnDecoderRejectsCorruption()
    {
        byte[] png = PngEncoder.Encode(RandomPixels(30, 1), 5, 6, PngColorType.Gray);
        png[png.Length - 20] ^= 0x40; // inside IDAT data: CRC must catch it
        Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png, out _, out _, out _));
    }

    private static PngInfo? AssertPillowRoundTrip(byte[] pixels, int width, int height, PngColorType type)
    {
        using var dir = new TempDir();
        string path = dir.File("img.png");
        PngEncoder.WriteFile(path, pixels, width, height, type);
        Assert.Equal(pixels, PngDecoder.Decode(File.ReadAllBytes(path), out _, out _, out _));
        if (Pil.Skip)
        {
            return null;
        }
        PngInfo info = Pil.DecodePng(path);
        Assert.True(info.CrcOk);
        Assert.Equal((width, height), (info.Width, info.Height));
        Assert.Equal(pixels, info.Pixels);
        return info;
    }

    internal static byte[] RandomPixels(int length, int seed)
    {
        byte[] b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }
}
