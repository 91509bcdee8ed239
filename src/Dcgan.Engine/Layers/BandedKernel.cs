// A direct convolution's kernel as the second operand of its row bands' products (RowBands), packed once a call: each
// band reads a window of its columns, where a product that packs its own operand packed the kernel again for every band,
// every chunk of images and every block of rows (24 times a call for the DCGAN generator's 8 MB 512-to-256 kernel at 256
// images).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Products c = a * w[band taps]^T of the row bands of a call, with w's transpose packed once for all of them.</summary>
internal static class BandedKernel
{
    [ThreadStatic]
    private static float[]? t_packed;

    /// <summary>
    /// The transpose of <paramref name="w"/> (the taps x k kernel matrix, row-major: PatchSize rows of k floats) packed
    /// (<see cref="Gemm.PackB"/>) into the calling thread's buffer, which holds it until the thread's next call; empty when
    /// a band's first tap does not start a window a packed product can take, and <see cref="Multiply"/> then packs per product.
    /// </summary>
    public static ReadOnlySpan<float> PackTransposed(ReadOnlySpan<float> w, int k, ReadOnlySpan<RowBand> bands, in ConvGeometry g)
    {
        foreach (RowBand band in bands)
        {
            if (!Gemm.PackedBWindowStartsAt(band.FirstColumn(g)))
            {
                return default;
            }
        }
        int taps = g.PatchSize;
        t_packed ??= [];
        var packed = CacheAligned.Floats(ref t_packed, checked((int)Gemm.PackedBFloats(k, taps)));
        Gemm.PackB(true, k, taps, w, k, packed);
        return packed;
    }

    /// <summary>
    /// c[rows, band taps] = a[rows, k] * w[band taps, k]^T (row strides lda and ldc), from <paramref name="packed"/> when
    /// <see cref="PackTransposed"/> gave it: the same bits either way.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> packed, in ConvGeometry g, RowBand band, int rows, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> w, Span<float> c, int ldc)
    {
        int k0 = band.FirstColumn(g), taps = band.Columns(g);
        if (packed.IsEmpty)
        {
            Gemm.Sgemm(false, true, rows, taps, k, a, lda, w[(k0 * k)..], k, 0f, c, ldc);
        }
        else
        {
            Gemm.SgemmPackedB(false, rows, taps, k, a, lda, packed, g.PatchSize, k0, 0f, c, ldc);
        }
    }
}
