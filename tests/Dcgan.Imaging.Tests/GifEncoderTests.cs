// Tests for GifEncoder and its LZW coder: frames, delays and looping through Pillow, plus LZW edge cases
// (code-table resets, 1x1 and constant frames, tiny palettes) through a strict test-side reader.
using Dcgan.Imaging;

using Dcgan.TestSupport;

namespace Dcgan.Imaging.Tests;

public class GifEncoderTests
{
    [Fact]
    public void AnimationDecodesWithFramesDelaysAndInfiniteLoop()
    {
        const int W = 37, H = 23;
        var frames = new List<GrayImage>();
        for (int f = 0; f < 3; f++)
        {
            var img = new GrayImage(W, H);
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    img[x, y] = (byte)(x * 7 + y * 3 + f * 50);
                }
            }
            frames.Add(img);
        }
        frames.Add(new GrayImage(W, H, PngEncoderTests.RandomPixels(W * H, 11)));
        int[] delays = [10, 20, 35, 0];

        using var dir = new TempDir();
        string path = dir.File("anim.gif");
        GifEncoder.WriteFile(path, frames, delays);

        GifFileInfo mine = GifTestReader.Read(File.ReadAllBytes(path));
        Assert.Equal(0, mine.Loop);
        Assert.Equal(delays, mine.Frames.Select(f => f.DelayCentiseconds));
        Assert.Equal(frames.Select(f => f.Pixels), mine.Frames.Select(f => f.Pixels));
        Assert.Equal(GifEncoder.GrayPalette(), mine.Palette);

        if (Pil.Skip)
        {
            return;
        }
        GifInfo info = Pil.DecodeGif(path);
        Assert.Equal("GIF", info.Format);
        Assert.Equal((W, H), (info.Width, info.Height));
        Assert.Equal(0, info.Loop);
        Assert.Equal(4, info.Frames.Length);
        Assert.Equal(delays.Select(d => d * 10), info.Durations);
        for (int f = 0; f < frames.Count; f++)
        {
            Assert.Equal(frames[f].Pixels, info.Frames[f]);
        }
    }

    [Fact]
    public void LargeRandomFrameForcesClearCodeResets()
    {
        // 256 x 256 random bytes need far more than 4096 codes, so the table must be reset mid-frame.
        const int W = 256, H = 256;
        var frames = new[] { new GrayImage(W, H, PngEncoderTests.RandomPixels(W * H, 5)), new GrayImage(W, H, PngEncoderTests.RandomPixels(W * H, 6)) };
        using var dir = new TempDir();
        string path = dir.File("random.gif");
        GifEncoder.WriteFile(path, frames, 5);

        GifFileInfo mine = GifTestReader.Read(File.ReadAllBytes(path));
        Assert.All(mine.Frames, f => Assert.True(f.ClearCodes >= 3, $"only {f.ClearCodes} clear codes"));
        Assert.Equal(frames[1].Pixels, mine.Frames[1].Pixels);
        if (Pil.Skip)
        {
            return;
        }
        GifInfo info = Pil.DecodeGif(path);
        Assert.Equal(2, info.Frames.Length);
        Assert.Equal(frames[0].Pixels, info.Frames[0]);
        Assert.Equal(frames[1].Pixels, info.Frames[1]);
        Assert.Equal([50, 50], info.Durations);
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, 255)]
    [InlineData(300, 200, 77)]
    [InlineData(5, 3, 128)]
    public void ConstantAndTinyFramesRoundTrip(int width, int height, byte value)
    {
        var frame = new GrayImage(width, height);
        Array.Fill(frame.Pixels, value);
        using var dir = new TempDir();
        string path = dir.File("c.gif");
        GifEncoder.WriteFile(path, [frame, frame], [7, 9]);
        GifFileInfo mine = GifTestReader.Read(File.ReadAllBytes(path));
        Assert.Equal(frame.Pixels, mine.Frames[0].Pixels);
        if (Pil.Skip)
        {
            return;
        }
        GifInfo info = Pil.DecodeGif(path);
        Assert.Equal(2, info.Frames.Length);
        Assert.Equal(frame.Pixels, info.Frames[0]);
        Assert.Equal(frame.Pixels, info.Frames[1]);
        Assert.Equal([70, 90], info.Durations);
    }

    [Fact]
    public void EveryLengthEndsWithTheEndCodeAtTheRightWidth()
    {
        // Whether the end code must be one bit wider depends on how many codes the frame used. Zero padding
        // hides a too-narrow end code unless the correct stream ends one bit into its last byte (the short
        // stream then lacks that byte), so sweep lengths and palette sizes (2-, 3- and 8-bit codes) and check
        // the sweep really contains such discriminating frames.
        var rng = new Random(3);
        int discriminating = 0;
        foreach (int colours in new[] { 4, 8, 256 })
        {
            byte[] palette = new byte[3 * colours];
            for (int n = 1; n <= 2000; n++)
            {
                byte[] pixels = new byte[n];
                int alphabet = n % 3 == 0 ? 3 : 2;
                for (int i = 0; i < n; i++)
                {
                    pixels[i] = (byte)rng.Next(alphabet);
                }
                using var ms = new MemoryStream();
                using (var gif = new GifEncoder(ms, n, 1, palette, leaveOpen: true))
                {
                    gif.AddFrame(pixels, 1);
                }
                GifFrameInfo frame = GifTestReader.Read(ms.ToArray()).Frames[0];
                Assert.Equal(pixels, frame.Pixels);
                if (frame.WidenedBeforeEnd && frame.BitsUsed % 8 == 1)
                {
                    discriminating++;
                }
            }
        }
        Assert.True(discriminating >= 3, $"sweep hit only {discriminating} discriminating frames");
    }

    [Fact]
    public void SmallCustomPaletteUsesMinimumCodeSizeAndDecodesToItsColours()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255]; // three colours, padded to four
        const int W = 64, H = 50;
        var rng = new Random(9);
        var frames = new List<byte[]>();
        for (int f = 0; f < 3; f++)
        {
            byte[] px = new byte[W * H];
            for (int i = 0; i < px.Length; i++)
            {
                px[i] = (byte)(f == 2 ? (i / 7) % 3 : rng.Next(3));
            }
            frames.Add(px);
        }
        using var dir = new TempDir();
        string path = dir.File("rgb.gif");
        using (var stream = File.Create(path))
        using (var gif = new GifEncoder(stream, W, H, palette))
        {
            foreach (byte[] px in frames)
            {
                gif.AddFrame(px, 4);
            }
            Assert.Throws<ArgumentException>(() => gif.AddFrame(new byte[W * H].Select(_ => (byte)3).ToArray(), 4));
        }
        GifFileInfo mine = GifTestReader.Read(File.ReadAllBytes(path));
        Assert.All(mine.Frames, f => Assert.Equal(2, f.MinCodeSize));
        Assert.Equal(12, mine.Palette.Length);
        Assert.Equal(frames, mine.Frames.Select(f => f.Pixels));
        if (Pil.Skip)
        {
            return;
        }
        GifInfo info = Pil.DecodeGif(path, "RGB");
        Assert.Equal(3, info.Frames.Length);
        for (int f = 0; f < 3; f++)
        {
            byte[] expected = frames[f].SelectMany(i => palette.AsSpan(3 * i, 3).ToArray()).ToArray();
            Assert.Equal(expected, info.Frames[f]);
        }
    }

    [Fact]
    public void MisuseIsRejected()
    {
        using var ms = new MemoryStream();
        var gif = new GifEncoder(ms, 4, 4, leaveOpen: true);
        Assert.Throws<ArgumentException>(() => gif.AddFrame(new byte[15], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gif.AddFrame(new byte[16], -1));
        Assert.Throws<InvalidOperationException>(() => gif.Finish());
        gif.AddFrame(new byte[16], 1);
        gif.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gif.AddFrame(new byte[16], 1));
        Assert.Equal(0x3B, ms.ToArray()[^1]);
        Assert.Throws<ArgumentException>(() => GifEncoder.Encode([new GrayImage(2, 2), new GrayImage(3, 2)], [1, 1]));
        Assert.Throws<ArgumentException>(() => new GifEncoder(new MemoryStream(), 2, 2, new byte[3]));
    }
}
