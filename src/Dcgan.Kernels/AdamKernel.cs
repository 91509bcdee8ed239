// One Adam step over a flat parameter buffer, exactly as Keras: bias correction folded into the step
// size, epsilon added to the uncorrected sqrt(v).
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>The Adam update kernel (Kingma and Ba 2015, in Keras's form).</summary>
public static unsafe class AdamKernel
{
    private const int ChunkSize = 1 << 16;

    /// <summary>
    /// Hyperparameters are doubles so 1 - beta is exact before rounding to float32.
    /// With t = step + 1 and alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t), effectively for each i:
    /// m += (g - m)(1 - beta1); v += (g*g - v)(1 - beta2); theta -= alpha * m / (sqrt(v) + epsilon).
    /// </summary>
    public static void Step(Span<float> theta, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        long step, double learningRate, double beta1, double beta2, double epsilon)
    {
        int n = theta.Length;
        if (grad.Length != n || m.Length != n || v.Length != n)
        {
            throw new ArgumentException("adam: buffers differ in length");
        }
        double t = step + 1;
        float alpha = (float)(learningRate * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t)));
        fixed (float* pt = theta, pg = grad, pm = m, pv = v)
        {
            var job = new Job { N = n, Theta = pt, Grad = pg, M = pm, V = pv, Alpha = alpha, OneMinusBeta1 = (float)(1 - beta1), OneMinusBeta2 = (float)(1 - beta2), Epsilon = (float)epsilon };
            Workers.For((n + ChunkSize - 1) / ChunkSize, &Chunk, &job);
        }
    }

    private struct Job
    {
        public int N;
        public float* Theta, Grad, M, V;
        public float Alpha, OneMinusBeta1, OneMinusBeta2, Epsilon;
    }

    private static void Chunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        int start = chunk * ChunkSize;
        int end = Math.Min(job.N, start + ChunkSize);
        int i = start;
        if (Vector512.IsHardwareAccelerated)
        {
            var b1 = Vector512.Create(job.OneMinusBeta1);
            var b2 = Vector512.Create(job.OneMinusBeta2);
            var alpha = Vector512.Create(job.Alpha);
            var eps = Vector512.Create(job.Epsilon);
            for (; i <= end - 16; i += 16)
            {
                var g = Vector512.Load(job.Grad + i);
                var m = Vector512.Load(job.M + i);
                var v = Vector512.Load(job.V + i);
                m += (g - m) * b1;
                v += (g * g - v) * b2;
                m.Store(job.M + i);
                v.Store(job.V + i);
                (Vector512.Load(job.Theta + i) - alpha * m / (Vector512.Sqrt(v) + eps)).Store(job.Theta + i);
            }
        }
        for (; i < end; i++)
        {
            float g = job.Grad[i];
            float m = job.M[i] + (g - job.M[i]) * job.OneMinusBeta1;
            float v = job.V[i] + (g * g - job.V[i]) * job.OneMinusBeta2;
            job.M[i] = m;
            job.V[i] = v;
            job.Theta[i] -= job.Alpha * m / (MathF.Sqrt(v) + job.Epsilon);
        }
    }
}
