// An 8-bit raster with one (gray) or three (RGB) channels, interleaved row-major (HWC, as ImageSharp's L8 and Rgb24
// pixel rows lie in memory): the hand-off format between sample grids, the image files and the dashboard.
namespace Dcgan.Imaging;

/// <summary>A width x height image of <see cref="Channels"/> bytes per pixel, stored row by row without padding.</summary>
public sealed class Raster
{
    /// <summary>A black image.</summary>
    public Raster(int width, int height, int channels)
        : this(width, height, channels, new byte[CheckedLength(width, height, channels)])
    {
    }

    /// <summary>Wraps <paramref name="pixels"/> (not copied); its length must be width * height * channels.</summary>
    public Raster(int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int length = CheckedLength(width, height, channels);
        if (pixels.Length != length)
        {
            throw new ArgumentException($"Expected {width}x{height}x{channels} = {length} bytes, got {pixels.Length}.", nameof(pixels));
        }
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>1 for gray, 3 for red, green, blue.</summary>
    public int Channels { get; }

    /// <summary>The pixels, row-major and interleaved; channel c of pixel (x, y) is at (y * Width + x) * Channels + c.</summary>
    public byte[] Pixels { get; }

    /// <summary>Channel 0 of pixel (x, y): the gray level of a gray image, the red of a colour one.</summary>
    public byte this[int x, int y]
    {
        get => this[x, y, 0];
        set => this[x, y, 0] = value;
    }

    /// <summary>Channel <paramref name="c"/> of pixel (x, y).</summary>
    public byte this[int x, int y, int c]
    {
        get => Pixels[Index(x, y, c)];
        set => Pixels[Index(x, y, c)] = value;
    }

    /// <summary>One row: Width * Channels bytes.</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Pixels.AsSpan(y * Width * Channels, Width * Channels);
    }

    private int Index(int x, int y, int c)
    {
        // Checked per coordinate: a flat index alone would let x = Width wrap onto the next row.
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || (uint)c >= (uint)Channels)
        {
            throw new ArgumentOutOfRangeException(null, $"Pixel ({x}, {y}) channel {c} is outside a {Width}x{Height}x{Channels} raster.");
        }
        return ((y * Width) + x) * Channels + c;
    }

    private static int CheckedLength(int width, int height, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "A raster has 1 (gray) or 3 (RGB) channels.");
        }
        return checked(width * height * channels);
    }
}
