// How SampleGrid maps float pixel values to 8-bit levels: matplotlib-style per-tile auto-scaling (as in the
// TensorFlow DCGAN tutorial's imshow grids) or the fixed tanh range [-1, 1].
namespace Dcgan.Imaging;

/// <summary>Value-to-level mapping of a sample grid (the same for every channel of a colour tile).</summary>
public enum GridScaling
{
    /// <summary>
    /// Each tile is stretched from its own minimum (black) to its own maximum (white), as matplotlib's
    /// <c>imshow</c> does by default with the gray colormap: level = min(floor(t * 256), 255) with
    /// t = (x - min) / (max - min). A constant tile is black, which is what matplotlib shows when vmin == vmax.
    /// A colour tile has one min and max over all its channels.
    /// </summary>
    PerTileMinMax,

    /// <summary>[-1, 1] to [0, 255] as round((x + 1) * 127.5), halves rounded up, clamped; the generator's tanh range.</summary>
    FixedMinusOneToOne,
}
