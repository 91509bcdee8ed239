// How a folder's images become training images: the square size, the channel count (or "decide from the images"),
// the background that transparent pixels are composited over, and the pixel limit for a file.
namespace Dcgan.Data.Folders;

using Dcgan.Imaging;

/// <summary>Settings of one decoding of an image folder; part of the decoded cache's key.</summary>
/// <param name="Channels">1, 3, or 0: 3 if any image has colour, else 1.</param>
public sealed record DecodeSettings(int ImageSize, int Channels = 0, Background Background = Background.White, long MaxPixels = SquareDecoder.DefaultMaxPixels)
{
    /// <summary>The background's name as the --background flag spells it.</summary>
    public string BackgroundName => Background == Background.White ? "white" : "black";

    /// <summary>A --background name.</summary>
    public static Background BackgroundOf(string name) => name switch
    {
        "white" => Background.White,
        "black" => Background.Black,
        _ => throw new DataException($"unknown background '{name}' (expected white or black)"),
    };
}
