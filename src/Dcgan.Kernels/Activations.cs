// Element-wise activations and their derivatives (Keras semantics: LeakyReLU slope applies for x <= 0,
// ReLU gradient 0 at 0), each an operator of the element-wise driver (ElementWise.cs).
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

/// <summary>Forward and backward kernels for LeakyReLU, ReLU, Tanh and Sigmoid.</summary>
public static class Activations
{
    /// <summary>Effectively y[i] = x[i] > 0 ? x[i] : slope * x[i]. ReLU is slope 0. Large tensors go in parallel chunks.</summary>
    public static void LeakyReluForward(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        CheckLengths(x.Length, y.Length);
        ElementWise.Unary(new LeakyReluOperator(slope), x, y);
    }

    /// <summary>Effectively dx[i] = x[i] > 0 ? dy[i] : slope * dy[i] (the gradient TensorFlow uses, slope at 0).</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        CheckLengths(x.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
        ElementWise.Binary(new LeakyReluDerivativeOperator(slope), x, dy, dx);
    }

    /// <summary>
    /// Effectively y[i] = tanh(x[i]), within 3 ulp of MathF.Tanh. Every element goes through the same formula at every
    /// width, the remainder's scalar body included, so a value never depends on its position, the batch size or the
    /// machine's vector width.
    /// </summary>
    public static void TanhForward(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        ElementWise.Unary(default(TanhOperator), x, y);
    }

    /// <summary>Effectively dx[i] = dy[i] * (1 - y[i]^2), from the forward output y.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
        ElementWise.Binary(default(TanhDerivativeOperator), y, dy, dx);
    }

    /// <summary>Effectively y[i] = 1 / (1 + exp(-x[i])), stable for large |x|.</summary>
    public static void SigmoidForward(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        ElementWise.Unary(default(SigmoidOperator), x, y);
    }

    /// <summary>Effectively dx[i] = dy[i] * y[i] * (1 - y[i]), from the forward output y.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dx.Length);
        CheckLengths(dy.Length, dx.Length);
        ElementWise.Binary(default(SigmoidDerivativeOperator), y, dy, dx);
    }

    /// <summary>The logistic function, written so that neither branch overflows.</summary>
    public static float Sigmoid(float x) => default(SigmoidOperator).Invoke(x);

    private static void CheckLengths(int input, int output)
    {
        if (input != output)
        {
            throw new ArgumentException($"length mismatch: {input} vs {output}");
        }
    }

    /// <summary>x > 0 ? x : slope * x.</summary>
    internal readonly struct LeakyReluOperator(float slope) : IUnaryOperator
    {
        public float Invoke(float x) => x > 0 ? x : slope * x;

        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope);

        public Vector512<float> Invoke(Vector512<float> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);
    }

    /// <summary>(x, dy) to x > 0 ? dy : slope * dy.</summary>
    internal readonly struct LeakyReluDerivativeOperator(float slope) : IBinaryOperator
    {
        public float Invoke(float x, float dy) => x > 0 ? dy : slope * dy;

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * slope);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * slope);
    }

    /// <summary>
    /// tanh: the odd Taylor series through x^15 below |x| = 0.55 (truncation under 5e-8 relative there), else
    /// (1 - e) / (1 + e) with e = exp(-2|x|) and x's sign, which has no cancellation there. NaN stays NaN. The exp is
    /// the runtime's vector exp at every width (one lane of it for the scalar body), the same algorithm at each.
    /// </summary>
    internal readonly struct TanhOperator : IUnaryOperator
    {
        private const float C15 = -929569f / 638512875f, C13 = 21844f / 6081075f, C11 = -1382f / 155925f, C9 = 62f / 2835f;
        private const float C7 = -17f / 315f, C5 = 2f / 15f, C3 = -1f / 3f;

        /// <summary>Below this |x| the series is used.</summary>
        private const float SeriesLimit = 0.55f;

        /// <summary>exp(-40) is already below float's epsilon next to 1, so larger |x| changes nothing.</summary>
        private const float Saturation = 20f;

        public float Invoke(float x)
        {
            float ax = MathF.Abs(x);
            float x2 = x * x;
            float p = MathF.FusedMultiplyAdd(C15, x2, C13);
            p = MathF.FusedMultiplyAdd(p, x2, C11);
            p = MathF.FusedMultiplyAdd(p, x2, C9);
            p = MathF.FusedMultiplyAdd(p, x2, C7);
            p = MathF.FusedMultiplyAdd(p, x2, C5);
            p = MathF.FusedMultiplyAdd(p, x2, C3);
            float small = MathF.FusedMultiplyAdd(p * x2, x, x);
            float e = Vector128.Exp(Vector128.CreateScalar(MathF.Min(ax, Saturation) * -2f)).ToScalar();
            float large = MathF.CopySign((1f - e) / (1f + e), x);
            return ax < SeriesLimit ? small : large;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Invoke(Vector256<float> x)
        {
            var ax = Vector256.Abs(x);
            var x2 = x * x;
            var p = Vector256.FusedMultiplyAdd(Vector256.Create(C15), x2, Vector256.Create(C13));
            p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C11));
            p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C9));
            p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C7));
            p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C5));
            p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C3));
            var small = Vector256.FusedMultiplyAdd(p * x2, x, x);
            var e = Vector256.Exp(Vector256.Min(ax, Vector256.Create(Saturation)) * -2f);
            var large = Vector256.CopySign((Vector256<float>.One - e) / (Vector256<float>.One + e), x);
            return Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(SeriesLimit)), small, large);
        }

        // Out of line on purpose: inlined into the driver's loop (the runtime's exp inlined in turn) the tiered JIT's code
        // ran at two thirds of this speed on the AVX-512 machine the benchmarks use; the Vector256 body is faster inlined.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public Vector512<float> Invoke(Vector512<float> x)
        {
            var ax = Vector512.Abs(x);
            var x2 = x * x;
            var p = Vector512.FusedMultiplyAdd(Vector512.Create(C15), x2, Vector512.Create(C13));
            p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C11));
            p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C9));
            p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C7));
            p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C5));
            p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C3));
            var small = Vector512.FusedMultiplyAdd(p * x2, x, x);
            var e = Vector512.Exp(Vector512.Min(ax, Vector512.Create(Saturation)) * -2f);
            var large = Vector512.CopySign((Vector512<float>.One - e) / (Vector512<float>.One + e), x);
            return Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(SeriesLimit)), small, large);
        }
    }

    /// <summary>(y, dy) to dy * (1 - y * y).</summary>
    internal readonly struct TanhDerivativeOperator : IBinaryOperator
    {
        public float Invoke(float y, float dy) => dy * (1f - y * y);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
    }

    /// <summary>
    /// The logistic function on MathF.Exp, scalar only: no vector exp reproduces MathF.Exp's bits, and the layer runs
    /// on a discriminator's outputs, a few hundred values per batch.
    /// </summary>
    internal readonly struct SigmoidOperator : IUnaryOperator
    {
        public static bool Vectorizable => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Invoke(float x)
        {
            if (x >= 0)
            {
                return 1f / (1f + MathF.Exp(-x));
            }
            float e = MathF.Exp(x);
            return e / (1f + e);
        }

        public Vector256<float> Invoke(Vector256<float> x) => throw new NotSupportedException();

        public Vector512<float> Invoke(Vector512<float> x) => throw new NotSupportedException();
    }

    /// <summary>(y, dy) to dy * y * (1 - y).</summary>
    internal readonly struct SigmoidDerivativeOperator : IBinaryOperator
    {
        public float Invoke(float y, float dy) => dy * y * (1f - y);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);

        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
    }
}
