// A direct convolution's kernel as the second operand of its row bands' products (RowBands), packed once a call: each
// band reads a window of it, where a product that packs its own operand packed the kernel again for every band, every
// chunk of images and every block of rows (24 times a call for the DCGAN generator's 8 MB 512-to-256 kernel at 256
// images). A band reads a window of the kernel's columns where the products take its transpose (a transposed
// convolution's forward, a convolution's input gradient), of its rows where they take it as it is (a convolution's
// forward, a transposed convolution's input gradient).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Products of the row bands of a call with the kernel matrix w (PatchSize rows of k floats), packed once for all of them.</summary>
internal static class BandedKernel
{
    [ThreadStatic]
    private static float[]? t_packed;

    /// <summary>
    /// The transpose of <paramref name="w"/> (the taps x k kernel matrix, row-major: PatchSize rows of k floats) packed
    /// (<see cref="Gemm.PackB"/>) into the calling thread's buffer, which holds it until the thread's next call; empty when
    /// a band's first tap does not start a window a packed product can take, and <see cref="MultiplyByTransposed"/> then
    /// packs per product.
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
        return Pack(w, transposed: true, k, g.PatchSize);
    }

    /// <summary>
    /// <paramref name="w"/> (taps x n, row-major) packed as it is into the calling thread's buffer, or empty when a band's
    /// taps are not a window of rows a packed product can take (<see cref="Gemm.PackedBRowWindowFits"/>).
    /// </summary>
    public static ReadOnlySpan<float> PackRows(ReadOnlySpan<float> w, int n, ReadOnlySpan<RowBand> bands, in ConvGeometry g)
    {
        foreach (RowBand band in bands)
        {
            if (!Gemm.PackedBRowWindowFits(g.PatchSize, band.FirstColumn(g), band.Columns(g)))
            {
                return default;
            }
        }
        return Pack(w, transposed: false, g.PatchSize, n);
    }

    private static Span<float> Pack(ReadOnlySpan<float> w, bool transposed, int k, int n)
    {
        t_packed ??= [];
        var packed = CacheAligned.Floats(ref t_packed, checked((int)Gemm.PackedBFloats(k, n)));
        Gemm.PackB(transposed, k, n, w, transposed ? k : n, packed);
        return packed;
    }

    /// <summary>
    /// c[rows, band taps] = a[rows, k] * w[band taps, k]^T (row strides lda and ldc), from <paramref name="packed"/> when
    /// <see cref="PackTransposed"/> gave it and the band has more than one tap: the same bits either way.
    /// </summary>
    public static void MultiplyByTransposed(ReadOnlySpan<float> packed, in ConvGeometry g, RowBand band, int rows, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> w, Span<float> c, int ldc)
    {
        int k0 = band.FirstColumn(g), taps = band.Columns(g);
        // One column is a matrix-vector product in Sgemm, with sums in another order than the blocked kernel's.
        if (packed.IsEmpty || taps == 1)
        {
            Gemm.Sgemm(false, true, rows, taps, k, a, lda, w[(k0 * k)..], k, 0f, c, ldc);
        }
        else
        {
            Gemm.SgemmPackedB(false, rows, taps, k, a, lda, packed, k, g.PatchSize, 0, k0, 0f, c, ldc);
        }
    }

    /// <summary>
    /// c[rows, n] = a[rows, band taps] * w[band taps, n] (a starting at the band's first tap, row strides lda and ldc),
    /// from <paramref name="packed"/> when <see cref="PackRows"/> gave it and n is more than one (Sgemm's matrix-vector
    /// product sums in another order): the same bits either way.
    /// </summary>
    public static void MultiplyByRows(ReadOnlySpan<float> packed, in ConvGeometry g, RowBand band, int rows, int n,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> w, Span<float> c, int ldc)
    {
        int k0 = band.FirstColumn(g), taps = band.Columns(g);
        if (packed.IsEmpty || n == 1)
        {
            Gemm.Sgemm(false, false, rows, n, taps, a, lda, w[(k0 * n)..], n, 0f, c, ldc);
        }
        else
        {
            Gemm.SgemmPackedB(false, rows, n, taps, a, lda, packed, g.PatchSize, n, k0, 0, 0f, c, ldc);
        }
    }
}
