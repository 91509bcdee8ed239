// Fast SGEMM entry point used by every layer: validation and dispatch to the blocked, packed, parallel kernel
// (GemmBlocked, after BLIS / Goto) or to the direct paths for tiny and matrix-vector shapes (GemmSmall).
namespace Dcgan.Kernels;

/// <summary>Single-precision matrix multiply, row-major, with the transpositions the layers need.</summary>
public static unsafe class Gemm
{
    /// <summary>Below this many multiply-adds the direct loops beat packing plus task start-up.</summary>
    private const long SmallWork = 32 * 1024;

    /// <summary>
    /// Effectively computes C[i, j] = beta * C[i, j] + sum_k op(A)[i, k] * op(B)[k, j], all row-major.
    /// op(A) is M x K: A itself (row stride lda) or, when transA, the transpose of a K x M matrix.
    /// op(B) is K x N: B itself (row stride ldb) or, when transB, the transpose of an N x K matrix.
    /// beta is 0 (overwrite, C may hold garbage) or 1 (accumulate).
    /// Results are bit-identical for any <see cref="Workers.Threads"/> value.
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Run(GemmPaths.Best, true, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Floats a k x n op(B) takes once packed by <see cref="PackB"/>.</summary>
    public static long PackedBFloats(int k, int n) => GemmBlocked.PackedFloats(GemmPaths.Best, k, n);

    /// <summary>
    /// Packs op(B) (k x n: b itself, or with transB the transpose of an n x k b) into the layout the micro-kernels stream,
    /// for <see cref="SgemmPackedB"/>. Worth it when one B meets many A's: each product then skips packing it again.
    /// </summary>
    public static void PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb, Span<float> packed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        CheckOperand(nameof(b), b.Length, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        if (packed.Length < PackedBFloats(k, n))
        {
            throw new ArgumentException($"packed has {packed.Length} floats, a packed {k} x {n} needs {PackedBFloats(k, n)}", nameof(packed));
        }
        fixed (float* pb = b, pp = packed)
        {
            GemmBlocked.PackAll(GemmPaths.Best, transB, k, n, pb, ldb, pp);
        }
    }

    /// <summary>
    /// Whether a product can take the columns from <paramref name="j0"/> on of a packed op(B) (<see cref="SgemmPackedB(bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, int, int, float, Span{float}, int)"/>):
    /// j0 is a whole number of the micro-kernel's column strips, so the window's strips are the ones a packing of its
    /// columns alone would give.
    /// </summary>
    public static bool PackedBWindowStartsAt(int j0) => j0 >= 0 && j0 % GemmPaths.Nr(GemmPaths.Best) == 0;

    /// <summary>
    /// <see cref="Sgemm"/> with op(B) packed by <see cref="PackB"/> (same k and n): bit for bit what the blocked kernel gives
    /// (so what Sgemm gives, but for n = 1, which Sgemm runs as a matrix-vector product).
    /// </summary>
    public static void SgemmPackedB(bool transA, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packedB,
        float beta, Span<float> c, int ldc)
        => SgemmPackedB(transA, m, n, k, a, lda, packedB, k, n, 0, 0, beta, c, ldc);

    /// <summary>
    /// Whether a product of depth <paramref name="k"/> can take rows [k0, k0 + k) of a packed op(B) with
    /// <paramref name="packedK"/> rows: its K slices (<see cref="GemmBlocked.SliceDepth"/>) are then the packed ones
    /// from row k0 on (the same depth, k0 on a slice boundary, and the window ending on one or with the matrix).
    /// </summary>
    public static bool PackedBRowWindowFits(int packedK, int k0, int k)
    {
        if (k0 < 0 || k <= 0 || k0 + k > packedK)
        {
            return false;
        }
        int kc = GemmBlocked.SliceDepth(packedK);
        return GemmBlocked.SliceDepth(k) == kc && k0 % kc == 0 && (k0 + k == packedK || k % kc == 0);
    }

    /// <summary>
    /// <see cref="Sgemm"/> with op(B) rows [k0, k0 + k) and columns [j0, j0 + n) of a <paramref name="packedK"/> x
    /// <paramref name="packedN"/> op(B) packed by <see cref="PackB"/>: one packing serves products that each read a window
    /// of it (the row bands of a convolution's kernel). The rows must satisfy <see cref="PackedBRowWindowFits"/> and j0
    /// <see cref="PackedBWindowStartsAt"/>; the result is bit for bit the blocked kernel's with that part of op(B) alone.
    /// </summary>
    public static void SgemmPackedB(bool transA, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packedB,
        int packedK, int packedN, int k0, int j0, float beta, Span<float> c, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (!PackedBWindowStartsAt(j0) || j0 + n > packedN)
        {
            throw new ArgumentException($"columns [{j0}, {j0 + n}) of a packed B with {packedN} columns are not a window a product can take");
        }
        if (!PackedBRowWindowFits(packedK, k0, k))
        {
            throw new ArgumentException($"rows [{k0}, {k0 + k}) of a packed B with {packedK} rows are not a window a product can take");
        }
        if (m == 0)
        {
            return;
        }
        CheckOperand(nameof(c), c.Length, m, n, ldc, nameof(ldc));
        CheckOperand(nameof(a), a.Length, transA ? k : m, transA ? m : k, lda, nameof(lda));
        if (packedB.Length < PackedBFloats(packedK, packedN))
        {
            throw new ArgumentException($"packedB has {packedB.Length} floats, a packed {packedK} x {packedN} needs {PackedBFloats(packedK, packedN)}", nameof(packedB));
        }
        if (beta != 0f && beta != 1f)
        {
            throw new ArgumentException($"beta must be 0 or 1 with a packed B, got {beta}.", nameof(beta));
        }
        fixed (float* pa = a, pb = packedB, pc = c)
        {
            // Row k0 starts slice k0 / kc, which lies k0 rows of the padded width into the packing.
            float* rows = pb + (long)k0 * GemmBlocked.PaddedColumns(GemmPaths.Best, packedN);
            GemmBlocked.Run(GemmPaths.Best, transA, false, m, n, k, pa, lda, null, 0, beta == 0f, pc, ldc, rows, packedN, j0);
        }
    }

    /// <summary>
    /// <see cref="Sgemm"/> on a chosen micro-kernel family, optionally without the direct shortcuts, so tests can drive
    /// every path and every edge of the blocked kernel on one machine.
    /// </summary>
    internal static void Run(GemmPath path, bool allowDirect, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (m == 0 || n == 0)
        {
            return;
        }
        CheckOperand(nameof(c), c.Length, m, n, ldc, nameof(ldc));
        if (k > 0)
        {
            CheckOperand(nameof(a), a.Length, transA ? k : m, transA ? m : k, lda, nameof(lda));
            CheckOperand(nameof(b), b.Length, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        }
        if (!float.IsFinite(beta))
        {
            throw new ArgumentException($"beta must be finite, got {beta}.", nameof(beta));
        }

        bool overwrite = beta == 0f;
        if (!overwrite && beta != 1f)
        {
            // Not used by the layers, but cheap to honour: scale once, then accumulate.
            for (int i = 0; i < m; i++)
            {
                foreach (ref float v in c.Slice(i * ldc, n))
                {
                    v *= beta;
                }
            }
        }
        if (k == 0)
        {
            if (overwrite)
            {
                for (int i = 0; i < m; i++)
                {
                    c.Slice(i * ldc, n).Clear();
                }
            }
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (!allowDirect)
            {
                GemmBlocked.Run(path, transA, transB, m, n, k, pa, lda, pb, ldb, overwrite, pc, ldc);
            }
            else if (n == 1)
            {
                // y = op(A) x with x = column 0 of op(B).
                GemmSmall.Gemv(m, k, pa, lda, !transA, pb, transB ? 1 : ldb, overwrite, pc, ldc);
            }
            else if (m == 1 && !transB)
            {
                // y^T = x^T op(B), i.e. y = op(B)^T x with x = row 0 of op(A). (With op(B) stored by rows the dot-product
                // form would sum in another order than the blocked kernel, so that layout takes the paths below.)
                GemmSmall.Gemv(n, k, pb, ldb, false, pa, transA ? lda : 1, overwrite, pc, 1);
            }
            else if ((long)m * n * k < SmallWork)
            {
                GemmSmall.Direct(transA, transB, m, n, k, pa, lda, pb, ldb, overwrite, pc, ldc);
            }
            else
            {
                GemmBlocked.Run(path, transA, transB, m, n, k, pa, lda, pb, ldb, overwrite, pc, ldc);
            }
        }
    }

    private static void CheckOperand(string name, int length, int rows, int cols, int ld, string ldName)
    {
        if (ld < cols)
        {
            throw new ArgumentException($"{ldName} ({ld}) is smaller than the {cols} columns of {name} as stored.", ldName);
        }
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{name} has {length} elements but a {rows} x {cols} matrix with stride {ld} needs {needed}.", name);
        }
    }
}
