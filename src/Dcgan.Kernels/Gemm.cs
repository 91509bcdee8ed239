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
