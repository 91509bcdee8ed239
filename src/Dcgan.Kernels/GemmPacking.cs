// Packing of op(A) into MR-row strips and op(B) into NR-column strips, k-major and zero padded, as in BLIS
// (Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008). Packing absorbs the transpositions.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (transA)
        {
            // Each k step of every strip is already contiguous: walk the source row by row (one sequential segment of
            // mc floats per k, friendly to the prefetcher and the TLB) and deal it out to the strips.
            float* src = a + (long)p0 * lda + i0;
            for (int p = 0; p < kc; p++)
            {
                PrefetchAhead(src + (long)p * lda, lda, mc, p, kc);
                Deal(src + (long)p * lda, mc, dst + p * mr, kc * mr, mr);
            }
            return;
        }
        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            float* strip = a + (long)(i0 + s) * lda + p0;
            // The next strip's rows are asked for while this one is transposed: a dozen rows read side by side, a few
            // floats at a time, are more streams than the hardware prefetchers follow from memory.
            int nextRows = Math.Min(mr, mc - s - mr);
            TransposeInto(strip, lda, rows, kc, dst, mr, strip + (long)mr * lda, nextRows);
            dst += kc * mr;
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ceil(nc/nr) strips of kc * nr floats.
    /// op(B)[k, j] is b[k * ldb + j], or b[j * ldb + k] when transB.
    /// </summary>
    public static void PackB(float* b, int ldb, bool transB, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        if (!transB)
        {
            float* src = b + (long)p0 * ldb + j0;
            for (int p = 0; p < kc; p++)
            {
                PrefetchAhead(src + (long)p * ldb, ldb, nc, p, kc);
                Deal(src + (long)p * ldb, nc, dst + p * nr, kc * nr, nr);
            }
            return;
        }
        for (int s = 0; s < nc; s += nr)
        {
            int cols = Math.Min(nr, nc - s);
            TransposeInto(b + (long)(j0 + s) * ldb + p0, ldb, cols, kc, dst, nr);
            dst += kc * nr;
        }
    }

    /// <summary>
    /// Requests the segment a few rows ahead. Row segments of a wide matrix sit in different pages, so the hardware
    /// prefetchers, which follow streams within a page, do not fetch them early; without this, packing a transposed A
    /// or a wide B is bound by memory latency rather than bandwidth.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchAhead(float* row, int ld, int count, int p, int kc)
    {
        const int Ahead = 6;
        if (p + Ahead < kc)
        {
            Prefetch.Segment(row + (long)Ahead * ld, count);
        }
    }

    /// <summary>
    /// Splits one source segment of count floats into width-wide pieces, piece s going to dst + s * strideStrips;
    /// the last piece is zero-padded to width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deal(float* src, int count, float* dst, int strideStrips, int width)
    {
        int s = 0;
        for (; s + width <= count; s += width)
        {
            CopyPadded(src + s, dst, width, width);
            dst += strideStrips;
        }
        if (s < count)
        {
            CopyPadded(src + s, dst, count - s, width);
        }
    }

    /// <summary>Copies count floats and zero-fills up to width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* dst, int count, int width)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= count; j += 16)
            {
                Vector512.Store(Vector512.Load(src + j), dst + j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(src + j), dst + j);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            // The last four floats of a 12-row strip.
            for (; j + 4 <= count; j += 4)
            {
                Vector128.Store(Vector128.Load(src + j), dst + j);
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
    /// Works in 8 x 8 (and 4 x 4 and 2 x 8) register transposes so both sides move whole vectors.
    /// </summary>
    private static void TransposeInto(float* src, int ld, int lines, int kc, float* dst, int width, float* next = null, int nextLines = 0)
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            for (; p + 8 <= kc; p += 8)
            {
                if ((p & 15) == 0)
                {
                    Prefetch.Lines(next + p, ld, nextLines);
                }
                int r = 0;
                for (; r + 8 <= lines; r += 8)
                {
                    Transpose8x8(src + (long)r * ld + p, ld, dst + p * width + r, width);
                }
                for (; r + 4 <= lines; r += 4)
                {
                    Transpose4x4(src + (long)r * ld + p, ld, dst + p * width + r, width);
                    Transpose4x4(src + (long)r * ld + p + 4, ld, dst + (p + 4) * width + r, width);
                }
                if (r + 2 <= lines)
                {
                    // The AVX2 kernel's 6-row strips end in two rows.
                    Transpose2x8(src + (long)r * ld + p, ld, dst + p * width + r, width);
                    r += 2;
                }
                for (int q = p; q < p + 8; q++)
                {
                    TransposeTail(src, ld, r, lines, q, dst + q * width, width);
                }
            }
        }
        for (; p < kc; p++)
        {
            TransposeTail(src, ld, 0, lines, p, dst + p * width, width);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTail(float* src, int ld, int from, int lines, int p, float* d, int width)
    {
        int r = from;
        for (; r < lines; r++)
        {
            d[r] = src[(long)r * ld + p];
        }
        for (; r < width; r++)
        {
            d[r] = 0f;
        }
    }

    /// <summary>Transposes the 8 x 8 block at src (row stride ld) into dst (row stride dstStride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int ld, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2L * ld);
        Vector256<float> r3 = Avx.LoadVector256(src + 3L * ld);
        Vector256<float> r4 = Avx.LoadVector256(src + 4L * ld);
        Vector256<float> r5 = Avx.LoadVector256(src + 5L * ld);
        Vector256<float> r6 = Avx.LoadVector256(src + 6L * ld);
        Vector256<float> r7 = Avx.LoadVector256(src + 7L * ld);

        // Interleave pairs of rows, then pairs of pairs within each 128-bit lane, then swap lanes.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>Transposes the 2 x 8 block at src (row stride ld) into dst: column q's two floats at dst + q * dstStride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose2x8(float* src, int ld, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        // Pairs of columns 0, 1 and 4, 5, then 2, 3 and 6, 7; each pair of floats is stored as 64 bits.
        Vector256<float> low = Avx.UnpackLow(r0, r1);
        Vector256<float> high = Avx.UnpackHigh(r0, r1);
        Sse.StoreLow(dst, low.GetLower());
        Sse.StoreHigh(dst + dstStride, low.GetLower());
        Sse.StoreLow(dst + 2 * dstStride, high.GetLower());
        Sse.StoreHigh(dst + 3 * dstStride, high.GetLower());
        Sse.StoreLow(dst + 4 * dstStride, low.GetUpper());
        Sse.StoreHigh(dst + 5 * dstStride, low.GetUpper());
        Sse.StoreLow(dst + 6 * dstStride, high.GetUpper());
        Sse.StoreHigh(dst + 7 * dstStride, high.GetUpper());
    }

    /// <summary>Transposes the 4 x 4 block at src (row stride ld) into dst (row stride dstStride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* src, int ld, float* dst, int dstStride)
    {
        Vector128<float> r0 = Sse.LoadVector128(src);
        Vector128<float> r1 = Sse.LoadVector128(src + ld);
        Vector128<float> r2 = Sse.LoadVector128(src + 2L * ld);
        Vector128<float> r3 = Sse.LoadVector128(src + 3L * ld);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1);
        Vector128<float> t1 = Sse.UnpackLow(r2, r3);
        Vector128<float> t2 = Sse.UnpackHigh(r0, r1);
        Vector128<float> t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(dst, Sse.MoveLowToHigh(t0, t1));
        Sse.Store(dst + dstStride, Sse.MoveHighToLow(t1, t0));
        Sse.Store(dst + 2 * dstStride, Sse.MoveLowToHigh(t2, t3));
        Sse.Store(dst + 3 * dstStride, Sse.MoveHighToLow(t3, t2));
    }
}
