// Reading the dashboard's PNG grids back in tests: decode, then cut out one tile by the grid headers' layout.
namespace Dcgan.Dashboard.Tests;

using Dcgan.Imaging;

/// <summary>Decoded gray PNG with tile access.</summary>
public sealed class PngTiles
{
    public PngTiles(byte[] png)
    {
        Assert.True(ImageFiles.IsPng(png), "not a PNG");
        Raster image = ImageFiles.DecodeImage(png);
        Assert.Equal(1, image.Channels);
        Pixels = image.Pixels;
        Width = image.Width;
        Height = image.Height;
    }

    public byte[] Pixels { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Tile <paramref name="index"/> of a grid with <paramref name="cols"/> columns of side <paramref name="tile"/> and gutter 2.</summary>
    public byte[] Tile(int index, int cols, int tile, int gutter = 2)
    {
        int x0 = gutter + ((index % cols) * (tile + gutter));
        int y0 = gutter + ((index / cols) * (tile + gutter));
        var result = new byte[tile * tile];
        for (int y = 0; y < tile; y++)
        {
            Pixels.AsSpan(((y0 + y) * Width) + x0, tile).CopyTo(result.AsSpan(y * tile));
        }
        return result;
    }
}
