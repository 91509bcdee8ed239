// Element-wise activations and their derivatives (Keras semantics: LeakyReLU slope applies for x <= 0,
// ReLU gradient 0 at 0), SIMD where the tensors are large.
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

/// <summary>Forward and backward kernels for LeakyReLU, ReLU, Tanh and Sigmoid.</summary>
public static class Activations
{
    /// <summary>Effectively y[i] = x[i] > 0 ? x[i] : slope * x[i]. ReLU is slope 0.</summary>
    public static void LeakyReluForward(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        int n = CheckLengths(x.Length, y.Length);
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

    /// <summary>Effectively dx[i] = x[i] > 0 ? dy[i] : slope * dy[i] (the gradient TensorFlow uses, slope at 0).</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        int n = CheckLengths(x.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
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

    /// <summary>Effectively y[i] = tanh(x[i]).</summary>
    public static void TanhForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = CheckLengths(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            y[i] = MathF.Tanh(x[i]);
        }
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
