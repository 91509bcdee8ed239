// Seeded pseudo-random numbers (xoshiro256** seeded by SplitMix64): small, fast, and its whole state
// is four words, so a checkpoint can save it and a resumed run draws exactly the same numbers.
namespace Dcgan.Kernels;

/// <summary>A deterministic random stream. Same seed, same sequence, on every machine.</summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private bool _hasSpare;
    private float _spare;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private Rng() { }

    /// <summary>A child stream derived from this seed and a purpose label, independent of draw order.</summary>
    public static Rng Derive(ulong seed, string purpose)
    {
        ulong h = 1469598103934665603UL;
        foreach (char ch in purpose)
        {
            h = (h ^ ch) * 1099511628211UL;
        }
        return new Rng(seed ^ h);
    }

    /// <summary>The full state (4 words + cached normal), for checkpoints.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _hasSpare ? 1UL : 0UL, BitConverter.SingleToUInt32Bits(_spare)];

    /// <summary>Restores a state produced by <see cref="GetState"/>.</summary>
    public static Rng FromState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6)
        {
            throw new ArgumentException("random state must have 6 words");
        }
        return new Rng
        {
            _s0 = state[0], _s1 = state[1], _s2 = state[2], _s3 = state[3],
            _hasSpare = state[4] != 0, _spare = BitConverter.UInt32BitsToSingle((uint)state[5]),
        };
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (every float32 step in that range).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), unbiased (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong m = (ulong)(uint)(NextUInt64() >> 32) * (uint)bound;
        uint low = (uint)m;
        if (low < (uint)bound)
        {
            uint threshold = (uint)(-bound) % (uint)bound;
            while (low < threshold)
            {
                m = (ulong)(uint)(NextUInt64() >> 32) * (uint)bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal (Box-Muller, both values used).</summary>
    public float NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        _spare = (float)(r * Math.Sin(theta));
        _hasSpare = true;
        return (float)(r * Math.Cos(theta));
    }

    /// <summary>Fills with standard normals.</summary>
    public void FillNormal(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextNormal();
        }
    }

    /// <summary>Fills with uniforms in [low, high).</summary>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        float width = high - low;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + width * NextFloat();
        }
    }

    /// <summary>Fisher-Yates shuffle of 0..n-1 into <paramref name="permutation"/>.</summary>
    public void Permutation(Span<int> permutation)
    {
        for (int i = 0; i < permutation.Length; i++)
        {
            permutation[i] = i;
        }
        for (int i = permutation.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
    }
}
