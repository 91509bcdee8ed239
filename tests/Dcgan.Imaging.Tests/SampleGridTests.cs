// Tests for SampleGrid: output size, tile placement, both value mappings at tile corners, upscaling, gutters.
using Dcgan.Imaging;

namespace Dcgan.Imaging.Tests;

public class SampleGridTests
{
    private const int H = 3, W = 4;

    // Image i: value at (y, x) = base_i + step_i * (y * W + x); corners are the first and last pixel.
    private static float[] Batch(int count, Func<int, int, float> value)
    {
        float[] data = new float[count * H * W];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < H * W; p++)
            {
                data[i * H * W + p] = value(i, p);
            }
        }
        return data;
    }

    [Fact]
    public void SizeFollowsTilesUpscaleAndGutters()
    {
        Raster g = SampleGrid.Compose(new float[6 * H * W], 6, H, W, 1, rows: 2, cols: 3, upscale: 5, gutter: 2);
        Assert.Equal(3 * W * 5 + 4 * 2, g.Width);
        Assert.Equal(2 * H * 5 + 3 * 2, g.Height);

        Raster mnist = SampleGrid.Compose(new float[16 * 28 * 28], 16, 28, 28, 1, 4, 4);
        Assert.Equal(4 * 112 + 5 * 2, mnist.Width);
        Assert.Equal(mnist.Width, mnist.Height);
    }

    [Fact]
    public void FixedScalingMapsMinusOneToOneAndRoundsHalvesUp()
    {
        Assert.Equal(0, SampleGrid.FixedLevel(-1f));
        Assert.Equal(255, SampleGrid.FixedLevel(1f));
        Assert.Equal(128, SampleGrid.FixedLevel(0f));          // 127.5 rounds up
        Assert.Equal(0, SampleGrid.FixedLevel(-3f));
        Assert.Equal(255, SampleGrid.FixedLevel(7f));
        Assert.Equal(0, SampleGrid.FixedLevel(float.NaN));
        Assert.Equal(64, SampleGrid.FixedLevel(-0.5f));        // 63.75
        Assert.Equal(191, SampleGrid.FixedLevel(0.5f));        // 191.25

        // Tile 0 runs -1 .. 1 across its pixels; tile 1 is shifted outside the range and clamps.
        float[] data = Batch(2, (i, p) => -1f + 2f * p / (H * W - 1) + (i == 1 ? 0.5f : 0f));
        Raster g = SampleGrid.Compose(data, 2, H, W, 1, rows: 1, cols: 2, GridScaling.FixedMinusOneToOne, upscale: 2, gutter: 1, gutterGray: 77);
        int tileW = W * 2, tileH = H * 2;
        // Top-left and bottom-right output pixels of each tile.
        Assert.Equal(0, g[1, 1]);
        Assert.Equal(255, g[1 + tileW - 1, 1 + tileH - 1]);
        Assert.Equal(SampleGrid.FixedLevel(-0.5f), g[1 + tileW + 1, 1]);
        Assert.Equal(255, g[1 + tileW + 1 + tileW - 1, 1 + tileH - 1]);
        // An interior pixel: p = 5 -> x = 1, y = 1.
        Assert.Equal(SampleGrid.FixedLevel(-1f + 2f * 5 / 11), g[1 + 2 * 1, 1 + 2 * 1]);
    }

    [Fact]
    public void PerTileScalingStretchesEachTileLikeImshow()
    {
        // Tiles with very different ranges each span black..white; a constant tile is black.
        float[] data = Batch(3, (i, p) => i switch
        {
            0 => 0.1f + 0.01f * p,
            1 => -50f + 10f * p,
            _ => 0.25f,
        });
        Raster g = SampleGrid.Compose(data, 3, H, W, 1, rows: 2, cols: 2, GridScaling.PerTileMinMax, upscale: 1, gutter: 0);
        Assert.Equal(0, g[0, 0]);
        Assert.Equal(255, g[W - 1, H - 1]);
        Assert.Equal(0, g[W, 0]);
        Assert.Equal(255, g[2 * W - 1, H - 1]);
        Assert.All(Enumerable.Range(0, H).SelectMany(y => Enumerable.Range(0, W).Select(x => g[x, H + y])), v => Assert.Equal(0, v));
        // Empty cell (no fourth image) shows the gutter colour.
        Assert.Equal(SampleGrid.DefaultGutterGray, g[W, H]);
        // Mid value of tile 1 (p = 1 of 0..11): floor(1/11 * 256) = 23.
        Assert.Equal(23, g[W + 1, 0]);
        Assert.Equal(128, SampleGrid.MinMaxLevel(0.5f, 0f, 1f));
        Assert.Equal(255, SampleGrid.MinMaxLevel(1f, 0f, 1f));
        Assert.Equal(0, SampleGrid.MinMaxLevel(3f, 3f, 3f));
    }

    [Fact]
    public void PerTileScalingIgnoresNonFiniteValuesForTheRange()
    {
        float[] data = Batch(1, (_, p) => p switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => p });
        Raster g = SampleGrid.Compose(data, 1, H, W, 1, 1, 1, GridScaling.PerTileMinMax, upscale: 1, gutter: 0);
        Assert.Equal(0, g[0, 0]);
        Assert.Equal(255, g[1, 0]);
        Assert.Equal(0, g[2, 0]);
        Assert.Equal(0, g[3, 0]);                        // p = 3 is the finite minimum
        Assert.Equal(255, g[W - 1, H - 1]);              // p = 11 is the finite maximum
    }

    [Fact]
    public void UpscalingRepeatsPixelsAndGuttersSurroundTiles()
    {
        float[] data = Batch(4, (i, p) => p == 0 ? 1f : -1f); // white top-left source pixel, black elsewhere
        const int S = 3, G = 2;
        Raster g = SampleGrid.Compose(data, 4, H, W, 1, 2, 2, GridScaling.FixedMinusOneToOne, upscale: S, gutter: G, gutterGray: 200);
        for (int tile = 0; tile < 4; tile++)
        {
            int x0 = G + (tile % 2) * (W * S + G);
            int y0 = G + (tile / 2) * (H * S + G);
            for (int dy = 0; dy < H * S; dy++)
            {
                for (int dx = 0; dx < W * S; dx++)
                {
                    byte expected = dx < S && dy < S ? (byte)255 : (byte)0;
                    Assert.Equal(expected, g[x0 + dx, y0 + dy]);
                }
            }
            // The gutter pixels just outside the tile's corners.
            Assert.Equal(200, g[x0 - 1, y0 - 1]);
            Assert.Equal(200, g[x0 + W * S, y0 + H * S]);
        }
        int gutterCount = g.Pixels.Count(v => v == 200);
        Assert.Equal(g.Width * g.Height - 4 * W * S * H * S, gutterCount);
    }

    [Fact]
    public void GridRoundTripsThroughPng()
    {
        float[] data = Batch(16, (i, p) => MathF.Sin(i + p * 0.3f));
        Raster g = SampleGrid.Compose(data, 16, H, W, 1, 4, 4);
        Raster back = ImageFiles.DecodeImage(ImageFiles.EncodePng(g));
        Assert.Equal((g.Width, g.Height, 1), (back.Width, back.Height, back.Channels));
        Assert.Equal(g.Pixels, back.Pixels);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(16, 4, 4)]
    [InlineData(10, 3, 4)]
    [InlineData(17, 4, 5)]
    [InlineData(64, 8, 8)]
    public void SquareLayoutFitsTheCount(int count, int rows, int cols)
    {
        Assert.Equal((rows, cols), SampleGrid.SquareLayout(count));
    }

    [Fact]
    public void BadShapesThrow()
    {
        Assert.Throws<ArgumentException>(() => SampleGrid.Compose(new float[5], 1, H, W, 1, 1, 1));
        Assert.Throws<ArgumentException>(() => SampleGrid.Compose(new float[5 * H * W], 5, H, W, 1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleGrid.Compose(new float[H * W], 1, H, W, 1, 1, 1, upscale: 0));
    }
}
