// Tests for ImageFiles' PNG side: exact pixels of gray and RGB images through Pillow (an independent decoder), the
// colour type, chunk CRCs and chunk list, both speed settings, atomic writes and errors that name the user's file.
using Dcgan.TestSupport;

namespace Dcgan.Imaging.Tests;

public class PngFileTests
{
    public static TheoryData<int, int, int, bool> Sizes()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (int channels in new[] { 1, 3 })
        {
            foreach (bool fast in new[] { false, true })
            {
                data.Add(1, 1, channels, fast);
                data.Add(3, 7, channels, fast);
                data.Add(257, 5, channels, fast);
                data.Add(16, 16, channels, fast);
            }
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Sizes))]
    public void RandomImagesDecodeExactlyWithPillow(int width, int height, int channels, bool fast)
    {
        Pil.SkipIfMissing();
        var image = new Raster(width, height, channels, RandomPixels(width * height * channels, seed: width * 31 + height));
        using var dir = new TempDir();
        string path = dir.File("random.png");
        File.WriteAllBytes(path, ImageFiles.EncodePng(image, fast));

        PngInfo info = Pil.DecodePng(path);
        Assert.Equal("PNG", info.Format);
        Assert.Equal(channels == 1 ? "L" : "RGB", info.Mode);
        Assert.Equal((width, height), (info.Width, info.Height));
        Assert.True(info.CrcOk, "chunk CRC mismatch");
        // Only the critical chunks: no gamma, physical size or text chunks for a viewer to second-guess.
        Assert.Equal("IHDR", info.Chunks[0]);
        Assert.Equal("IEND", info.Chunks[^1]);
        Assert.All(info.Chunks[1..^1], c => Assert.Equal("IDAT", c));
        Assert.Equal(image.Pixels, info.Pixels);
    }

    [SkippableFact]
    public void EveryGrayLevelAndEveryColourByteSurvives()
    {
        Pil.SkipIfMissing();
        // 256 x 8 where every row is a different permutation of 0..255, as gray and as each RGB channel.
        var rng = new Random(7);
        byte[] gray = new byte[256 * 8];
        for (int y = 0; y < 8; y++)
        {
            byte[] row = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            rng.Shuffle(row);
            row.CopyTo(gray, y * 256);
        }
        byte[] rgb = new byte[256 * 8 * 3];
        for (int i = 0; i < gray.Length; i++)
        {
            rgb[3 * i] = gray[i];
            rgb[3 * i + 1] = (byte)(255 - gray[i]);
            rgb[3 * i + 2] = gray[(i + 37) % gray.Length];
        }
        Assert.Equal(gray, PillowPixels(new Raster(256, 8, 1, gray)));
        Assert.Equal(rgb, PillowPixels(new Raster(256, 8, 3, rgb)));
    }

    [SkippableFact]
    public void SmoothImagesUseFiltersAndFastFilesAreStillPngs()
    {
        Pil.SkipIfMissing();
        const int W = 64, H = 48;
        var image = new Raster(W, H, 3);
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                image[x, y, 0] = (byte)(x * 4);
                image[x, y, 1] = (byte)(y * 5);
                image[x, y, 2] = (byte)(x * y / 8);
            }
        }
        using var dir = new TempDir();
        string path = dir.File("smooth.png");
        ImageFiles.WritePng(path, image);
        PngInfo info = Pil.DecodePng(path);
        Assert.Equal(image.Pixels, info.Pixels);
        Assert.Contains(info.Filters, f => f != 0);

        byte[] fast = ImageFiles.EncodePng(image, fast: true);
        Assert.True(ImageFiles.IsPng(fast));
        Assert.Equal(image.Pixels, ImageFiles.DecodeImage(fast).Pixels);
    }

    [Fact]
    public void WritePngMatchesEncodePngAndReplacesAtomically()
    {
        var gray = new Raster(20, 10, 1, RandomPixels(200, 3));
        var rgb = new Raster(2, 1, 3, [1, 2, 3, 4, 5, 6]);
        using var dir = new TempDir();
        string path = dir.File("sub/dir/out.png");
        ImageFiles.WritePng(path, gray);
        Assert.Equal(ImageFiles.EncodePng(gray), File.ReadAllBytes(path));
        ImageFiles.WritePng(path, rgb);
        Raster back = ImageFiles.ReadImage(path);
        Assert.Equal((2, 1, 3), (back.Width, back.Height, back.Channels));
        Assert.Equal(rgb.Pixels, back.Pixels);
        Assert.Equal(["out.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void IsPngChecksTheWholeSignature()
    {
        byte[] png = ImageFiles.EncodePng(new Raster(1, 1, 1));
        Assert.True(ImageFiles.IsPng(png));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.False(ImageFiles.IsPng(png.AsSpan(0, 7)));
        Assert.False(ImageFiles.IsPng("GIF89a"u8));
        png[7] ^= 1;
        Assert.False(ImageFiles.IsPng(png));
    }

    [Fact]
    public void AFailedWriteNamesTheFileAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDir();
        // A folder where the file should go: the rename over it fails.
        string path = dir.File("taken.png");
        Directory.CreateDirectory(path);
        var e = Assert.ThrowsAny<IOException>(() => ImageFiles.WritePng(path, new Raster(4, 4, 3)));
        Assert.Contains("taken.png", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Root));
    }

    [Fact]
    public void BadRastersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new Raster(2, 2, 1, new byte[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Raster(0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Raster(2, 2, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Raster(2, 2, 2));
        var r = new Raster(3, 2, 3);
        r[2, 1, 2] = 9;
        Assert.Equal(9, r.Pixels[(1 * 3 + 2) * 3 + 2]);
        Assert.Equal(9, r.Row(1)[8]);
        Assert.Throws<ArgumentOutOfRangeException>(() => r[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => r[0, 0, 3]);
    }

    internal static byte[] PillowPixels(Raster image)
    {
        using var dir = new TempDir();
        string path = dir.File("img.png");
        ImageFiles.WritePng(path, image);
        PngInfo info = Pil.DecodePng(path);
        Assert.True(info.CrcOk);
        Assert.Equal((image.Width, image.Height), (info.Width, info.Height));
        Assert.Equal(image.Channels == 1 ? "L" : "RGB", info.Mode);
        return info.Pixels;
    }

    internal static byte[] RandomPixels(int length, int seed)
    {
        byte[] b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }
}
