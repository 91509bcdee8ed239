// Element-wise activations and their derivatives (Keras semantics: LeakyReLU slope applies for x <= 0,
// ReLU gradient 0 at 0), SIMD where the tensors are large.
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

/// <summary>Forward and backward kernels for LeakyReLU, ReLU, Tanh and Sigmoid.</summary>
public static class Activations
{
    /// <summary>Elements per parallel task of the element-wise kernels (a fixed split: results never depend on threads).</summary>
    private const int Chunk = 1 << 14;

    /// <summary>Effectively y[i] = x[i] > 0 ? x[i] : slope * x[i]. ReLU is slope 0. Large tensors go in parallel chunks.</summary>
    public static unsafe void LeakyReluForward(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        int n = CheckLengths(x.Length, y.Length);
        fixed (float* px = x, py = y)
        {
            var job = new Job { X = px, Y = py, Count = n, Slope = slope };
            Workers.For((n + Chunk - 1) / Chunk, &LeakyReluForwardTask, &job);
        }
    }

    /// <summary>Effectively dx[i] = x[i] > 0 ? dy[i] : slope * dy[i] (the gradient TensorFlow uses, slope at 0).</summary>
    public static unsafe void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        int n = CheckLengths(x.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
        fixed (float* px = x, pdy = dy, pdx = dx)
        {
            var job = new Job { X = px, Dy = pdy, Y = pdx, Count = n, Slope = slope };
            Workers.For((n + Chunk - 1) / Chunk, &LeakyReluBackwardTask, &job);
        }
    }

    private unsafe struct Job
    {
        public float* X;
        public float* Dy;
        public float* Y;
        public int Count;
        public float Slope;
    }

    private static unsafe void LeakyReluForwardTask(void* state, int task)
    {
        var job = (Job*)state;
        int start = task * Chunk, length = Math.Min(job->Count - start, Chunk);
        LeakyReluForwardSerial(new ReadOnlySpan<float>(job->X + start, length), new Span<float>(job->Y + start, length), job->Slope);
    }

    private static unsafe void LeakyReluBackwardTask(void* state, int task)
    {
        var job = (Job*)state;
        int start = task * Chunk, length = Math.Min(job->Count - start, Chunk);
        LeakyReluBackwardSerial(new ReadOnlySpan<float>(job->X + start, length), new ReadOnlySpan<float>(job->Dy + start, length),
            new Span<float>(job->Y + start, length), job->Slope);
    }

    private static void LeakyReluForwardSerial(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(slope);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref px, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * vs).StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref px, i);
            Unsafe.Add(ref py, i) = v > 0 ? v : slope * v;
        }
    }

    private static void LeakyReluBackwardSerial(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(slope);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref px, (nuint)i);
                var g = Vector512.LoadUnsafe(ref pdy, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), g, g * vs).StoreUnsafe(ref pdx, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref pdy, i);
            Unsafe.Add(ref pdx, i) = Unsafe.Add(ref px, i) > 0 ? g : slope * g;
        }
    }

    /// <summary>
    /// Effectively y[i] = tanh(x[i]), within 3 ulp of MathF.Tanh. With AVX-512 every element, the tail included, goes
    /// through the same vector formula (so a value never depends on its position or the batch size), in parallel chunks.
    /// </summary>
    public static unsafe void TanhForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = CheckLengths(x.Length, y.Length);
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < n; i++)
            {
                y[i] = MathF.Tanh(x[i]);
            }
            return;
        }
        fixed (float* px = x, py = y)
        {
            var job = new Job { X = px, Y = py, Count = n };
            Workers.For((n + Chunk - 1) / Chunk, &TanhTask, &job);
        }
    }

    private static unsafe void TanhTask(void* state, int task)
    {
        var job = (Job*)state;
        int start = task * Chunk, end = Math.Min(job->Count, start + Chunk);
        int i = start;
        for (; i <= end - 16; i += 16)
        {
            Tanh(Vector512.Load(job->X + i)).Store(job->Y + i);
        }
        if (i < end)
        {
            float* tail = stackalloc float[16];
            new Span<float>(tail, 16).Clear();
            new ReadOnlySpan<float>(job->X + i, end - i).CopyTo(new Span<float>(tail, 16));
            Tanh(Vector512.Load(tail)).Store(tail);
            new ReadOnlySpan<float>(tail, end - i).CopyTo(new Span<float>(job->Y + i, end - i));
        }
    }

    /// <summary>
    /// tanh of 16 floats: the odd Taylor series through x^15 below |x| = 0.55 (truncation under 5e-8 relative there),
    /// else (1 - e) / (1 + e) with e = exp(-2|x|) and x's sign, which has no cancellation there. NaN stays NaN.
    /// </summary>
    private static Vector512<float> Tanh(Vector512<float> x)
    {
        var ax = Vector512.Abs(x);
        var x2 = x * x;
        var p = Vector512.Create(-929569f / 638512875f);
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(21844f / 6081075f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(-1382f / 155925f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(62f / 2835f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(-17f / 315f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(2f / 15f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(-1f / 3f));
        var small = Vector512.FusedMultiplyAdd(p * x2, x, x);
        // exp(-40) is already below float's epsilon next to 1, so larger |x| changes nothing.
        var e = Vector512.Exp(Vector512.Min(ax, Vector512.Create(20f)) * -2f);
        var large = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        large = Vector512.ConditionalSelect(Vector512.Create(-0f), x, large);
        return Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.55f)), small, large);
    }

    /// <summary>Effectively dx[i] = dy[i] * (1 - y[i]^2), from the forward output y.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = CheckLengths(y.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
        for (int i = 0; i < n; i++)
        {
            dx[i] = dy[i] * (1f - y[i] * y[i]);
        }
    }

    /// <summary>Effectively y[i] = 1 / (1 + exp(-x[i])), stable for large |x|.</summary>
    public static void SigmoidForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = CheckLengths(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            y[i] = Sigmoid(x[i]);
        }
    }

    /// <summary>Effectively dx[i] = dy[i] * y[i] * (1 - y[i]), from the forward output y.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = CheckLengths(y.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
        for (int i = 0; i < n; i++)
        {
            dx[i] = dy[i] * y[i] * (1f - y[i]);
        }
    }

    /// <summary>The logistic function, written so that neither branch overflows.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0)
        {
            return 1f / (1f + MathF.Exp(-x));
        }
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    private static int CheckLengths(int input, int output)
    {
        if (input != output)
        {
            throw new ArgumentException($"length mismatch: {input} vs {output}");
        }
        return output;
    }
}
