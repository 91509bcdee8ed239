// Anything that draws images from noise in inference mode: a GanPair in training (from its moving average when it keeps
// one) or a GeneratorModel restored on its own for drawing. Quality measurements take either.
namespace Dcgan.Models;

using Dcgan.Engine;

/// <summary>A generator in inference mode.</summary>
public interface IImageGenerator
{
    ModelOptions Options { get; }

    /// <summary>Images (NHWC, values in [-1, 1]) for [N, noiseDim] noise and, when conditional, one label per row.</summary>
    Tensor Generate(Tensor noise, ReadOnlySpan<int> labels = default);
}
