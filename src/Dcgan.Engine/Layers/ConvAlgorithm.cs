// How a convolution layer computes its products: the plain im2col GEMM, exact to float rounding like TensorFlow's CPU
// kernels, or Winograd's minimal filtering where the geometry allows it (fewer multiplies, a little more rounding).
namespace Dcgan.Engine.Layers;

/// <summary>The arithmetic a convolution layer uses; both compute the same function up to float rounding.</summary>
public enum ConvAlgorithm
{
    /// <summary>im2col + GEMM (row bands skip the padding taps): every product as written, summed in float.</summary>
    Direct,

    /// <summary>
    /// Winograd F(4x4, 5x5) for stride-1 'same' 5x5 layers (the generator's first transposed convolution: 4x fewer
    /// multiplies, errors about 2e-5 of the output's scale instead of 3e-7); other geometries fall back to Direct.
    /// </summary>
    Winograd,
}
