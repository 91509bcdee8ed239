// Batch normalization over the last axis of a (rows x C) matrix, Keras semantics: biased batch variance
// to normalize, epsilon inside the square root; backward per the standard closed form, row by row through ElementWise.
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>
/// Training-mode and inference-mode batch-norm kernels. Reductions run over a fixed number of row
/// chunks (independent of the thread count) and are combined in chunk order, and each channel's sums are
/// the same operations at every vector width, so results are bit-identical for any number of threads and any width.
/// </summary>
public static unsafe class BatchNormKernels
{
    /// <summary>How many row chunks the reductions use; scratch needs <see cref="ScratchFloats"/> floats.</summary>
    public const int Chunks = 32;

    /// <summary>
    /// Floats of scratch for C channels: each chunk's partial sums on cache lines of their own. Chunks next to each other run
    /// on different threads at the same time and add a row into their sums at every row; sharing a line, the two cores
    /// passed it back and forth, and the 64- and 128-channel layers ran slower on two threads than on one.
    /// </summary>
    public static int ScratchFloats(int c) => 2 * Chunks * PartialStride(c) + CacheAligned.LineFloats;

    /// <summary>Floats from one chunk's partial sums to the next: C rounded up to whole cache lines.</summary>
    private static int PartialStride(int c) => (c + CacheAligned.LineFloats - 1) / CacheAligned.LineFloats * CacheAligned.LineFloats;

    /// <summary>
    /// Training forward. Effectively mean[c] = avg_r x[r,c]; variance[c] = avg_r (x[r,c] - mean[c])^2;
    /// invStd[c] = 1/sqrt(variance[c] + eps); xhat[r,c] = (x[r,c] - mean[c]) * invStd[c];
    /// y[r,c] = gamma[c] * xhat[r,c] + beta[c], or with leakyReluSlope the LeakyReLU of it (the layer after, in the same
    /// pass: exactly what <see cref="Activations.LeakyReluForward"/> would make of y).
    /// </summary>
    public static void ForwardTraining(int rows, int c, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<float> mean, Span<float> variance, Span<float> invStd, Span<float> xhat, Span<float> y, Span<float> scratch,
        float? leakyReluSlope = null)
    {
        Check(rows, c, x.Length, y.Length, xhat.Length, scratch.Length);
        fixed (float* px = x, pg = gamma, pb = beta, pm = mean, pv = variance, pi = invStd, ph = xhat, py = y, ps = scratch)
        {
            var job = new Job
            {
                Rows = rows, C = c, Stride = PartialStride(c), X = px, Gamma = pg, Beta = pb, Mean = pm, InvStd = pi, Xhat = ph, Y = py,
                Scratch = CacheAligned.Up(ps), Activated = leakyReluSlope.HasValue, Slope = leakyReluSlope ?? 0f,
            };
            // Pass 1: mean.
            Workers.For(Chunks, &SumChunk, &job);
            Combine(job.Scratch, c, job.Stride, pm, 1.0f / rows);
            // Pass 2: biased variance around the mean (two passes for accuracy).
            Workers.For(Chunks, &SquaredDeviationChunk, &job);
            Combine(job.Scratch, c, job.Stride, pv, 1.0f / rows);
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
    /// dx = gamma * invStd * (dy - mean_r(dy) - xhat * mean_r(dy * xhat)). dx may be empty to skip it, and dgamma and
    /// dbeta both empty to leave the parameters' gradients alone (the sums dx needs are computed either way). With
    /// leakyReluSlope, the given gradient is the LeakyReLU's after the layer (run by the forward in the same pass) and dy is
    /// that gradient through the LeakyReLU's derivative, whose input gamma * xhat + beta is worked out again (the forward's
    /// bits): what <see cref="Activations.LeakyReluBackward"/> and then this would give, without writing dy.
    /// </summary>
    public static void BackwardTraining(int rows, int c, ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> invStd, Span<float> dgamma, Span<float> dbeta, Span<float> dx, Span<float> scratch,
        Span<float> sumDy, Span<float> sumDyXhat, ReadOnlySpan<float> beta = default, float? leakyReluSlope = null)
    {
        Check(rows, c, xhat.Length, dy.Length, dy.Length, scratch.Length);
        if (leakyReluSlope.HasValue && beta.Length < c)
        {
            throw new ArgumentException("batch norm: the LeakyReLU's gradient needs beta");
        }
        fixed (float* ph = xhat, pdy = dy, pg = gamma, pb = beta, pi = invStd, pdg = dgamma, pdb = dbeta, pdx = dx, ps = scratch, psd = sumDy, psdx = sumDyXhat)
        {
            var job = new Job
            {
                Rows = rows, C = c, Stride = PartialStride(c), Xhat = ph, Dy = pdy, Gamma = pg, Beta = pb, InvStd = pi, Dx = pdx,
                Scratch = CacheAligned.Up(ps), Mean = psd, Y = psdx, Activated = leakyReluSlope.HasValue, Slope = leakyReluSlope ?? 0f,
            };
            Workers.For(Chunks, &GradientSumsChunk, &job);
            Combine(job.Scratch, c, job.Stride, psd, 1f);
            Combine(job.Scratch + (long)Chunks * job.Stride, c, job.Stride, psdx, 1f);
            if (!dgamma.IsEmpty || !dbeta.IsEmpty)
            {
                if (dgamma.Length < c || dbeta.Length < c)
                {
                    throw new ArgumentException("batch norm: dgamma or dbeta too small");
                }
                for (int j = 0; j < c; j++)
                {
                    pdb[j] += psd[j];
                    pdg[j] += psdx[j];
                }
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

    /// <summary>
    /// Inference forward: effectively y = (x - movingMean) / sqrt(movingVariance + eps) * gamma + beta, or with
    /// leakyReluSlope the LeakyReLU of it in the same pass.
    /// </summary>
    public static void ForwardInference(int rows, int c, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, float epsilon, Span<float> scale, Span<float> shift, Span<float> y,
        float? leakyReluSlope = null)
    {
        for (int j = 0; j < c; j++)
        {
            scale[j] = gamma[j] / MathF.Sqrt(movingVariance[j] + epsilon);
            shift[j] = beta[j] - movingMean[j] * scale[j];
        }
        if (leakyReluSlope is float slope)
        {
            ScaleShiftRows(rows, c, x, scale, shift, y, new MultiplyAddActivated<Activations.LeakyReluOperator>(new(slope)));
        }
        else
        {
            ScaleShiftRows(rows, c, x, scale, shift, y, default(MultiplyAddOperator));
        }
    }

    /// <summary>Row by row, y = op(x, scale, shift) with the per-channel scale and shift.</summary>
    private static void ScaleShiftRows<TOp>(int rows, int c, ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y, TOp op)
        where TOp : unmanaged, ITernaryOperator
    {
        for (int r = 0; r < rows; r++)
        {
            ElementWise.Ternary(op, x.Slice(r * c, c), scale[..c], shift[..c], y.Slice(r * c, c));
        }
    }

    private struct Job
    {
        public int Rows, C, Stride;
        // Whether the output goes through a LeakyReLU of this slope.
        public bool Activated;
        public float Slope;
        public float* X, Gamma, Beta, Mean, InvStd, Xhat, Y, Dy, Dx, Scratch;
    }

    private static (int Start, int End) ChunkRows(int rows, int chunk)
    {
        long start = (long)rows * chunk / Chunks;
        long end = (long)rows * (chunk + 1) / Chunks;
        return ((int)start, (int)end);
    }

    /// <summary>Channels per task of <see cref="Combine"/>: a few thousand channels (after a dense layer) take several.</summary>
    private const int CombineColumns = 2048;

    /// <summary>
    /// destination[j] = (the chunks' partial sums of channel j, added in chunk order) * scale; over the worker threads in
    /// blocks of channels when there are many (each channel's sum is the same wherever it runs, in a vector or not).
    /// </summary>
    private static void Combine(float* partials, int c, int stride, float* destination, float scale)
    {
        var job = new CombineJob { Scratch = partials, C = c, Stride = stride, Destination = destination, Scale = scale };
        Workers.For((c + CombineColumns - 1) / CombineColumns, &CombineTask, &job);
    }

    private struct CombineJob
    {
        public float* Scratch, Destination;
        public int C, Stride;
        public float Scale;
    }

    private static void CombineTask(void* state, int block)
    {
        ref CombineJob job = ref *(CombineJob*)state;
        int c = job.C, stride = job.Stride, end = Math.Min(c, (block + 1) * CombineColumns), j = block * CombineColumns;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= end; j += 16)
            {
                var sum = Vector512<float>.Zero;
                for (int k = 0; k < Chunks; k++)
                {
                    sum += Vector512.Load(job.Scratch + (long)k * stride + j);
                }
                (sum * job.Scale).Store(job.Destination + j);
            }
        }
        for (; j < end; j++)
        {
            float sum = 0;
            for (int k = 0; k < Chunks; k++)
            {
                sum += job.Scratch[(long)k * stride + j];
            }
            job.Destination[j] = sum * job.Scale;
        }
    }

    private static void SumChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        var acc = new Span<float>(job.Scratch + (long)chunk * job.Stride, c);
        acc.Clear();
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            ElementWise.Binary(default(AddOperator), acc, new ReadOnlySpan<float>(job.X + (long)r * c, c), acc);
        }
    }

    private static void SquaredDeviationChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int c = job.C;
        var acc = new Span<float>(job.Scratch + (long)chunk * job.Stride, c);
        acc.Clear();
        var mean = new ReadOnlySpan<float>(job.Mean, c);
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            ElementWise.Ternary(default(SquaredDeviationOperator), new ReadOnlySpan<float>(job.X + (long)r * c, c), mean, acc, acc);
        }
    }

    private static void NormalizeChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        if (job.Activated)
        {
            NormalizeRows(ref job, chunk, new Activations.LeakyReluOperator(job.Slope));
        }
        else
        {
            NormalizeRows(ref job, chunk, default(IdentityOperator));
        }
    }

    private static void NormalizeRows<TActivation>(ref Job job, int chunk, TActivation activation)
        where TActivation : unmanaged, IUnaryOperator
    {
        int c = job.C;
        // A fresh operator per row, from locals, lets the JIT keep its addresses in registers.
        float* mean = job.Mean, invStd = job.InvStd, gamma = job.Gamma, beta = job.Beta;
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            long row = (long)r * c;
            ElementWise.MultiArray(new NormalizeOperator<TActivation>
            {
                X = job.X + row, Xhat = job.Xhat + row, Y = job.Y + row, Mean = mean, InvStd = invStd, Gamma = gamma, Beta = beta, Activation = activation,
            }, c);
        }
    }

    private static void GradientSumsChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        if (job.Activated)
        {
            GradientSumsRows(ref job, chunk, new ThroughLeakyRelu(job.Slope));
        }
        else
        {
            GradientSumsRows(ref job, chunk, default(GivenGradient));
        }
    }

    private static void GradientSumsRows<TGradient>(ref Job job, int chunk, TGradient gradient)
        where TGradient : unmanaged, IOutputGradient
    {
        int c = job.C;
        float* gamma = job.Gamma, beta = job.Beta;
        float* sumDy = job.Scratch + (long)chunk * job.Stride, sumDyXhat = job.Scratch + ((long)Chunks + chunk) * job.Stride;
        new Span<float>(sumDy, c).Clear();
        new Span<float>(sumDyXhat, c).Clear();
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            long row = (long)r * c;
            ElementWise.MultiArray(new GradientSumsOperator<TGradient>
            {
                Dy = job.Dy + row, Xhat = job.Xhat + row, Gamma = gamma, Beta = beta, SumDy = sumDy, SumDyXhat = sumDyXhat, Gradient = gradient,
            }, c);
        }
    }

    private static void InputGradientChunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        if (job.Activated)
        {
            InputGradientRows(ref job, chunk, new ThroughLeakyRelu(job.Slope));
        }
        else
        {
            InputGradientRows(ref job, chunk, default(GivenGradient));
        }
    }

    private static void InputGradientRows<TGradient>(ref Job job, int chunk, TGradient gradient)
        where TGradient : unmanaged, IOutputGradient
    {
        int c = job.C;
        // Here job.Mean holds sum(dy) and job.Y sum(dy * xhat).
        float* sumDy = job.Mean, sumDyXhat = job.Y, gamma = job.Gamma, beta = job.Beta, invStd = job.InvStd;
        float invRows = 1.0f / job.Rows;
        var (start, end) = ChunkRows(job.Rows, chunk);
        for (int r = start; r < end; r++)
        {
            long row = (long)r * c;
            var op = new InputGradientOperator<TGradient>
            {
                Dy = job.Dy + row, Xhat = job.Xhat + row, Dx = job.Dx + row, SumDy = sumDy, SumDyXhat = sumDyXhat, Gamma = gamma, Beta = beta, InvStd = invStd,
                InvRows = invRows, Gradient = gradient,
            };
            ElementWise.MultiArray(op, c);
        }
    }

    /// <summary>(x, mean, sum) to sum + (x - mean)^2, the square fused into the sum.</summary>
    internal readonly struct SquaredDeviationOperator : ITernaryOperator
    {
        public float Invoke(float x, float mean, float sum)
        {
            float d = x - mean;
            return MathF.FusedMultiplyAdd(d, d, sum);
        }

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> mean, Vector256<float> sum)
        {
            var d = x - mean;
            return Vector256.FusedMultiplyAdd(d, d, sum);
        }

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> mean, Vector512<float> sum)
        {
            var d = x - mean;
            return Vector512.FusedMultiplyAdd(d, d, sum);
        }
    }

    /// <summary>
    /// Channel j of a row: xhat = (x - mean) * invStd, then y = gamma * xhat + beta rounded once, through the activation
    /// (the identity, or the LeakyReLU after the layer).
    /// </summary>
    internal struct NormalizeOperator<TActivation> : IMultiArrayOperator
        where TActivation : unmanaged, IUnaryOperator
    {
        public float* X, Xhat, Y, Mean, InvStd, Gamma, Beta;
        public TActivation Activation;

        public readonly void Invoke(int j)
        {
            float h = (X[j] - Mean[j]) * InvStd[j];
            Xhat[j] = h;
            Y[j] = Activation.Invoke(MathF.FusedMultiplyAdd(h, Gamma[j], Beta[j]));
        }

        public readonly void Invoke256(int j)
        {
            var h = (Vector256.Load(X + j) - Vector256.Load(Mean + j)) * Vector256.Load(InvStd + j);
            h.Store(Xhat + j);
            Activation.Invoke(Vector256.FusedMultiplyAdd(h, Vector256.Load(Gamma + j), Vector256.Load(Beta + j))).Store(Y + j);
        }

        public readonly void Invoke512(int j)
        {
            var h = (Vector512.Load(X + j) - Vector512.Load(Mean + j)) * Vector512.Load(InvStd + j);
            h.Store(Xhat + j);
            Activation.Invoke(Vector512.FusedMultiplyAdd(h, Vector512.Load(Gamma + j), Vector512.Load(Beta + j))).Store(Y + j);
        }
    }

    /// <summary>(x, scale, shift) to the activation of x * scale + shift: the inference forward and the layer after it.</summary>
    private readonly struct MultiplyAddActivated<TActivation>(TActivation activation) : ITernaryOperator
        where TActivation : unmanaged, IUnaryOperator
    {
        public float Invoke(float x, float y, float z) => activation.Invoke(x * y + z);

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => activation.Invoke(x * y + z);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) => activation.Invoke(x * y + z);
    }

    /// <summary>
    /// The gradient at the layer's output, channel j of a row, from the one the backward was given (dy, xhat rows; gamma,
    /// beta per channel): that gradient itself, or that gradient through the LeakyReLU after the layer.
    /// </summary>
    internal interface IOutputGradient
    {
        float At(float* dy, float* xhat, float* gamma, float* beta, int j);

        Vector256<float> At256(float* dy, float* xhat, float* gamma, float* beta, int j);

        Vector512<float> At512(float* dy, float* xhat, float* gamma, float* beta, int j);
    }

    /// <summary>The gradient given is the layer's own.</summary>
    internal readonly struct GivenGradient : IOutputGradient
    {
        public float At(float* dy, float* xhat, float* gamma, float* beta, int j) => dy[j];

        public Vector256<float> At256(float* dy, float* xhat, float* gamma, float* beta, int j) => Vector256.Load(dy + j);

        public Vector512<float> At512(float* dy, float* xhat, float* gamma, float* beta, int j) => Vector512.Load(dy + j);
    }

    /// <summary>
    /// The gradient given is the LeakyReLU's (slope 0 or more) that the forward ran on the layer's output: it goes back
    /// through the derivative at that output, positive exactly where gamma * xhat + beta rounded once (the forward's
    /// operations, so its bits) is.
    /// </summary>
    internal readonly struct ThroughLeakyRelu(float slope) : IOutputGradient
    {
        private readonly Activations.LeakyReluDerivativeOperator _derivative = new(slope);

        public float At(float* dy, float* xhat, float* gamma, float* beta, int j)
            => _derivative.Invoke(MathF.FusedMultiplyAdd(xhat[j], gamma[j], beta[j]), dy[j]);

        public Vector256<float> At256(float* dy, float* xhat, float* gamma, float* beta, int j)
            => _derivative.Invoke(Vector256.FusedMultiplyAdd(Vector256.Load(xhat + j), Vector256.Load(gamma + j), Vector256.Load(beta + j)), Vector256.Load(dy + j));

        public Vector512<float> At512(float* dy, float* xhat, float* gamma, float* beta, int j)
            => _derivative.Invoke(Vector512.FusedMultiplyAdd(Vector512.Load(xhat + j), Vector512.Load(gamma + j), Vector512.Load(beta + j)), Vector512.Load(dy + j));
    }

    /// <summary>Channel j of a row added to a chunk's sums: sumDy += dy; sumDyXhat += dy * xhat rounded once.</summary>
    internal struct GradientSumsOperator<TGradient> : IMultiArrayOperator
        where TGradient : unmanaged, IOutputGradient
    {
        public float* Dy, Xhat, Gamma, Beta, SumDy, SumDyXhat;
        public TGradient Gradient;

        public readonly void Invoke(int j)
        {
            float g = Gradient.At(Dy, Xhat, Gamma, Beta, j);
            SumDy[j] += g;
            SumDyXhat[j] = MathF.FusedMultiplyAdd(g, Xhat[j], SumDyXhat[j]);
        }

        public readonly void Invoke256(int j)
        {
            var g = Gradient.At256(Dy, Xhat, Gamma, Beta, j);
            (Vector256.Load(SumDy + j) + g).Store(SumDy + j);
            Vector256.FusedMultiplyAdd(g, Vector256.Load(Xhat + j), Vector256.Load(SumDyXhat + j)).Store(SumDyXhat + j);
        }

        public readonly void Invoke512(int j)
        {
            var g = Gradient.At512(Dy, Xhat, Gamma, Beta, j);
            (Vector512.Load(SumDy + j) + g).Store(SumDy + j);
            Vector512.FusedMultiplyAdd(g, Vector512.Load(Xhat + j), Vector512.Load(SumDyXhat + j)).Store(SumDyXhat + j);
        }
    }

    /// <summary>
    /// Channel j of a row: dx = gamma * invStd * ((dy - mean(dy)) - xhat * mean(dy * xhat)), each mean a sum times
    /// 1 / rows.
    /// </summary>
    internal struct InputGradientOperator<TGradient> : IMultiArrayOperator
        where TGradient : unmanaged, IOutputGradient
    {
        public float* Dy, Xhat, Dx, SumDy, SumDyXhat, Gamma, Beta, InvStd;
        public float InvRows;
        public TGradient Gradient;

        public readonly void Invoke(int j)
        {
            float meanDy = SumDy[j] * InvRows;
            float meanDyXhat = SumDyXhat[j] * InvRows;
            Dx[j] = Gamma[j] * InvStd[j] * (Gradient.At(Dy, Xhat, Gamma, Beta, j) - meanDy - Xhat[j] * meanDyXhat);
        }

        public readonly void Invoke256(int j)
        {
            var meanDy = Vector256.Load(SumDy + j) * InvRows;
            var meanDyXhat = Vector256.Load(SumDyXhat + j) * InvRows;
            var gain = Vector256.Load(Gamma + j) * Vector256.Load(InvStd + j);
            (gain * (Gradient.At256(Dy, Xhat, Gamma, Beta, j) - meanDy - Vector256.Load(Xhat + j) * meanDyXhat)).Store(Dx + j);
        }

        public readonly void Invoke512(int j)
        {
            var meanDy = Vector512.Load(SumDy + j) * InvRows;
            var meanDyXhat = Vector512.Load(SumDyXhat + j) * InvRows;
            var gain = Vector512.Load(Gamma + j) * Vector512.Load(InvStd + j);
            (gain * (Gradient.At512(Dy, Xhat, Gamma, Beta, j) - meanDy - Vector512.Load(Xhat + j) * meanDyXhat)).Store(Dx + j);
        }
    }

    private static void Check(int rows, int c, int xLength, int yLength, int xhatLength, int scratchLength)
    {
        long need = (long)rows * c;
        if (rows < 1 || c < 1 || xLength < need || yLength < need || xhatLength < need || scratchLength < ScratchFloats(c))
        {
            throw new ArgumentException($"batch norm: buffers too small for {rows} x {c}");
        }
    }
}
