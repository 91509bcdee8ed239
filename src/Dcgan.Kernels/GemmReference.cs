// Naive single-threaded SGEMM: the test oracle for the fast kernel in Gemm.cs.
namespace Dcgan.Kernels;

/// <summary>Reference twin of <see cref="Gemm.Sgemm"/>: the same contract, three plain loops, double accumulation.</summary>
public static class GemmReference
{
    /// <summary>
    /// Effectively computes C[i, j] = beta * C[i, j] + sum_k op(A)[i, k] * op(B)[k, j], all row-major,
    /// where op(A) is A (M x K, row stride lda) or, when transA, the transpose of A stored K x M.
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float prior = beta == 0f ? 0f : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(prior + sum);
            }
        }
    }
}
