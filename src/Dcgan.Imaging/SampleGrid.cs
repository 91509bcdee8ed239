// Composes a batch of float images (NHWC with 1 gray or 3 RGB channels, values in [-1, 1]) into one picture: tiles
// in a rows x cols grid, scaled to 8-bit levels, enlarged by an integer factor, separated by gutters.
namespace Dcgan.Imaging;

/// <summary>Builds sample grids like the TensorFlow DCGAN tutorial's 4x4 figures.</summary>
public static class SampleGrid
{
    /// <summary>Default tile enlargement: 28 px MNIST digits become 112 px tiles.</summary>
    public const int DefaultUpscale = 4;

    /// <summary>Default gutter width in output pixels.</summary>
    public const int DefaultGutter = 2;

    /// <summary>Default gutter gray: mid-gray stays visible against both black backgrounds and white strokes.</summary>
    public const byte DefaultGutterGray = 128;

    /// <summary>
    /// Draws <paramref name="count"/> images of <paramref name="height"/> x <paramref name="width"/> x
    /// <paramref name="channels"/> floats from <paramref name="images"/> (NHWC, so image i starts at
    /// i * height * width * channels) into a grid with the images' channels.
    /// </summary>
    /// <remarks>
    /// Tile i goes to row i / cols, column i % cols. Cells without an image, the gutters between tiles and the
    /// border (also <paramref name="gutter"/> wide) are <paramref name="gutterGray"/> in every channel. Output size:
    /// cols * width * upscale + (cols + 1) * gutter by rows * height * upscale + (rows + 1) * gutter.
    /// NaN maps to 0; infinities are left out of a tile's min/max and then clamp to 0 or 255. A colour tile's
    /// per-tile range is one min and max over all its channels, so the ratios between red, green and blue survive.
    /// </remarks>
    public static Raster Compose(
        ReadOnlySpan<float> images,
        int count,
        int height,
        int width,
        int channels,
        int rows,
        int cols,
        GridScaling scaling = GridScaling.PerTileMinMax,
        int upscale = DefaultUpscale,
        int gutter = DefaultGutter,
        byte gutterGray = DefaultGutterGray)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Sample grids have 1 (gray) or 3 (RGB) channels.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(upscale);
        ArgumentOutOfRangeException.ThrowIfNegative(gutter);
        int tileValues = checked(height * width * channels);
        if (images.Length != checked(count * tileValues))
        {
            throw new ArgumentException($"Expected {count} x {height} x {width} x {channels} = {(long)count * tileValues} values, got {images.Length}.", nameof(images));
        }
        if (count > rows * cols)
        {
            throw new ArgumentException($"{count} images do not fit a {rows} x {cols} grid.", nameof(count));
        }

        int tileW = checked(width * upscale);
        int tileH = checked(height * upscale);
        int outW = checked(cols * tileW + (cols + 1) * gutter);
        int outH = checked(rows * tileH + (rows + 1) * gutter);
        var image = new Raster(outW, outH, channels);
        byte[] pixels = image.Pixels;
        pixels.AsSpan().Fill(gutterGray);

        // Byte strides: a pixel is `channels` bytes, so tile rows and output rows are measured in bytes.
        int srcRowBytes = width * channels;
        int tileRowBytes = tileW * channels;
        int outRowBytes = outW * channels;
        byte[] tile = new byte[tileValues];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> src = images.Slice(i * tileValues, tileValues);
            if (scaling == GridScaling.PerTileMinMax)
            {
                ScaleMinMax(src, tile);
            }
            else
            {
                ScaleFixed(src, tile);
            }

            int x0 = gutter + (i % cols) * (tileW + gutter);
            int y0 = gutter + (i / cols) * (tileH + gutter);
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<byte> srcRow = tile.AsSpan(y * srcRowBytes, srcRowBytes);
                Span<byte> first = pixels.AsSpan((y0 + y * upscale) * outRowBytes + x0 * channels, tileRowBytes);
                if (channels == 1)
                {
                    for (int x = 0; x < width; x++)
                    {
                        first.Slice(x * upscale, upscale).Fill(srcRow[x]);
                    }
                }
                else
                {
                    for (int x = 0; x < width; x++)
                    {
                        ReadOnlySpan<byte> pixel = srcRow.Slice(x * channels, channels);
                        for (int r = 0; r < upscale; r++)
                        {
                            pixel.CopyTo(first.Slice((x * upscale + r) * channels));
                        }
                    }
                }
                // Nearest neighbour vertically: the remaining rows of the block repeat the first.
                for (int r = 1; r < upscale; r++)
                {
                    first.CopyTo(pixels.AsSpan((y0 + y * upscale + r) * outRowBytes + x0 * channels, tileRowBytes));
                }
            }
        }
        return image;
    }

    /// <summary>
    /// The scaling a run's own pictures use (epoch grids, the dashboard): gray images keep the tutorial's per-tile
    /// min/max; colour images show their true colours, since stretching a tile would shift every hue's brightness.
    /// </summary>
    public static GridScaling ScalingForChannels(int channels) => channels == 1 ? GridScaling.PerTileMinMax : GridScaling.FixedMinusOneToOne;

    /// <summary>The most square grid for <paramref name="count"/> images, preferring more columns than rows (16 -> 4 x 4, 10 -> 3 x 4).</summary>
    public static (int Rows, int Cols) SquareLayout(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int cols = (int)Math.Ceiling(Math.Sqrt(count));
        while ((long)cols * cols < count)
        {
            cols++;
        }
        int rows = (count + cols - 1) / cols;
        return (rows, cols);
    }

    /// <summary>The fixed mapping of one value: round((x + 1) * 127.5) clamped to [0, 255], NaN to 0.</summary>
    public static byte FixedLevel(float value)
    {
        if (float.IsNaN(value))
        {
            return 0;
        }
        // Double keeps the .5 cases exact for every float input; AwayFromZero means halves round up here.
        double v = Math.Round(((double)value + 1.0) * 127.5, MidpointRounding.AwayFromZero);
        return (byte)Math.Clamp(v, 0.0, 255.0);
    }

    /// <summary>The per-tile mapping of one value given the tile's finite min and max (matplotlib's gray colormap lookup).</summary>
    public static byte MinMaxLevel(float value, float min, float max)
    {
        if (float.IsNaN(value) || !(max > min))
        {
            return 0;
        }
        double t = ((double)value - min) / ((double)max - min);
        // matplotlib picks colormap entry floor(t * N) of N = 256, with t == 1 landing in the last entry.
        double level = Math.Floor(t * 256.0);
        return (byte)Math.Clamp(level, 0.0, 255.0);
    }

    private static void ScaleFixed(ReadOnlySpan<float> src, Span<byte> dst)
    {
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = FixedLevel(src[i]);
        }
    }

    private static void ScaleMinMax(ReadOnlySpan<float> src, Span<byte> dst)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in src)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        if (!(max > min))
        {
            // Constant (or entirely non-finite) tile: matplotlib normalises it to 0, i.e. black.
            dst.Clear();
            return;
        }
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = MinMaxLevel(src[i], min, max);
        }
    }
}
