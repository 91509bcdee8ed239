// Grow-only buffers: the one place where a layer's scratch, a tensor's storage, a model's gradient buffer or a step's
// per-image values are replaced by a larger array. Buffers only grow, so steady-state steps allocate nothing.
namespace Dcgan.Engine;

using Dcgan.Kernels;

public static class Scratch
{
    /// <summary>The first <paramref name="length"/> floats of <paramref name="buffer"/>, grown first when it is shorter.</summary>
    public static Span<float> Floats(ref float[] buffer, int length) => Grow(ref buffer, length).AsSpan(0, length);

    /// <summary>
    /// Like <see cref="Floats"/>, but the span starts on a cache line (<see cref="CacheAligned.Floats"/>): for buffers the
    /// kernels read and write in whole vectors or stream past the caches. <paramref name="buffer"/> must be used through
    /// this method only.
    /// </summary>
    public static Span<float> AlignedFloats(ref float[] buffer, int length) => CacheAligned.Floats(ref buffer, length);

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
