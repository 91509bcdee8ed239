// Grow-only buffers: the one place where a layer's scratch, a tensor's storage, a model's gradient buffer or a step's
// per-image values are replaced by a larger array. Buffers only grow, so steady-state steps allocate nothing.
namespace Dcgan.Engine;

public static class Scratch
{
    /// <summary>The first <paramref name="length"/> floats of <paramref name="buffer"/>, grown first when it is shorter.</summary>
    public static Span<float> Floats(ref float[] buffer, int length) => Grow(ref buffer, length).AsSpan(0, length);

    /// <summary>
    /// Like <see cref="Floats"/>, but the span starts on a 64-byte boundary (a cache line, and the width of a Vector512),
    /// so vector loads and stores never straddle two lines. The array is allocated pinned, so the boundary stays where it
    /// is; <paramref name="buffer"/> must be used through this method only.
    /// </summary>
    public static Span<float> AlignedFloats(ref float[] buffer, int length)
    {
        if (buffer.Length < length + AlignFloats)
        {
            buffer = GC.AllocateArray<float>(length + AlignFloats, pinned: true);
        }
        return buffer.AsSpan(AlignedOffset(buffer), length);
    }

    private const int AlignFloats = 16;

    private static unsafe int AlignedOffset(float[] buffer)
    {
        fixed (float* p = buffer)
        {
            return (int)((64 - (nuint)p % 64) % 64 / sizeof(float));
        }
    }

    /// <summary><paramref name="buffer"/>, replaced by a new array of <paramref name="length"/> elements when it is shorter.</summary>
    public static T[] Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
        return buffer;
    }
}
