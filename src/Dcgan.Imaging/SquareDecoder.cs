// Turns one image file (PNG, JPEG, BMP, GIF's first frame, WebP, TGA; any bit depth, palette or CMYK) into a square
// RGB training image: turned upright by its EXIF orientation, centre-cropped to a square, alpha composited over a
// background, resized with a Lanczos-3 filter (antialiased when shrinking). Decoding is ImageSharp 2.1's.
namespace Dcgan.Imaging;

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

/// <summary>What transparent pixels become.</summary>
public enum Background
{
    White,
    Black,
}

/// <summary>One decoded square: RGB bytes (size x size x 3, row-major) and what the file was.</summary>
/// <param name="IsColour">Whether any pixel has differing red, green and blue.</param>
public sealed record DecodedSquare(byte[] Rgb, bool IsColour, int SourceWidth, int SourceHeight, string Format);

/// <summary>A file that cannot be used as a training image, with the reason in <see cref="Exception.Message"/>.</summary>
public sealed class ImageRejectedException(string reason) : Exception(reason);

/// <summary>Decodes image files into square RGB training images.</summary>
public static class SquareDecoder
{
    /// <summary>The default pixel limit (width x height) above which a file is refused before it is decoded.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>The file name extensions the decoder takes, lower case with the dot.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp",
    };

    // One configuration for every call: single-threaded (files are decoded in parallel instead) and a GIF decoder
    // that reads only the first frame, so a long animation costs one frame.
    private static readonly Configuration Config = CreateConfiguration();

    private static Configuration CreateConfiguration()
    {
        var config = Configuration.Default.Clone();
        config.MaxDegreeOfParallelism = 1;
        config.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        return config;
    }

    /// <summary>
    /// Decodes <paramref name="path"/> into a <paramref name="size"/> x <paramref name="size"/> RGB square. Throws
    /// <see cref="ImageRejectedException"/> with a short reason for an empty file, a file that is not an image, one
    /// above <paramref name="maxPixels"/> (checked from the header, before decoding) and a damaged one; IO errors
    /// (unreadable file) are rejections too.
    /// </summary>
    public static DecodedSquare Decode(string path, int size, Background background = Background.White, long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0)
            {
                throw new ImageRejectedException("empty file");
            }
            IImageInfo? info = Image.Identify(Config, stream, out IImageFormat? format);
            if (info is null || format is null)
            {
                throw new ImageRejectedException("not an image (unknown format)");
            }
            if ((long)info.Width * info.Height > maxPixels)
            {
                throw new ImageRejectedException($"too large: {info.Width} x {info.Height} pixels (limit {maxPixels:N0})");
            }
            stream.Position = 0;
            using var image = Image.Load<Rgba32>(Config, stream);
            int sourceWidth = image.Width, sourceHeight = image.Height;
            var fill = background == Background.White ? Color.White : Color.Black;
            image.Mutate(c =>
            {
                c.AutoOrient();
                var upright = c.GetCurrentSize();
                int side = Math.Min(upright.Width, upright.Height);
                c.Crop(new Rectangle((upright.Width - side) / 2, (upright.Height - side) / 2, side, side));
                c.BackgroundColor(fill);
                if (side != size)
                {
                    c.Resize(new ResizeOptions { Size = new Size(size, size), Sampler = KnownResamplers.Lanczos3, Mode = ResizeMode.Stretch });
                }
            });
            var rgb = new byte[size * size * 3];
            bool colour = false;
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    var target = rgb.AsSpan(y * size * 3, size * 3);
                    for (int x = 0; x < row.Length; x++)
                    {
                        var p = row[x];
                        target[3 * x] = p.R;
                        target[3 * x + 1] = p.G;
                        target[3 * x + 2] = p.B;
                        colour |= p.R != p.G || p.G != p.B;
                    }
                }
            });
            return new DecodedSquare(rgb, colour, sourceWidth, sourceHeight, format.Name);
        }
        catch (ImageRejectedException)
        {
            throw;
        }
        catch (UnknownImageFormatException)
        {
            throw new ImageRejectedException("not an image (unknown format)");
        }
        catch (Exception e) when (e is InvalidImageContentException or ImageFormatException or EndOfStreamException or InvalidDataException
            or IndexOutOfRangeException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // Every way a decoder says the bytes are not a usable image.
            throw new ImageRejectedException($"damaged or unsupported ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageRejectedException($"cannot be read ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')})");
        }
    }

    /// <summary>Luma of an RGB pixel (ITU-R BT.601 weights, as PIL's convert("L")), for one-channel training images.</summary>
    public static byte Gray(byte r, byte g, byte b) => (byte)((r * 299 + g * 587 + b * 114 + 500) / 1000);
}
