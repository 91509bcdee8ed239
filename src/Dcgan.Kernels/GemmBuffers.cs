// Per-thread, grow-only, 64-byte aligned scratch for packed SGEMM blocks: allocated once per thread, then reused.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dcgan.Kernels;

/// <summary>
/// Pack buffers of the calling thread. Arrays live on the pinned object heap so raw pointers into them stay valid,
/// and die with their thread, so short-lived callers do not leak.
/// </summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic]
    private static float[]? _a;

    [ThreadStatic]
    private static float[]? _b;

    /// <summary>Aligned scratch of at least floats elements for packed A.</summary>
    public static float* A(int floats) => Get(ref _a, floats);

    /// <summary>Aligned scratch of at least floats elements for packed B.</summary>
    public static float* B(int floats) => Get(ref _b, floats);

    private static float* Get(ref float[]? buffer, int floats)
    {
        buffer ??= [];
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(CacheAligned.Floats(ref buffer, floats)));
    }
}
