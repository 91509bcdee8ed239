// Direct SGEMM paths for problems too small or too thin for the packed kernel: a plain triple loop for tiny products
// and matrix-vector forms (dot or axpy, chosen by which layout is contiguous) when M or N is 1.
using System.Runtime.Intrinsics;

namespace Dcgan.Kernels;

/// <summary>
/// Direct kernels; each uses a fixed summation order, so results are reproducible. The matrix-vector products spread
/// blocks of rows over the worker threads when long; the tiny triple loop runs on the calling thread.
/// </summary>
internal static unsafe class GemmSmall
{
    /// <summary>
    /// Plain loops for tiny problems where packing and task start-up would cost more than the arithmetic. Each element
    /// is computed as the blocked kernel computes it: one fused multiply-add chain per K slice, slices added in order.
    /// </summary>
    public static void Direct(bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, bool overwrite, float* c, int ldc)
    {
        long sa = transA ? 1 : lda, ska = transA ? lda : 1;
        long skb = transB ? 1 : ldb, sb = transB ? ldb : 1;
        int slice = GemmBlocked.SliceDepth(k);
        for (int i = 0; i < m; i++)
        {
            float* ai = a + i * sa;
            float* ci = c + (long)i * ldc;
            for (int j = 0; j < n; j++)
            {
                float* bj = b + j * sb;
                for (int p0 = 0; p0 < k; p0 += slice)
                {
                    int end = Math.Min(k, p0 + slice);
                    float sum = 0f;
                    for (int p = p0; p < end; p++)
                    {
                        sum = MathF.FusedMultiplyAdd(ai[p * ska], bj[p * skb], sum);
                    }
                    ci[j] = overwrite && p0 == 0 ? sum : ci[j] + sum;
                }
            }
        }
    }

    /// <summary>
    /// y[i * incy] (+)= sum_p mat(i, p) * x(p) for i below rows. mat(i, p) is mat[i * ld + p] when rowsByK, else
    /// mat[p * ld + i]; x(p) is x[p * incx].
    /// </summary>
    public static void Gemv(int rows, int k, float* mat, int ld, bool rowsByK, float* x, long incx,
        bool overwrite, float* y, long incy)
    {
        if (incx != 1)
        {
            // Gather x once so the inner loops read it contiguously.
            float* packed = GemmBuffers.B(k);
            for (int p = 0; p < k; p++)
            {
                packed[p] = x[p * incx];
            }
            x = packed;
        }
        var job = new GemvJob { K = k, Mat = mat, Ld = ld, RowsByK = rowsByK, X = x, Overwrite = overwrite, Y = y, IncY = incy, Rows = rows };
        // Each y(i) is summed the same way whichever block holds it, so blocks of rows can run on any thread.
        job.PerTask = (long)rows * k < ParallelWork ? rows : Math.Max(16, (int)(ParallelWork / k) / 16 * 16);
        Workers.For((rows + job.PerTask - 1) / job.PerTask, &GemvTask, &job);
    }

    /// <summary>Multiply-adds from which a matrix-vector product is cut into blocks of rows for the worker threads.</summary>
    private const long ParallelWork = 1 << 17;

    private struct GemvJob
    {
        public float* Mat, X, Y;
        public int K, Ld, Rows, PerTask;
        public long IncY;
        public bool RowsByK, Overwrite;
    }

    /// <summary>Rows [block * PerTask, ...) of a matrix-vector product.</summary>
    private static void GemvTask(void* state, int block)
    {
        ref GemvJob job = ref *(GemvJob*)state;
        int first = block * job.PerTask, rows = Math.Min(job.PerTask, job.Rows - first), k = job.K;
        float* x = job.X, y = job.Y + first * job.IncY;
        if (job.RowsByK)
        {
            float* mat = job.Mat + (long)first * job.Ld;
            for (int i = 0; i < rows; i++)
            {
                float sum = Dot(mat + (long)i * job.Ld, x, k);
                float* yi = y + i * job.IncY;
                *yi = job.Overwrite ? sum : *yi + sum;
            }
            return;
        }

        // Column form: accumulate x(p) * row p of the stored matrix into a scratch vector, p in increasing order, one
        // chain per K slice as the blocked kernel does (so M = 1 gives what the same row gives inside a larger M).
        float* acc = GemmBuffers.A(rows);
        float* columns = job.Mat + first;
        int slice = GemmBlocked.SliceDepth(k);
        for (int p0 = 0; p0 < k; p0 += slice)
        {
            int end = Math.Min(k, p0 + slice);
            new Span<float>(acc, rows).Clear();
            for (int p = p0; p < end; p++)
            {
                Axpy(x[p], columns + (long)p * job.Ld, acc, rows);
            }
            for (int i = 0; i < rows; i++)
            {
                float* yi = y + i * job.IncY;
                *yi = job.Overwrite && p0 == 0 ? acc[i] : *yi + acc[i];
            }
        }
    }

    private static float Dot(float* u, float* v, int k)
    {
        int p = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && k >= 32)
        {
            // Four independent accumulators hide the add latency; they are combined in a fixed order.
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; p + 32 <= k; p += 32)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(u + p), Vector256.Load(v + p), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(u + p + 8), Vector256.Load(v + p + 8), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Load(u + p + 16), Vector256.Load(v + p + 16), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Load(u + p + 24), Vector256.Load(v + p + 24), s3);
            }
            sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        for (; p < k; p++)
        {
            sum += u[p] * v[p];
        }
        return sum;
    }

    private static void Axpy(float alpha, float* x, float* y, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> va = Vector256.Create(alpha);
            for (; i + 8 <= count; i += 8)
            {
                Vector256.Store(Vector256.FusedMultiplyAdd(va, Vector256.Load(x + i), Vector256.Load(y + i)), y + i);
            }
        }
        for (; i < count; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
        }
    }
}
