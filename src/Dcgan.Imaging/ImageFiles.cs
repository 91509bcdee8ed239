// Image files through SixLabors.ImageSharp 2.1 (Apache-2.0): PNGs as 8-bit gray (L8) or RGB (Rgb24), looping GIFs,
// and reading any format ImageSharp decodes (PNG, JPEG, GIF, BMP, TGA, TIFF, WebP, PBM) into a Raster.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace Dcgan.Imaging;

/// <summary>Encodes and decodes the project's pictures; every file write is atomic (temporary file, then rename).</summary>
public static class ImageFiles
{
    // Files people keep (epoch grids, generated samples): zlib's default level with per-row adaptive filters.
    private static readonly PngEncoder GrayPng = Png(PngColorType.Grayscale, PngCompressionLevel.DefaultCompression, PngFilterMethod.Adaptive);
    private static readonly PngEncoder RgbPng = Png(PngColorType.Rgb, PngCompressionLevel.DefaultCompression, PngFilterMethod.Adaptive);

    // The dashboard's pictures are shown once and thrown away, so encoding time matters more than bytes.
    private static readonly PngEncoder FastGrayPng = Png(PngColorType.Grayscale, PngCompressionLevel.BestSpeed, PngFilterMethod.Adaptive);
    private static readonly PngEncoder FastRgbPng = Png(PngColorType.Rgb, PngCompressionLevel.BestSpeed, PngFilterMethod.Adaptive);

    // Wu's quantizer gives each colour frame its own 256-colour table; no dithering, so every pixel takes its
    // nearest table colour and a frame stays as sharp as its grid.
    private static readonly WuQuantizer ColourQuantizer = new(new QuantizerOptions { Dither = null, MaxColors = 256 });

    /// <summary>The eight bytes every PNG file starts with (PNG specification, section 5.2).</summary>
    public static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when <paramref name="bytes"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> bytes) => bytes.StartsWith(PngSignature);

    /// <summary>
    /// The PNG file of <paramref name="image"/>: 8-bit gray for one channel, 8-bit RGB for three, no ancillary chunks.
    /// <paramref name="fast"/> trades file size for encoding time (the dashboard's per-request pictures).
    /// </summary>
    public static byte[] EncodePng(Raster image, bool fast = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        PngEncoder encoder = (image.Channels == 1, fast) switch
        {
            (true, false) => GrayPng,
            (true, true) => FastGrayPng,
            (false, false) => RgbPng,
            (false, true) => FastRgbPng,
        };
        using Image picture = ToImage(image);
        using var output = new MemoryStream();
        picture.Save(output, encoder);
        return output.ToArray();
    }

    /// <summary>Atomically writes <paramref name="image"/> as a PNG file.</summary>
    public static void WritePng(string path, Raster image)
    {
        // Encode before touching the file system so a bad image never leaves a temporary file behind.
        byte[] png = EncodePng(image);
        AtomicFile.Write(path, s => s.Write(png, 0, png.Length));
    }

    /// <summary>
    /// Reads any image ImageSharp decodes. Gray images (8- or 16-bit luminance) come back with one channel, everything
    /// else with three (alpha is dropped); an animation gives its first frame.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an image ImageSharp reads, or it is damaged; the message names <paramref name="path"/>.</exception>
    public static Raster ReadImage(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(path, () => Image.Load(path));
    }

    /// <summary>As <see cref="ReadImage"/>, for a file's bytes already in memory (an HTTP response, an embedded picture).</summary>
    /// <exception cref="InvalidDataException">The bytes are not an image ImageSharp reads, or the image is damaged.</exception>
    public static Raster DecodeImage(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Decode("the data", () => Image.Load(bytes));
    }

    /// <summary>
    /// Atomically writes a looping GIF (NETSCAPE2.0, loop forever) of <paramref name="frames"/>, all of one size and one
    /// channel count, each shown for <paramref name="delayCentiseconds"/>. Gray frames use the table of the 256 gray
    /// levels, so every level survives exactly; colour frames each get a 256-colour table from Wu's quantizer.
    /// </summary>
    /// <remarks>
    /// Every frame carries its own colour table: in global-table mode ImageSharp 2.1 maps the frames after the first
    /// through its cached nearest-colour search, which merges nearby gray levels.
    /// </remarks>
    public static void WriteGif(string path, IReadOnlyList<Raster> frames, int delayCentiseconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A GIF needs at least one frame.", nameof(frames));
        }
        if (delayCentiseconds is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(delayCentiseconds), delayCentiseconds, "GIF delays are 0..65535 centiseconds.");
        }
        Raster first = frames[0];
        ArgumentNullException.ThrowIfNull(first, nameof(frames));
        if (first.Width > ushort.MaxValue || first.Height > ushort.MaxValue)
        {
            throw new ArgumentException($"GIF sizes are at most 65535 x 65535, got {first.Width} x {first.Height}.", nameof(frames));
        }
        for (int i = 1; i < frames.Count; i++)
        {
            Raster f = frames[i];
            if (f is null || f.Width != first.Width || f.Height != first.Height || f.Channels != first.Channels)
            {
                throw new ArgumentException(
                    $"Frame {i} is {(f is null ? "missing" : $"{f.Width}x{f.Height}x{f.Channels}")}; every frame must be {first.Width}x{first.Height}x{first.Channels}.",
                    nameof(frames));
            }
        }

        byte[] gif = first.Channels == 1
            ? EncodeGif<L8>(frames, delayCentiseconds, new GifEncoder { ColorTableMode = GifColorTableMode.Local, Quantizer = GrayPaletteQuantizer.Instance })
            : EncodeGif<Rgb24>(frames, delayCentiseconds, new GifEncoder { ColorTableMode = GifColorTableMode.Local, Quantizer = ColourQuantizer });
        AtomicFile.Write(path, s => s.Write(gif, 0, gif.Length));
    }

    private static Raster Decode(string source, Func<Image> load)
    {
        Image image;
        try
        {
            image = load();
        }
        catch (UnknownImageFormatException)
        {
            throw new InvalidDataException($"{source} is not an image this program reads (PNG, JPEG, GIF, BMP, TGA, TIFF, WebP, PBM)");
        }
        catch (ImageFormatException e)
        {
            throw new InvalidDataException($"{source} is a damaged image: {e.Message}", e);
        }
        using (image)
        {
            return image is Image<L8> or Image<L16> ? CopyAs<L8>(image, 1) : CopyAs<Rgb24>(image, 3);
        }
    }

    private static byte[] EncodeGif<TPixel>(IReadOnlyList<Raster> frames, int delayCentiseconds, GifEncoder encoder)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using Image<TPixel> animation = Image.LoadPixelData<TPixel>(frames[0].Pixels, frames[0].Width, frames[0].Height);
        for (int i = 1; i < frames.Count; i++)
        {
            using Image<TPixel> frame = Image.LoadPixelData<TPixel>(frames[i].Pixels, frames[i].Width, frames[i].Height);
            animation.Frames.AddFrame(frame.Frames.RootFrame);
        }
        foreach (ImageFrame<TPixel> frame in animation.Frames)
        {
            frame.Metadata.GetGifMetadata().FrameDelay = delayCentiseconds;
        }
        animation.Metadata.GetGifMetadata().RepeatCount = 0;
        using var output = new MemoryStream();
        animation.Save(output, encoder);
        return output.ToArray();
    }

    private static Image ToImage(Raster image) => image.Channels == 1
        ? Image.LoadPixelData<L8>(image.Pixels, image.Width, image.Height)
        : Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);

    // Pixels of the root frame as TPixel: copied straight when the decoder produced TPixel, else converted first.
    private static Raster CopyAs<TPixel>(Image image, int channels)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using Image<TPixel>? converted = image is Image<TPixel> ? null : image.CloneAs<TPixel>();
        Image<TPixel> source = converted ?? (Image<TPixel>)image;
        var raster = new Raster(source.Width, source.Height, channels);
        source.Frames.RootFrame.CopyPixelDataTo(raster.Pixels);
        return raster;
    }

    private static PngEncoder Png(PngColorType colorType, PngCompressionLevel level, PngFilterMethod filter) => new()
    {
        ColorType = colorType,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = level,
        FilterMethod = filter,
        InterlaceMethod = PngInterlaceMode.None,
        ChunkFilter = PngChunkFilter.ExcludeAll,
    };
}
