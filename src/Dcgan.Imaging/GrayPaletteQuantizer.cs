// A fixed 256-gray palette quantizer for ImageSharp 2.1 (IQuantizer): palette entry i is gray level i, and a gray
// pixel maps to the entry of its own level, so a gray GIF keeps every level exactly.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace Dcgan.Imaging;

/// <summary>
/// Maps gray pixels onto the 256 gray levels by their value. ImageSharp's own PaletteQuantizer looks colours up
/// through a cache keyed on a few high bits per channel, which merges nearby levels (0 and 7 share an entry), so a
/// gray frame would lose levels; this one needs no search and no cache.
/// </summary>
internal sealed class GrayPaletteQuantizer : IQuantizer
{
    public static readonly GrayPaletteQuantizer Instance = new();

    // No dithering: every pixel already has its exact palette entry, so there is no error to spread.
    public QuantizerOptions Options { get; } = new() { Dither = null, MaxColors = 256 };

    public IQuantizer<TPixel> CreatePixelSpecificQuantizer<TPixel>(Configuration configuration)
        where TPixel : unmanaged, IPixel<TPixel>
        => CreatePixelSpecificQuantizer<TPixel>(configuration, Options);

    public IQuantizer<TPixel> CreatePixelSpecificQuantizer<TPixel>(Configuration configuration, QuantizerOptions options)
        where TPixel : unmanaged, IPixel<TPixel>
        => new GrayLevels<TPixel>(configuration, Options);

    /// <summary>The per-pixel-type quantizer; a struct because ImageSharp's shared frame loop takes one by reference.</summary>
    private struct GrayLevels<TPixel> : IQuantizer<TPixel>
        where TPixel : unmanaged, IPixel<TPixel>
    {
        private readonly TPixel[] _palette;

        public GrayLevels(Configuration configuration, QuantizerOptions options)
        {
            Configuration = configuration;
            Options = options;
            _palette = new TPixel[256];
            for (int v = 0; v < 256; v++)
            {
                _palette[v].FromL8(new L8((byte)v));
            }
        }

        public Configuration Configuration { get; }

        public QuantizerOptions Options { get; }

        public readonly ReadOnlyMemory<TPixel> Palette => _palette;

        // The palette is fixed: there is nothing to learn from the pixels.
        public readonly void AddPaletteColors(Buffer2DRegion<TPixel> pixelRegion)
        {
        }

        public IndexedImageFrame<TPixel> QuantizeFrame(ImageFrame<TPixel> source, Rectangle bounds)
            => QuantizerUtilities.QuantizeFrame(ref this, source, bounds);

        public readonly byte GetQuantizedColor(TPixel color, out TPixel match)
        {
            // Frames are L8, so red, green and blue all carry the level.
            Rgba32 rgba = default;
            color.ToRgba32(ref rgba);
            match = _palette[rgba.R];
            return rgba.R;
        }

        public readonly void Dispose()
        {
        }
    }
}
