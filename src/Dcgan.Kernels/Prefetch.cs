// Software prefetch for the reads the hardware prefetchers do not see coming: many rows or planes read side by side, a
// few floats of each at a time, or the next block of a matrix while the current one is worked on. Prefetches never
// fault, so the addresses may run past an array's end.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Dcgan.Kernels;

/// <summary>Requests for cache lines, into L1; nothing where the CPU has no prefetch instruction.</summary>
internal static unsafe class Prefetch
{
    /// <summary>The cache line at first + i * stride for each i below count: one line in each of count rows or planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lines(float* first, long stride, int count)
    {
        if (Sse.IsSupported)
        {
            for (int i = 0; i < count; i++)
            {
                Sse.Prefetch0(first + i * stride);
            }
        }
    }

    /// <summary>Every cache line of the count floats from start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Segment(float* start, int count)
    {
        if (Sse.IsSupported)
        {
            for (int j = 0; j < count; j += 16)
            {
                Sse.Prefetch0(start + j);
            }
            Sse.Prefetch0(start + count - 1);
        }
    }
}
