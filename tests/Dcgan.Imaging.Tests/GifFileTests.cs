// Tests for ImageFiles.WriteGif through Pillow (an independent decoder): every gray level of gray frames exact, colour
// frames within a small tolerance, frame count, per-frame delay, infinite looping, and the checks on the frames.
using Dcgan.TestSupport;

namespace Dcgan.Imaging.Tests;

public class GifFileTests
{
    [SkippableFact]
    public void GrayFramesKeepEveryLevelWithDelaysAndInfiniteLoop()
    {
        Pil.SkipIfMissing();
        const int W = 37, H = 23;
        var frames = new List<Raster>();
        for (int f = 0; f < 3; f++)
        {
            var img = new Raster(W, H, 1);
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    img[x, y] = (byte)(x * 7 + y * 3 + f * 50);
                }
            }
            frames.Add(img);
        }
        frames.Add(new Raster(W, H, 1, PngFileTests.RandomPixels(W * H, 11)));
        // Every one of the 256 levels in one frame: a palette that dropped or merged any would show here.
        frames.Add(Pad(new Raster(16, 16, 1, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()), W, H));

        using var dir = new TempDir();
        string path = dir.File("anim.gif");
        ImageFiles.WriteGif(path, frames, delayCentiseconds: 35);

        GifInfo info = Pil.DecodeGif(path, "L");
        Assert.Equal("GIF", info.Format);
        Assert.Equal((W, H), (info.Width, info.Height));
        Assert.Equal(0, info.Loop);
        Assert.Equal(frames.Count, info.Frames.Length);
        Assert.All(info.Durations, d => Assert.Equal(350, d));
        for (int f = 0; f < frames.Count; f++)
        {
            Assert.Equal(frames[f].Pixels, info.Frames[f]);
        }
    }

    [SkippableTheory]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, 255)]
    [InlineData(300, 200, 77)]
    [InlineData(5, 3, 128)]
    public void ConstantAndTinyGrayFramesRoundTrip(int width, int height, byte value)
    {
        Pil.SkipIfMissing();
        var frame = new Raster(width, height, 1);
        Array.Fill(frame.Pixels, value);
        using var dir = new TempDir();
        string path = dir.File("c.gif");
        ImageFiles.WriteGif(path, [frame, frame], 7);
        GifInfo info = Pil.DecodeGif(path, "L");
        Assert.Equal(2, info.Frames.Length);
        Assert.Equal(frame.Pixels, info.Frames[0]);
        Assert.Equal(frame.Pixels, info.Frames[1]);
        Assert.Equal([70, 70], info.Durations);
    }

    [SkippableFact]
    public void ColourFramesStayCloseToTheirPixels()
    {
        Pil.SkipIfMissing();
        // Three colour sample grids as training writes them: smooth blobs of different hues on dark ground,
        // with the mid-gray gutters, far more than 256 colours in each.
        var frames = new List<Raster>();
        for (int f = 0; f < 3; f++)
        {
            const int N = 16, S = 12;
            float[] images = new float[N * S * S * 3];
            for (int i = 0; i < N; i++)
            {
                for (int y = 0; y < S; y++)
                {
                    for (int x = 0; x < S; x++)
                    {
                        float r2 = ((x - 5.5f) * (x - 5.5f) + (y - 5.5f) * (y - 5.5f)) / 30f;
                        for (int c = 0; c < 3; c++)
                        {
                            float hue = MathF.Cos(i * 0.7f + c * 2.1f + f);
                            images[((i * S + y) * S + x) * 3 + c] = Math.Clamp(hue * MathF.Exp(-r2) - 0.6f * r2 / 4, -1f, 1f);
                        }
                    }
                }
            }
            frames.Add(SampleGrid.Compose(images, N, S, S, 3, 4, 4, GridScaling.FixedMinusOneToOne, upscale: 2));
        }

        using var dir = new TempDir();
        string path = dir.File("colour.gif");
        ImageFiles.WriteGif(path, frames, delayCentiseconds: 30);

        GifInfo info = Pil.DecodeGif(path, "RGB");
        Assert.Equal((frames[0].Width, frames[0].Height), (info.Width, info.Height));
        Assert.Equal(0, info.Loop);
        Assert.Equal(3, info.Frames.Length);
        Assert.Equal([300, 300, 300], info.Durations);
        for (int f = 0; f < frames.Count; f++)
        {
            byte[] want = frames[f].Pixels;
            byte[] got = info.Frames[f];
            Assert.Equal(want.Length, got.Length);
            int worst = 0;
            long total = 0;
            for (int i = 0; i < want.Length; i++)
            {
                int d = Math.Abs(want[i] - got[i]);
                worst = Math.Max(worst, d);
                total += d;
            }
            double mean = (double)total / want.Length;
            Assert.True(worst <= 12, $"frame {f}: a channel is off by {worst}");
            Assert.True(mean <= 1.0, $"frame {f}: channels are off by {mean:0.00} on average");
        }
    }

    [SkippableFact]
    public void AColourFrameWithFewColoursIsExact()
    {
        Pil.SkipIfMissing();
        // 200 distinct colours fit one table, so Wu's quantizer must keep each of them.
        var frame = new Raster(20, 10, 3);
        for (int i = 0; i < 200; i++)
        {
            frame.Pixels[3 * i] = (byte)(i * 37 % 256);
            frame.Pixels[3 * i + 1] = (byte)(i * 11 % 256);
            frame.Pixels[3 * i + 2] = (byte)(255 - i);
        }
        using var dir = new TempDir();
        string path = dir.File("few.gif");
        ImageFiles.WriteGif(path, [frame], 5);
        GifInfo info = Pil.DecodeGif(path, "RGB");
        Assert.Single(info.Frames);
        Assert.Equal(frame.Pixels, info.Frames[0]);
    }

    [Fact]
    public void FramesMustAgreeAndNothingIsWrittenOtherwise()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.gif");
        var gray = new Raster(4, 4, 1);
        Assert.Throws<ArgumentException>(() => ImageFiles.WriteGif(path, [], 10));
        Assert.Throws<ArgumentException>(() => ImageFiles.WriteGif(path, [gray, new Raster(4, 5, 1)], 10));
        Assert.Throws<ArgumentException>(() => ImageFiles.WriteGif(path, [gray, new Raster(4, 4, 3)], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFiles.WriteGif(path, [gray], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFiles.WriteGif(path, [gray], 65536));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root));
    }

    [Fact]
    public void WriteGifReplacesAtomically()
    {
        using var dir = new TempDir();
        string path = dir.File("a.gif");
        ImageFiles.WriteGif(path, [new Raster(3, 3, 1)], 10);
        ImageFiles.WriteGif(path, [new Raster(5, 2, 3), new Raster(5, 2, 3)], 10);
        Assert.True(File.ReadAllBytes(path).AsSpan().StartsWith("GIF89a"u8));
        Raster first = ImageFiles.ReadImage(path);
        Assert.Equal((5, 2, 3), (first.Width, first.Height, first.Channels));
        Assert.Equal(["a.gif"], Directory.GetFiles(dir.Root).Select(Path.GetFileName));
    }

    // The small raster in the top-left corner of a black width x height one.
    private static Raster Pad(Raster small, int width, int height)
    {
        var big = new Raster(width, height, small.Channels);
        for (int y = 0; y < small.Height; y++)
        {
            small.Row(y).CopyTo(big.Row(y));
        }
        return big;
    }
}
