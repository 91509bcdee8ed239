// The generator's input noise: one owner for its distribution and for "the noise of image i drawn under seed s",
// so training, generate, evaluate and the dashboard draw the same vectors for the same seed.
namespace Dcgan.Models;

using Dcgan.Kernels;

/// <summary>Where the noise comes from: the tutorial's normal(0, 1), or uniform in [-1, 1) as the Fashion-MNIST recipe.</summary>
public enum NoiseKind
{
    Normal,
    Uniform,
}

/// <summary>Draws noise vectors.</summary>
public static class Noise
{
    /// <summary>Fills <paramref name="destination"/> with the next values of <paramref name="rng"/> in the given distribution.</summary>
    public static void Fill(Rng rng, NoiseKind kind, Span<float> destination)
    {
        if (kind == NoiseKind.Uniform)
        {
            rng.FillUniform(destination, -1f, 1f);
        }
        else
        {
            rng.FillNormal(destination);
        }
    }

    /// <summary>
    /// The stream images drawn under <paramref name="seed"/> take their noise from, in order: image i of a drawing
    /// (generate, the dashboard's samples) has rows [i * noiseDim, (i + 1) * noiseDim) of it, however the drawing
    /// is cut into batches.
    /// </summary>
    public static Rng ForDrawing(ulong seed) => Rng.Derive(seed, "generate");
}
