// The pictures the Play panel asks for: a grid of fresh samples, and a strip walking the latent space between
// two of them. Noise is drawn exactly as Sampler.Draw draws it, so tile i of a grid and an end of a walk agree.
namespace Dcgan.Dashboard;

using Dcgan.Engine;
using Dcgan.Imaging;
using Dcgan.Models;
using Dcgan.Training;
using Dcgan.Kernels;

/// <summary>Draws from a sampler and encodes PNG grids.</summary>
internal static class SampleRenderer
{
    /// <summary>Gutter between tiles in output pixels, as in the run's own grids.</summary>
    public const int Gutter = SampleGrid.DefaultGutter;

    /// <summary>A near-square grid of <paramref name="count"/> samples from <paramref name="seed"/>, drawn <paramref name="batch"/> at a time.</summary>
    public static byte[] Grid(Sampler sampler, int count, ulong seed, int scale, int? label = null, int? batch = null)
    {
        float[] images = sampler.Draw(count, seed, label, batch);
        var (rows, cols) = SampleGrid.SquareLayout(count);
        return Encode(sampler, images, count, rows, cols, scale);
    }

    /// <summary>
    /// One row of <paramref name="steps"/> images from sample <paramref name="from"/> to sample <paramref name="to"/>
    /// of the grid (<paramref name="count"/>, <paramref name="seed"/>). Normal noise is walked along the great circle
    /// (slerp), which keeps the in-between vectors as long as typical draws; uniform noise along the straight line.
    /// </summary>
    public static byte[] Walk(Sampler sampler, int count, ulong seed, int from, int to, int steps, int scale, int? label = null)
    {
        int dim = sampler.Config.NoiseDim;
        var grid = Tensor.ForBatch(count, [dim]);
        Noise.Fill(Noise.ForDrawing(seed), sampler.Config.NoiseKind, grid.Span);
        var a = grid.Span.Slice(from * dim, dim).ToArray();
        var b = grid.Span.Slice(to * dim, dim).ToArray();
        var path = Tensor.ForBatch(steps, [dim]);
        for (int s = 0; s < steps; s++)
        {
            float t = steps == 1 ? 0f : (float)s / (steps - 1);
            var z = path.Span.Slice(s * dim, dim);
            if (sampler.Config.NoiseKind == NoiseKind.Normal)
            {
                Slerp(a, b, t, z);
            }
            else
            {
                for (int i = 0; i < dim; i++)
                {
                    z[i] = a[i] + (t * (b[i] - a[i]));
                }
            }
        }
        // A conditional walk keeps one class: the one asked for, or the start tile's class in Draw's even mix.
        var labels = new int[steps];
        if (sampler.Classes > 0)
        {
            Array.Fill(labels, label ?? from % sampler.Classes);
        }
        var images = sampler.Draw(path, labels);
        return Encode(sampler, images, steps, 1, steps, scale);
    }

    /// <summary>Spherical interpolation; ends are returned exactly, and nearly parallel vectors fall back to a line.</summary>
    public static void Slerp(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float t, Span<float> destination)
    {
        if (t == 0f || t == 1f)
        {
            (t == 0f ? a : b).CopyTo(destination);
            return;
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        double cos = Math.Clamp(dot / Math.Sqrt(na * nb), -1.0, 1.0);
        double omega = Math.Acos(cos);
        double sin = Math.Sin(omega);
        double wa, wb;
        if (sin < 1e-6)
        {
            wa = 1 - t;
            wb = t;
        }
        else
        {
            wa = Math.Sin((1 - t) * omega) / sin;
            wb = Math.Sin(t * omega) / sin;
        }
        for (int i = 0; i < a.Length; i++)
        {
            destination[i] = (float)((wa * a[i]) + (wb * b[i]));
        }
    }

    // The run's own grid scaling for its channel count, so the panel shows samples as the epoch grids do; the fast PNG
    // settings, since these pictures are shown once and thrown away.
    private static byte[] Encode(Sampler sampler, ReadOnlySpan<float> images, int count, int rows, int cols, int scale)
    {
        int channels = sampler.Generator.Options.Channels;
        var grid = SampleGrid.Compose(images, count, sampler.ImageSize, sampler.ImageSize, channels, rows, cols, SampleGrid.ScalingForChannels(channels), scale, Gutter);
        return ImageFiles.EncodePng(grid, fast: true);
    }
}
