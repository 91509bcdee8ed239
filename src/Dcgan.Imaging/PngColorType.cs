// PNG colour types this tool writes; the numeric values are the IHDR colour-type codes of the
// PNG specification (W3C, 3rd edition, section 11.2.2).
namespace Dcgan.Imaging;

/// <summary>Pixel layout of 8-bit PNG images.</summary>
public enum PngColorType : byte
{
    /// <summary>One byte per pixel, luminance.</summary>
    Gray = 0,

    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb = 2,

    /// <summary>Four bytes per pixel: red, green, blue, straight (non-premultiplied) alpha.</summary>
    Rgba = 6,
}
