// Packing of op(A) into MR-row strips and op(B) into NR-column strips, k-major and zero padded, as in BLIS
// (Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008). Packing absorbs the transpositions.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dcgan.Kernels;

/// <summary>
/// Copies blocks of the operands into the contiguous layouts the micro-kernels stream through: a strip holds, for each
/// k step, MR (or NR) consecutive floats. Padding rows/columns are zero so edge tiles can run the full-size kernel.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into ceil(mc/mr) strips of kc * mr floats.
    /// op(A)[i, k] is a[i * lda + k], or a[k * lda + i] when transA.
    /// </summary>
    public static void PackA(float* a, int lda, bool transA, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            if (transA)
            {
                // Each k step of the strip is already contiguous in memory: a straight copy.
                float* src = a + (long)p0 * lda + i0 + s;
                for (int p = 0; p < kc; p++)
                {
                    CopyPadded(src + (long)p * lda, dst + p * mr, rows, mr);
                }
            }
            else
            {
                float* src = a + (long)(i0 + s) * lda + p0;
                TransposeInto(src, lda, rows, kc, dst, mr);
            }
            dst += kc * mr;
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ceil(nc/nr) strips of kc * nr floats.
    /// op(B)[k, j] is b[k * ldb + j], or b[j * ldb + k] when transB.
    /// </summary>
    public static void PackB(float* b, int ldb, bool transB, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int s = 0; s < nc; s += nr)
        {
            int cols = Math.Min(nr, nc - s);
            if (!transB)
            {
                float* src = b + (long)p0 * ldb + j0 + s;
                for (int p = 0; p < kc; p++)
                {
                    CopyPadded(src + (long)p * ldb, dst + p * nr, cols, nr);
                }
            }
            else
            {
                float* src = b + (long)(j0 + s) * ldb + p0;
                TransposeInto(src, ldb, cols, kc, dst, nr);
            }
            dst += kc * nr;
        }
    }

    /// <summary>Copies count floats and zero-fills up to width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* dst, int count, int width)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(src + j), dst + j);
            }
        }
        for (; j < count; j++)
        {
            dst[j] = src[j];
        }
        for (; j < width; j++)
        {
            dst[j] = 0f;
        }
    }

    /// <summary>
    /// Writes dst[p * width + r] = src[r * ld + p] for r below lines and p below kc, zero for r in [lines, width).
    /// Reads `lines` sequential streams at once so every destination line is written contiguously.
    /// </summary>
    private static void TransposeInto(float* src, int ld, int lines, int kc, float* dst, int width)
    {
        for (int p = 0; p < kc; p++)
        {
            float* d = dst + p * width;
            float* s = src + p;
            int r = 0;
            for (; r < lines; r++)
            {
                d[r] = s[(long)r * ld];
            }
            for (; r < width; r++)
            {
                d[r] = 0f;
            }
        }
    }
}
