// Inverted-dropout masks from a counter-based generator: element i's uniform is a SplitMix64 hash of (key, i / 2),
// so any element can be drawn independently and masks fill in parallel, identical for every thread count; the backward
// draws the mask again from the key instead of reading one stored by the forward.
// Reference: Steele, Lea, Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014), SplitMix64's finalizer.
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>Dropout forward (mask and output in one pass) and the per-element uniform it is defined by.</summary>
public static unsafe class DropoutKernel
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// The uniform in [0, 1) of element <paramref name="index"/> under <paramref name="key"/>: 24 bits of
    /// h = SplitMix64(key + (index / 2 + 1) * gamma), the high 24 for even indices and bits 8..31 for odd ones.
    /// </summary>
    public static float Uniform(ulong key, long index)
    {
        ulong h = Mix(key + ((ulong)(index >> 1) + 1) * Gamma);
        uint bits = (index & 1) == 0 ? (uint)(h >> 40) : (uint)(h >> 8) & 0xFFFFFF;
        return bits * (1.0f / (1 << 24));
    }

    /// <summary>
    /// Effectively mask[i] = Uniform(key, i) &gt;= rate ? 1 / (1 - rate) : 0 and y[i] = x[i] * mask[i]; mask may be empty,
    /// and then only y is written (the backward draws the mask again). With leakyReluSlope, x[i] goes through a LeakyReLU
    /// first (the layer before, in the same pass: the bits of <see cref="Activations.LeakyReluForward"/> then this).
    /// </summary>
    public static void Forward(ulong key, float rate, ReadOnlySpan<float> x, Span<float> mask, Span<float> y, float? leakyReluSlope = null)
    {
        int n = x.Length;
        if (!mask.IsEmpty && mask.Length < n || y.Length < n)
        {
            throw new ArgumentException("dropout: mask or output shorter than the input");
        }
        fixed (float* px = x, pm = mask, py = y)
        {
            if (leakyReluSlope is float slope)
            {
                Run(key, rate, px, pm, py, n, new Activations.LeakyReluOperator(slope));
            }
            else
            {
                Run(key, rate, px, pm, py, n, default(IdentityOperator));
            }
        }
    }

    /// <summary>
    /// The backward of <see cref="Forward"/> with the same key and rate: effectively dx[i] = dy[i] * mask[i], the mask drawn
    /// again. dx may be dy itself.
    /// </summary>
    public static void Backward(ulong key, float rate, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = dy.Length;
        if (dx.Length < n)
        {
            throw new ArgumentException("dropout: input gradient shorter than the output gradient");
        }
        fixed (float* pdy = dy, pdx = dx)
        {
            Run(key, rate, pdy, null, pdx, n, default(IdentityOperator));
        }
    }

    /// <summary>
    /// The backward of a LeakyReLU and this dropout after it (<see cref="Forward"/> with its slope): effectively
    /// dx[i] = x[i] &gt; 0 ? dy[i] * mask[i] : slope * (dy[i] * mask[i]), with x the LeakyReLU's input (or its output, positive
    /// at the same places for a slope of 0 or more); the bits of <see cref="Backward(ulong, float, ReadOnlySpan{float}, Span{float})"/>
    /// and then <see cref="Activations.LeakyReluBackward"/>, without writing the dropout's input gradient.
    /// </summary>
    public static void Backward(ulong key, float rate, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> leakyReluInput, float leakyReluSlope)
    {
        int n = dy.Length;
        if (dx.Length < n || leakyReluInput.Length < n)
        {
            throw new ArgumentException("dropout: input gradient or LeakyReLU input shorter than the output gradient");
        }
        fixed (float* pdy = dy, pdx = dx, px = leakyReluInput)
        {
            ElementWise.MultiArray(new BackwardOperator<Activations.LeakyReluDerivativeOperator>
            {
                Mask = new MaskDraw(key, rate), X = px, Dy = pdy, Dx = pdx, Derivative = new(leakyReluSlope),
            }, n);
        }
    }

    /// <summary>y = activation(x) * mask over n elements, the mask stored too where mask is not null.</summary>
    private static void Run<TActivation>(ulong key, float rate, float* x, float* mask, float* y, int n, TActivation activation)
        where TActivation : unmanaged, IUnaryOperator
        => ElementWise.MultiArray(new ForwardOperator<TActivation> { Draw = new MaskDraw(key, rate), X = x, Mask = mask, Y = y, Activation = activation }, n);

    /// <summary>The scalar definition, one element at a time: the test oracle for <see cref="Forward"/>.</summary>
    public static void ForwardReference(ulong key, float rate, ReadOnlySpan<float> x, Span<float> mask, Span<float> y)
    {
        float scale = 1f / (1f - rate);
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = Uniform(key, i) >= rate ? scale : 0f;
            y[i] = x[i] * mask[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>lane * gamma for the eight 64-bit lanes of a Vector512.</summary>
    private static readonly Vector512<ulong> LaneGammas = Vector512.Create(0UL, Gamma, unchecked(2 * Gamma), unchecked(3 * Gamma),
        unchecked(4 * Gamma), unchecked(5 * Gamma), unchecked(6 * Gamma), unchecked(7 * Gamma));

    /// <summary>
    /// z * c modulo 2^64 in each lane. AVX2 has no 64-bit multiply (the vector operator would take the lanes one by one):
    /// three 32 x 32 -> 64-bit products, low * low + ((high * low + low * high) &lt;&lt; 32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Times(Vector256<ulong> z, ulong c)
    {
        if (!Avx2.IsSupported)
        {
            return z * c;
        }
        var low = Vector256.Create(c & 0xFFFFFFFFUL).AsUInt32();
        var high = Vector256.Create(c >> 32).AsUInt32();
        var cross = Avx2.Multiply((z >> 32).AsUInt32(), low) + Avx2.Multiply(z.AsUInt32(), high);
        return Avx2.Multiply(z.AsUInt32(), low) + (cross << 32);
    }

    /// <summary>
    /// The mask of one key and rate: element i is scale where the 24 bits of its uniform reach the threshold, else 0. A
    /// vector of 2k elements takes k hashes: each 64-bit lane's high 24 bits are the even element, bits 8..31 the odd one
    /// (vector offsets are even, so the pairs line up). Inlined into the operators' loops: a call returning a vector
    /// would cost as much as the hash.
    /// </summary>
    internal readonly struct MaskDraw
    {
        private readonly ulong _key;
        private readonly uint _threshold;
        private readonly float _scale;

        public MaskDraw(ulong key, float rate)
        {
            if (!(rate >= 0f && rate < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(rate), "dropout rate must be in [0, 1)");
            }
            _key = key;
            // u >= rate exactly when bits >= ceil(rate * 2^24) (the product is exact in double).
            _threshold = (uint)Math.Ceiling(rate * (double)(1 << 24));
            _scale = 1f / (1f - rate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float At(int i)
        {
            ulong h = Mix(_key + ((ulong)(i >> 1) + 1) * Gamma);
            uint bits = (i & 1) == 0 ? (uint)(h >> 40) : (uint)(h >> 8) & 0xFFFFFF;
            return bits >= _threshold ? _scale : 0f;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> At256(int i)
        {
            // key + (i / 2 + 1 + lane) * gamma, as the first pair's term plus lane * gamma (the same sum modulo 2^64).
            var z = Vector256.Create(_key + ((ulong)(i >> 1) + 1) * Gamma) + Vector256.Create(0UL, Gamma, unchecked(2 * Gamma), unchecked(3 * Gamma));
            z = Times(z ^ (z >> 30), 0xBF58476D1CE4E5B9UL);
            z = Times(z ^ (z >> 27), 0x94D049BB133111EBUL);
            z ^= z >> 31;
            // Interleave to element order: (even0, odd0, even1, odd1, ...) as 32-bit lanes.
            var bits = ((z >> 40) | (((z >> 8) & Vector256.Create(0xFFFFFFUL)) << 32)).AsUInt32();
            return Vector256.GreaterThanOrEqual(bits, Vector256.Create(_threshold)).AsSingle() & Vector256.Create(_scale);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> At512(int i)
        {
            var z = Vector512.Create(_key + ((ulong)(i >> 1) + 1) * Gamma) + LaneGammas;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var bits = ((z >> 40) | (((z >> 8) & Vector512.Create(0xFFFFFFUL)) << 32)).AsUInt32();
            return Vector512.GreaterThanOrEqual(bits, Vector512.Create(_threshold)).AsSingle() & Vector512.Create(_scale);
        }
    }

    /// <summary>
    /// Element i of (x, mask, y): y = activation(x) * mask, the mask stored too unless Mask is null (the backward runs it
    /// on (dy, dx)).
    /// </summary>
    internal struct ForwardOperator<TActivation> : IMultiArrayOperator
        where TActivation : unmanaged, IUnaryOperator
    {
        public MaskDraw Draw;
        public float* X, Mask, Y;
        public TActivation Activation;

        public readonly void Invoke(int i)
        {
            float m = Draw.At(i);
            if (Mask != null)
            {
                Mask[i] = m;
            }
            Y[i] = Activation.Invoke(X[i]) * m;
        }

        public readonly void Invoke256(int i)
        {
            var m = Draw.At256(i);
            if (Mask != null)
            {
                m.Store(Mask + i);
            }
            (Activation.Invoke(Vector256.Load(X + i)) * m).Store(Y + i);
        }

        public readonly void Invoke512(int i)
        {
            var m = Draw.At512(i);
            if (Mask != null)
            {
                m.Store(Mask + i);
            }
            (Activation.Invoke(Vector512.Load(X + i)) * m).Store(Y + i);
        }
    }

    /// <summary>
    /// Element i of (x, dy, dx) for an activation before the dropout: dx = derivative(x, dy * mask), the dropout's backward
    /// and then the activation's.
    /// </summary>
    internal struct BackwardOperator<TDerivative> : IMultiArrayOperator
        where TDerivative : unmanaged, IBinaryOperator
    {
        public MaskDraw Mask;
        public float* X, Dy, Dx;
        public TDerivative Derivative;

        public readonly void Invoke(int i) => Dx[i] = Derivative.Invoke(X[i], Dy[i] * Mask.At(i));

        public readonly void Invoke256(int i) => Derivative.Invoke(Vector256.Load(X + i), Vector256.Load(Dy + i) * Mask.At256(i)).Store(Dx + i);

        public readonly void Invoke512(int i) => Derivative.Invoke(Vector512.Load(X + i), Vector512.Load(Dy + i) * Mask.At512(i)).Store(Dx + i);
    }
}
