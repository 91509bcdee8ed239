// How a convolution layer computes its products: the plain im2col GEMM, exact to float rounding like TensorFlow's CPU
// kernels, or Winograd's minimal filtering where the geometry allows it (fewer multiplies, a little more rounding).
namespace Dcgan.Engine.Layers;

/// <summary>The arithmetic a convolution layer uses; both compute the same function up to float rounding.</summary>
public enum ConvAlgorithm
{
    /// <summary>im2col + GEMM (row bands skip the padding taps): every product as written, summed in float.</summary>
    Direct,

    /// <summary>
    /// Winograd for the 'same' 5x5 layers with at least 2 channels on both sides: F(4x4, 5x5) for stride-1 transposed
    /// convolutions (4x fewer multiplies), 3x3 Winograd over the four pixel phases for stride-2 convolutions and transposed
    /// convolutions on even sizes (F(4x4, 3x3), 2x fewer; on 7x7 phases 7x4 tiles, F(7, 3) x F(4, 3), 2.8x fewer). Rounding
    /// errors about 1e-5 of the output's scale (3e-5 with F(7, 3)) instead of 3e-7; other geometries fall back to Direct.
    /// </summary>
    Winograd,
}
