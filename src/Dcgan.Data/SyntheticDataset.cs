// A tiny generated data set (28x28 strokes, one angle per class) so CI and smoke tests can run the
// whole pipeline in seconds without MNIST. Deterministic for a seed.
namespace Dcgan.Data;

using Dcgan.Kernels;

/// <summary>Makes an <see cref="ImageDataset"/> of anti-aliased strokes: class k is a bar at k * 18 degrees.</summary>
public static class SyntheticDataset
{
    public static ImageDataset Create(int count, ulong seed, int size = 28)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var rng = Rng.Derive(seed, "synthetic");
        var pixels = new byte[count * size * size];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % 10;
            labels[n] = (byte)label;
            double angle = (label * 18 + (rng.NextFloat() - 0.5) * 10) * Math.PI / 180;
            double cx = size / 2.0 + (rng.NextFloat() - 0.5) * 4, cy = size / 2.0 + (rng.NextFloat() - 0.5) * 4;
            double dx = Math.Cos(angle), dy = Math.Sin(angle);
            double halfLength = size * 0.32, thickness = 1.6 + rng.NextFloat();
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    double px = x + 0.5 - cx, py = y + 0.5 - cy;
                    double along = px * dx + py * dy;
                    double across = Math.Abs(-px * dy + py * dx);
                    double overshoot = Math.Max(0, Math.Abs(along) - halfLength);
                    double distance = Math.Sqrt(across * across + overshoot * overshoot);
                    double ink = Math.Clamp(thickness - distance, 0, 1);
                    pixels[(n * size + y) * size + x] = (byte)Math.Round(ink * 255);
                }
            }
        }
        return new ImageDataset("synthetic", $"generated (seed {seed})", DataSplit.Train, size, size, pixels, labels);
    }
}
