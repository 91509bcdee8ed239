// Batch normalization over the last axis of a (rows x C) matrix, Keras semantics: biased batch variance
// to normalize, epsilon inside the square root; backward per the standard closed form.
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>
/// Training-mode and inference-mode batch-norm kernels. Reductions run over a fixed number of row
/// chunks (independent of the thread count) and are combined in chunk order, so results are
/// bit-identical for any number of threads.
/// </summary>
public static unsafe class BatchNormKernels
{
    /// <summary>How many row chunks the reductions use; scratch needs 2 * Chunks * C floats.</summary>
    public const int Chunks = 32;

    /// <summary>
    /// Training forward. Effectively mean[c] = avg_r x[r,c]; variance[c] = avg_r (x[r,c] - mean[c])^2;
    /// invStd[c] = 1/sqrt(variance[c] + eps); xhat[r,c] = (x[r,c] - mean[c]) * invStd[c];
    /// y[r,c] = gamma[c] * xhat[r,c] + beta[c].
    /// </summary>
    public static void ForwardTraining(int rows, int c, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<float> mean, Span<float> variance, Span<float> invStd, Span<float> xhat, Span<float> y, Span<float> scratch)
    {
        Check(rows, c, x.Length, y.Length, xhat.Length, scratch.Length);
        fixed (float* px = x, pg = gamma, pb = beta, pm = mean, pv = variance, pi = invStd, ph = xhat, py = y, ps = scratch)
        {
            var job = new Job { Rows = rows, C = c, X = px, Gamma = pg, Beta = pb, Mean = pm, InvStd = pi, Xhat = ph, Y = py, Scratch = ps };
            // Pass 1: mean.
            Workers.For(Chunks, &SumChunk, &job);
            Combine(ps, c, pm, 1.0f / rows);
            // Pass 2: biased variance around the mean (two passes for accuracy).
            Workers.For(Chunks, &SquaredDeviationChunk, &job);
            Combine(ps, c, pv, 1.0f / rows);
            for (int j = 0; j < c; j++)
            {
                pi[j] = 1.0f / MathF.Sqrt(pv[j] + epsilon);
            }
            // Pass 3: normalize, scale, shift.
            Workers.For(Chunks, &NormalizeChunk, &job);
        }
    }

    /// <summary>
    /// Training backward. Effectively dbeta[c] += sum_r dy; dgamma[c] += sum_r dy * xhat;
    /// dx = gamma * invStd * (dy - mean_r(dy) - xhat * mean_r(dy * xhat)). dx may be empty to skip it.
    /// </summary>
    public static void BackwardTraining(int rows, int c, ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> invStd, Span<float> dgamma, Span<float> dbeta, Span<float> dx, Span<float> scratch,
        Span<float> sumDy, Span<float> sumDyXhat)
    {
        Check(rows, c, xhat.Length, dy.Length, dy.Length, scratch.Length);
        fixed (float* ph = xhat, pdy = dy, pg = gamma, pi = invStd, pdg = dgamma, pdb = dbeta, pdx = dx, ps = scratch, psd = sumDy, psdx = sumDyXhat)
        {
            var job = new Job { Rows = rows, C = c, Xhat = ph, Dy = pdy, Gamma = pg, InvStd = pi, Dx = pdx, Scratch = ps, Mean = psd, Y = psdx };
            Workers.For(Chunks, &GradientSumsChunk, &job);
            Combine(ps, c, psd, 1f);
            Combine(ps + (long)Chunks * c, c, psdx, 1f);
            for (int j = 0; j < c; j++)
            {
                pdb[j] += psd[j];
                pdg[j] += psdx[j];
            }
            if (!dx.IsEmpty)
            {
                if (dx.Length < rows * c)
                {
                    throw new ArgumentException("batch norm: dx too small");
                }
                Workers.For(Chunks, &InputGradientChunk, &job);
            }
        }
    }

    /// <summary>Inference forward: effectively y = (x - movingMean) / sqrt(movingVariance + eps) * gamma + beta.</summary>
    public static void ForwardInference(int rows, int c, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, float epsilon, Span<float> scale, Span<float> shift, Span<float> y)
    {
        for (int j = 0; j < c; j++)
        {
            scale[j] = gamma[j] / MathF.Sqrt(movingVariance[j] + epsilon);
            shift[j] = beta[j] - movingMean[j] * scale[j];
        }
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * c, c);
            var yr = y.Slice(r * c, c);
            VectorMath.Multiply(xr, scale, yr);
            VectorMath.AddInPlace(yr, shift);
        }
    }

    private struct Job
    {
        public int Rows, C;
        public float* X, Gamma, Beta, Mean, InvStd, Xhat, Y, Dy, Dx, Scratch;
    }

    private static (int Start, int End) ChunkRows(int rows, int chunk)
    {
        long start = (long)rows * chunk / Chunks;
        long end = (long)rows * (chunk + 1) / Chunks;
        return ((int)start, (int)end);
    }

    private static void Combine(float* scratch, int c, float* destination, float scale)
    {
        for (int j = 0; j < c; j++)
        {
            float sum = 0;
            for (int k = 0; k < Chunks; k++)
            {
                sum += scratch[(long)k * c + j];
            }
            destination[j] = sum * scale;
        }
    }

    private static void SumChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        var acc = new Span<float>(job.Scratch + (long)chunk * c, c);
        acc.Clear();
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            VectorMath.AddInPlace(acc, new ReadOnlySpan<float>(job.X + (long)r * c, c));
        }
    }

    private static void SquaredDeviationChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        float* acc = job.Scratch + (long)chunk * c;
        new Span<float>(acc, c).Clear();
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            float* xr = job.X + (long)r * c;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= c - 16; j += 16)
                {
                    var d = Vector512.Load(xr + j) - Vector512.Load(job.Mean + j);
                    Vector512.FusedMultiplyAdd(d, d, Vector512.Load(acc + j)).Store(acc + j);
                }
            }
            for (; j < c; j++)
            {
                float d = xr[j] - job.Mean[j];
                acc[j] += d * d;
            }
        }
    }

    private static void NormalizeChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            float* xr = job.X + (long)r * c;
            float* hr = job.Xhat + (long)r * c;
            float* yr = job.Y + (long)r * c;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= c - 16; j += 16)
                {
                    var h = (Vector512.Load(xr + j) - Vector512.Load(job.Mean + j)) * Vector512.Load(job.InvStd + j);
                    h.Store(hr + j);
                    Vector512.FusedMultiplyAdd(h, Vector512.Load(job.Gamma + j), Vector512.Load(job.Beta + j)).Store(yr + j);
                }
            }
            for (; j < c; j++)
            {
                float h = (xr[j] - job.Mean[j]) * job.InvStd[j];
                hr[j] = h;
                yr[j] = MathF.FusedMultiplyAdd(h, job.Gamma[j], job.Beta[j]);
            }
        }
    }

    private static void GradientSumsChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        float* sumDy = job.Scratch + (long)chunk * c;
        float* sumDyXhat = job.Scratch + ((long)Chunks + chunk) * c;
        new Span<float>(sumDy, c).Clear();
        new Span<float>(sumDyXhat, c).Clear();
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            float* hr = job.Xhat + (long)r * c;
            float* gr = job.Dy + (long)r * c;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= c - 16; j += 16)
                {
                    var g = Vector512.Load(gr + j);
                    (Vector512.Load(sumDy + j) + g).Store(sumDy + j);
                    Vector512.FusedMultiplyAdd(g, Vector512.Load(hr + j), Vector512.Load(sumDyXhat + j)).Store(sumDyXhat + j);
                }
            }
            for (; j < c; j++)
            {
                sumDy[j] += gr[j];
                sumDyXhat[j] += gr[j] * hr[j];
            }
        }
    }

    private static void InputGradientChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        float invRows = 1.0f / job.Rows;
        // job.Mean holds sum(dy), job.Y holds sum(dy * xhat) here.
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            float* hr = job.Xhat + (long)r * c;
            float* gr = job.Dy + (long)r * c;
            float* dr = job.Dx + (long)r * c;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var vInv = Vector512.Create(invRows);
                for (; j <= c - 16; j += 16)
                {
                    var meanDy = Vector512.Load(job.Mean + j) * vInv;
                    var meanDyXhat = Vector512.Load(job.Y + j) * vInv;
                    var k = Vector512.Load(job.Gamma + j) * Vector512.Load(job.InvStd + j);
                    var inner = Vector512.Load(gr + j) - meanDy - Vector512.Load(hr + j) * meanDyXhat;
                    (k * inner).Store(dr + j);
                }
            }
            for (; j < c; j++)
            {
                float meanDy = job.Mean[j] * invRows;
                float meanDyXhat = job.Y[j] * invRows;
                dr[j] = job.Gamma[j] * job.InvStd[j] * (gr[j] - meanDy - hr[j] * meanDyXhat);
            }
        }
    }

    private static void Check(int rows, int c, int xLength, int yLength, int xhatLength, int scratchLength)
    {
        long need = (long)rows * c;
        if (rows < 1 || c < 1 || xLength < need || yLength < need || xhatLength < need || scratchLength < 2L * Chunks * c)
        {
            throw new ArgumentException($"batch norm: buffers too small for {rows} x {c}");
        }
    }
}
