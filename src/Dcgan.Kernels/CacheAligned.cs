// Grow-only float buffers whose used part starts on a cache line, for kernels that load and store whole 64-byte
// vectors (no access then straddles two lines) or stream past the caches (which needs aligned addresses).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dcgan.Kernels;

/// <summary>Cache-line-aligned spans over pinned, grow-only arrays.</summary>
public static unsafe class CacheAligned
{
    /// <summary>Floats in a cache line: the most an aligned start can be past the array's first element.</summary>
    public const int LineFloats = 16;

    /// <summary>The first cache-line boundary at or after p.</summary>
    public static float* Up(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);

    /// <summary>
    /// <paramref name="length"/> floats of <paramref name="buffer"/> from its first 64-byte boundary, the array replaced by
    /// a larger, zeroed one when it is too short. Arrays are allocated pinned, so the boundary stays where it is and raw
    /// pointers into the span stay valid; <paramref name="buffer"/> must be grown through this method only.
    /// </summary>
    public static Span<float> Floats(ref float[] buffer, int length)
    {
        if (buffer.Length < length + LineFloats)
        {
            buffer = GC.AllocateArray<float>(length + LineFloats, pinned: true);
        }
        float* first = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return buffer.AsSpan((int)(Up(first) - first), length);
    }
}
