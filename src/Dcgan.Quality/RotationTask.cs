// The self-supervised proxy task of RotNet (Gidaris, Singh and Komodakis 2018, "Unsupervised Representation Learning by
// Predicting Image Rotations"): every image is shown turned by 0, 90, 180 and 270 degrees and the network names the turn.
// Telling the turns apart takes knowing which way up things are, so the features it learns describe the images' content
// without any labels. All four turns of an image go into the same batch, as in the paper.
namespace Dcgan.Quality;

/// <summary>Rotating square NHWC images by quarter turns, and the labelled batches of the rotation task.</summary>
public static class RotationTask
{
    /// <summary>Classes of the task: quarter turns 0 to 3.</summary>
    public const int Turns = 4;

    /// <summary>Class names of the task, by label.</summary>
    public static readonly IReadOnlyList<string> TurnNames = ["0°", "90°", "180°", "270°"];

    /// <summary>
    /// Writes <paramref name="image"/> (side x side x channels, HWC) turned counter-clockwise by
    /// <paramref name="quarterTurns"/> x 90 degrees into <paramref name="target"/>, as numpy.rot90(image, quarterTurns):
    /// one turn maps pixel (y, x) to (side - 1 - x, y).
    /// </summary>
    public static void Rotate(ReadOnlySpan<float> image, int side, int channels, int quarterTurns, Span<float> target)
    {
        int size = side * side * channels;
        if (image.Length != size || target.Length != size)
        {
            throw new ArgumentException($"images of {side}x{side}x{channels} have {size} values, got {image.Length} and {target.Length}");
        }
        int last = side - 1;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                // The source pixel that lands on target (y, x).
                (int sy, int sx) = (quarterTurns & 3) switch
                {
                    0 => (y, x),
                    1 => (x, last - y),
                    2 => (last - y, last - x),
                    _ => (last - x, y),
                };
                image.Slice((sy * side + sx) * channels, channels).CopyTo(target.Slice((y * side + x) * channels, channels));
            }
        }
    }

    /// <summary>
    /// Expands <paramref name="count"/> images into 4 x count labelled examples: image b turned r quarter turns goes to
    /// example 4 b + r with label r.
    /// </summary>
    public static void Expand(ReadOnlySpan<float> images, int count, int side, int channels, Span<float> examples, Span<int> labels)
    {
        int size = side * side * channels;
        for (int b = 0; b < count; b++)
        {
            var image = images.Slice(b * size, size);
            for (int r = 0; r < Turns; r++)
            {
                int e = b * Turns + r;
                Rotate(image, side, channels, r, examples.Slice(e * size, size));
                labels[e] = r;
            }
        }
    }
}
