// Fast SGEMM entry point used by every layer. (Placeholder body: replaced by the blocked SIMD kernel.)
namespace Dcgan.Kernels;

/// <summary>Single-precision matrix multiply, row-major, with the transpositions the layers need.</summary>
public static class Gemm
{
    /// <summary>
    /// Effectively computes C[i, j] = beta * C[i, j] + sum_k op(A)[i, k] * op(B)[k, j], all row-major.
    /// op(A) is M x K: A itself (row stride lda) or, when transA, the transpose of a K x M matrix.
    /// op(B) is K x N: B itself (row stride ldb) or, when transB, the transpose of an N x K matrix.
    /// beta is 0 (overwrite, C may hold garbage) or 1 (accumulate).
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => GemmReference.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
}
