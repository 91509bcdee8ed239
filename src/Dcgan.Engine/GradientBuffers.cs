// The input gradients of one model's backward pass live in two buffers that its layers take turns with: each layer reads
// its output gradient from one and writes its input gradient into the other, so a model holds two gradient-sized
// arrays instead of one per layer.
namespace Dcgan.Engine;

/// <summary>
/// Two grow-only buffers shared by the layers of one <see cref="Sequential"/> for their input gradients. A layer's input
/// gradient is valid until the layer before it has run its backward pass (which is all a backward pass needs).
/// </summary>
public sealed class GradientBuffers
{
    private float[] _a = [];
    private float[] _b = [];

    /// <summary>The floats both buffers hold now (for memory accounting and tests).</summary>
    public long Floats => (long)_a.Length + _b.Length;

    /// <summary>
    /// A tensor of <paramref name="batch"/> x <paramref name="sampleShape"/> over the buffer that does not hold
    /// <paramref name="dOutput"/>; <paramref name="viewA"/> and <paramref name="viewB"/> are the caller's cached views of
    /// each buffer, so steady-state backward passes allocate nothing.
    /// </summary>
    internal Tensor Take(Tensor dOutput, int batch, int[] sampleShape, ref Tensor? viewA, ref Tensor? viewB)
    {
        int need = checked(batch * Tensor.ElementCount(sampleShape));
        if (ReferenceEquals(dOutput.Buffer, _a))
        {
            return Tensor.Over(ref viewB, Scratch.Grow(ref _b, need), batch, sampleShape);
        }
        return Tensor.Over(ref viewA, Scratch.Grow(ref _a, need), batch, sampleShape);
    }
}
