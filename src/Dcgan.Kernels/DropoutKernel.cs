// Inverted-dropout masks from a counter-based generator: element i's uniform is a SplitMix64 hash of (key, i / 2),
// so any element can be drawn independently and masks fill in parallel, identical for every thread count.
// Reference: Steele, Lea, Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014), SplitMix64's finalizer.
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

/// <summary>Dropout forward (mask and output in one pass) and the per-element uniform it is defined by.</summary>
public static unsafe class DropoutKernel
{
    /// <summary>Elements per task: a fixed split, so the work per task never depends on the thread count.</summary>
    private const int ChunkSize = 1 << 15;

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
    /// Effectively mask[i] = Uniform(key, i) &gt;= rate ? 1 / (1 - rate) : 0 and y[i] = x[i] * mask[i].
    /// </summary>
    public static void Forward(ulong key, float rate, ReadOnlySpan<float> x, Span<float> mask, Span<float> y)
    {
        int n = x.Length;
        if (mask.Length < n || y.Length < n)
        {
            throw new ArgumentException("dropout: mask or output shorter than the input");
        }
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), "dropout rate must be in [0, 1)");
        }
        fixed (float* px = x, pm = mask, py = y)
        {
            var job = new Job { Key = key, Rate = rate, Scale = 1f / (1f - rate), N = n, X = px, Mask = pm, Y = py };
            Workers.For((n + ChunkSize - 1) / ChunkSize, &Chunk, &job);
        }
    }

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

    private struct Job
    {
        public ulong Key;
        public float Rate, Scale;
        public int N;
        public float* X, Mask, Y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void Chunk(void* state, int chunk)
    {
        ref Job job = ref *(Job*)state;
        // ChunkSize is even, so every chunk starts on a pair boundary.
        int start = chunk * ChunkSize;
        int end = Math.Min(job.N, start + ChunkSize);
        // Compare 24-bit integers: u >= rate exactly when bits >= ceil(rate * 2^24) (the product is exact in double).
        uint threshold = (uint)Math.Ceiling(job.Rate * (double)(1 << 24));
        float scale = job.Scale;
        int i = start;
        if (Vector512.IsHardwareAccelerated)
        {
            // 8 hashes give 16 elements: lanes' high halves are the even elements, bits 8..31 the odd ones.
            var lane = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var vThreshold = Vector512.Create(threshold);
            var vScale = Vector512.Create(scale);
            var low24 = Vector512.Create(0xFFFFFFUL);
            for (; i <= end - 16; i += 16)
            {
                var counter = (Vector512.Create((ulong)(i >> 1) + 1) + lane) * Gamma + Vector512.Create(job.Key);
                var z = counter;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                var even = z >> 40;
                var odd = (z >> 8) & low24;
                // Interleave to element order: (even0, odd0, even1, odd1, ...) as 32-bit lanes.
                var bits = (even | (odd << 32)).AsUInt32();
                var keep = Vector512.GreaterThanOrEqual(bits, vThreshold).AsSingle();
                var m = keep & vScale;
                m.Store(job.Mask + i);
                (Vector512.Load(job.X + i) * m).Store(job.Y + i);
            }
        }
        for (; i < end; i++)
        {
            ulong h = Mix(job.Key + ((ulong)(i >> 1) + 1) * Gamma);
            uint bits = (i & 1) == 0 ? (uint)(h >> 40) : (uint)(h >> 8) & 0xFFFFFF;
            float m = bits >= threshold ? scale : 0f;
            job.Mask[i] = m;
            job.Y[i] = job.X[i] * m;
        }
    }
}
