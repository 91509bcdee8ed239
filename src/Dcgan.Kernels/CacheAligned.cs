// Grow-only float buffers whose used part starts on a cache line, for kernels that load and store whole 64-byte
// vectors (no access then straddles two lines) or stream past the caches (which needs aligned addresses).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dcgan.Kernels;

/// <summary>Cache-line-aligned spans over pinned, grow-only arrays.</summary>
public static unsafe class CacheAligned
{
    /// <summary>Floats in a cache line: the most an aligned start can be past the array's first element.</summary>
    private const int LineFloats = 16;

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
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        int offset = (int)((64 - address % 64) % 64 / sizeof(float));
        return buffer.AsSpan(offset, length);
    }
}
