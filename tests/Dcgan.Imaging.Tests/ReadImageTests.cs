// Tests for ImageFiles.ReadImage and DecodeImage: files written by Pillow's own encoders (gray and RGB PNG, 16-bit
// gray PNG, RGBA PNG, JPEG) come back with the right channel count and pixels; what is not an image is refused by name.
using Dcgan.TestSupport;

namespace Dcgan.Imaging.Tests;

public class ReadImageTests
{
    private const int W = 13, H = 9;

    [SkippableFact]
    public void GrayPngIsOneChannelExactly()
    {
        Pil.SkipIfMissing();
        byte[] pixels = PngFileTests.RandomPixels(W * H, 1);
        Raster image = ReadPillowFile("gray.png", "PNG", "L", pixels);
        Assert.Equal((W, H, 1), (image.Width, image.Height, image.Channels));
        Assert.Equal(pixels, image.Pixels);
    }

    [SkippableFact]
    public void RgbPngIsThreeChannelsExactly()
    {
        Pil.SkipIfMissing();
        byte[] pixels = PngFileTests.RandomPixels(W * H * 3, 2);
        Raster image = ReadPillowFile("rgb.png", "PNG", "RGB", pixels);
        Assert.Equal((W, H, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(pixels, image.Pixels);
    }

    [SkippableFact]
    public void SixteenBitGrayPngIsOneChannelOfItsHighBytes()
    {
        Pil.SkipIfMissing();
        // Levels v * 257 are exact in 16 bits and must come back as v.
        byte[] levels = PngFileTests.RandomPixels(W * H, 3);
        byte[] big = new byte[W * H * 2];
        for (int i = 0; i < levels.Length; i++)
        {
            big[2 * i] = levels[i];
            big[2 * i + 1] = levels[i];
        }
        Raster image = ReadPillowFile("deep.png", "PNG", "I;16", big);
        Assert.Equal(1, image.Channels);
        Assert.Equal(levels, image.Pixels);
    }

    [SkippableFact]
    public void RgbaPngDropsAlpha()
    {
        Pil.SkipIfMissing();
        byte[] rgba = PngFileTests.RandomPixels(W * H * 4, 4);
        for (int i = 3; i < rgba.Length; i += 4)
        {
            rgba[i] = 255;
        }
        Raster image = ReadPillowFile("rgba.png", "PNG", "RGBA", rgba);
        Assert.Equal(3, image.Channels);
        byte[] rgb = Enumerable.Range(0, W * H).SelectMany(p => rgba.Skip(4 * p).Take(3)).ToArray();
        Assert.Equal(rgb, image.Pixels);
    }

    [SkippableFact]
    public void JpegIsThreeChannelsCloseToWhatWasSaved()
    {
        Pil.SkipIfMissing();
        // Smooth colours survive JPEG at quality 95 within a few levels; noise would not.
        const int S = 32;
        byte[] pixels = new byte[S * S * 3];
        for (int y = 0; y < S; y++)
        {
            for (int x = 0; x < S; x++)
            {
                int i = (y * S + x) * 3;
                pixels[i] = (byte)(x * 8);
                pixels[i + 1] = (byte)(y * 8);
                pixels[i + 2] = (byte)(128 + (x - y) * 2);
            }
        }
        using var dir = new TempDir();
        string path = dir.File("photo.jpg");
        Pil.WriteImage(path, "JPEG", "RGB", S, S, pixels);
        Raster image = ImageFiles.ReadImage(path);
        Assert.Equal((S, S, 3), (image.Width, image.Height, image.Channels));
        int worst = pixels.Zip(image.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 8, $"a channel is off by {worst}");
        Assert.True(image.Pixels.Zip(pixels, (a, b) => Math.Abs(a - b)).Average() < 2.0);
    }

    [Fact]
    public void OurOwnPngsReadBackWithTheirChannels()
    {
        using var dir = new TempDir();
        var gray = new Raster(5, 4, 1, PngFileTests.RandomPixels(20, 5));
        var rgb = new Raster(5, 4, 3, PngFileTests.RandomPixels(60, 6));
        ImageFiles.WritePng(dir.File("g.png"), gray);
        ImageFiles.WritePng(dir.File("c.png"), rgb);
        Assert.Equal(gray.Pixels, ImageFiles.ReadImage(dir.File("g.png")).Pixels);
        Assert.Equal(1, ImageFiles.ReadImage(dir.File("g.png")).Channels);
        Assert.Equal(rgb.Pixels, ImageFiles.ReadImage(dir.File("c.png")).Pixels);
        Assert.Equal(3, ImageFiles.ReadImage(dir.File("c.png")).Channels);
    }

    [Fact]
    public void WhatIsNotAnImageIsRefusedByName()
    {
        using var dir = new TempDir();
        string text = dir.File("notes.png");
        File.WriteAllText(text, "not a picture");
        var e = Assert.Throws<InvalidDataException>(() => ImageFiles.ReadImage(text));
        Assert.Contains(text, e.Message, StringComparison.Ordinal);

        // A PNG cut short after its header is recognised as PNG, then reported as damaged.
        byte[] png = ImageFiles.EncodePng(new Raster(64, 64, 3, PngFileTests.RandomPixels(64 * 64 * 3, 7)));
        string cut = dir.File("cut.png");
        File.WriteAllBytes(cut, png[..(png.Length / 2)]);
        e = Assert.Throws<InvalidDataException>(() => ImageFiles.ReadImage(cut));
        Assert.Contains(cut, e.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => ImageFiles.DecodeImage([1, 2, 3]));
        Assert.ThrowsAny<IOException>(() => ImageFiles.ReadImage(dir.File("missing.png")));
    }

    private static Raster ReadPillowFile(string name, string format, string mode, byte[] pixels)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        Pil.WriteImage(path, format, mode, W, H, pixels);
        return ImageFiles.ReadImage(path);
    }
}
