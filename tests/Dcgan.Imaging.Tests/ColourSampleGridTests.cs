// Tests for SampleGrid on 3-channel images, read back by Pillow from the PNG: tile placement, gutters and empty cells
// against a per-pixel reference, fixed scaling per channel, and per-tile scaling with one range over all channels.
using Dcgan.TestSupport;

namespace Dcgan.Imaging.Tests;

public class ColourSampleGridTests
{
    private const int H = 3, W = 4, C = 3;

    // Image i: value of channel c at (y, x) = value(i, y * W + x, c).
    private static float[] Batch(int count, Func<int, int, int, float> value)
    {
        float[] data = new float[count * H * W * C];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < H * W; p++)
            {
                for (int c = 0; c < C; c++)
                {
                    data[(i * H * W + p) * C + c] = value(i, p, c);
                }
            }
        }
        return data;
    }

    [SkippableFact]
    public void FixedScalingPlacesEveryTileAndGutterLikeAPerPixelReference()
    {
        Pil.SkipIfMissing();
        const int Rows = 2, Cols = 3, Count = 5, S = 2, G = 3;
        const byte Gutter = 90;
        float[] data = Batch(Count, (i, p, c) => MathF.Sin(i * 1.3f + p * 0.45f + c * 2f) * 1.2f);
        Raster grid = SampleGrid.Compose(data, Count, H, W, C, Rows, Cols, GridScaling.FixedMinusOneToOne, upscale: S, gutter: G, gutterGray: Gutter);
        Assert.Equal((Cols * W * S + (Cols + 1) * G, Rows * H * S + (Rows + 1) * G, 3), (grid.Width, grid.Height, grid.Channels));

        // Reference: where does each output pixel fall? A gutter, an empty cell, or source pixel (y, x) of tile i.
        byte[] expected = new byte[grid.Width * grid.Height * C];
        for (int oy = 0; oy < grid.Height; oy++)
        {
            for (int ox = 0; ox < grid.Width; ox++)
            {
                int cx = (ox - G) / (W * S + G), inX = (ox - G) % (W * S + G);
                int cy = (oy - G) / (H * S + G), inY = (oy - G) % (H * S + G);
                bool inTile = ox >= G && oy >= G && inX < W * S && inY < H * S && cx < Cols && cy < Rows;
                int tile = cy * Cols + cx;
                for (int c = 0; c < C; c++)
                {
                    expected[(oy * grid.Width + ox) * C + c] = inTile && tile < Count
                        ? SampleGrid.FixedLevel(data[((tile * H + inY / S) * W + inX / S) * C + c])
                        : Gutter;
                }
            }
        }
        Assert.Equal(expected, PngFileTests.PillowPixels(grid));
    }

    [SkippableFact]
    public void PerTileScalingUsesOneRangeOverAllChannels()
    {
        Pil.SkipIfMissing();
        // Tile 0: red runs 0..0.5, green -1..1, blue stays 0.25: the tile's range is green's, -1..1.
        // Tile 1: a dim colour, all channels in 0.1..0.2: stretched as a whole, so red > green > blue stays so.
        float[] data = Batch(2, (i, p, c) => i == 0
            ? c switch { 0 => 0.5f * p / 11, 1 => -1f + 2f * p / 11, _ => 0.25f }
            : 0.1f + 0.1f * p / 11 * (3 - c) / 3);
        Raster grid = SampleGrid.Compose(data, 2, H, W, C, 1, 2, GridScaling.PerTileMinMax, upscale: 1, gutter: 0);
        byte[] got = PngFileTests.PillowPixels(grid);
        byte Level(int x, int y, int c) => got[(y * grid.Width + x) * C + c];
        float min1 = data[(H * W * C)..].Min(), max1 = data[(H * W * C)..].Max();

        for (int p = 0; p < H * W; p++)
        {
            int x = p % W, y = p / W;
            for (int c = 0; c < C; c++)
            {
                Assert.Equal(SampleGrid.MinMaxLevel(data[p * C + c], -1f, 1f), Level(x, y, c));
                Assert.Equal(SampleGrid.MinMaxLevel(data[(H * W + p) * C + c], min1, max1), Level(W + x, y, c));
            }
        }
        // Green spans the full range; blue is one constant mid level, not stretched to black on its own.
        Assert.Equal(0, Level(0, 0, 1));
        Assert.Equal(255, Level(W - 1, H - 1, 1));
        Assert.Equal(SampleGrid.MinMaxLevel(0.25f, -1f, 1f), Level(1, 1, 2));
        Assert.Equal(160, Level(1, 1, 2));
        // Tile 1's last pixel: red is the tile maximum, green and blue keep their fractions of it.
        Assert.Equal(255, Level(2 * W - 1, H - 1, 0));
        Assert.True(Level(2 * W - 1, H - 1, 0) > Level(2 * W - 1, H - 1, 1));
        Assert.True(Level(2 * W - 1, H - 1, 1) > Level(2 * W - 1, H - 1, 2));
    }

    [Fact]
    public void AGrayImageRepeatedInThreeChannelsGivesTheGrayGridInEachChannel()
    {
        float[] gray = new float[4 * H * W];
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = MathF.Cos(i * 0.37f);
        }
        float[] rgb = gray.SelectMany(v => new[] { v, v, v }).ToArray();
        foreach (GridScaling scaling in new[] { GridScaling.PerTileMinMax, GridScaling.FixedMinusOneToOne })
        {
            Raster one = SampleGrid.Compose(gray, 4, H, W, 1, 2, 2, scaling, upscale: 3);
            Raster three = SampleGrid.Compose(rgb, 4, H, W, 3, 2, 2, scaling, upscale: 3);
            Assert.Equal((one.Width, one.Height), (three.Width, three.Height));
            Assert.Equal(one.Pixels.SelectMany(v => new[] { v, v, v }), three.Pixels);
        }
    }

    [Fact]
    public void RunsScaleGrayPerTileAndColourFixed()
    {
        Assert.Equal(GridScaling.PerTileMinMax, SampleGrid.ScalingForChannels(1));
        Assert.Equal(GridScaling.FixedMinusOneToOne, SampleGrid.ScalingForChannels(3));
    }

    [Fact]
    public void ChannelCountsOtherThanOneAndThreeAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleGrid.Compose(new float[H * W * 2], 1, H, W, 2, 1, 1));
        Assert.Throws<ArgumentException>(() => SampleGrid.Compose(new float[H * W], 1, H, W, 3, 1, 1));
    }
}
