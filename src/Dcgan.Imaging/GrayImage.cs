// An 8-bit grayscale raster (row-major, one byte per pixel, 0 = black): the hand-off format between
// the sample grid and the PNG and GIF encoders.
namespace Dcgan.Imaging;

/// <summary>A width x height grayscale image stored row by row without padding.</summary>
public sealed class GrayImage
{
    /// <summary>A black image.</summary>
    public GrayImage(int width, int height)
        : this(width, height, new byte[CheckedArea(width, height)])
    {
    }

    /// <summary>Wraps <paramref name="pixels"/> (not copied); its length must be width * height.</summary>
    public GrayImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != CheckedArea(width, height))
        {
            throw new ArgumentException($"Expected {width}x{height} = {(long)width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, row-major; index y * Width + x.</summary>
    public byte[] Pixels { get; }

    public byte this[int x, int y]
    {
        get => Pixels[checked(y * Width + x)];
        set => Pixels[checked(y * Width + x)] = value;
    }

    /// <summary>One row of pixels.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width, Width);

    private static int CheckedArea(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return checked(width * height);
    }
}
