// The class labels of the batch a conditional model is running on: a side input that class-conditional
// layers read, set by the caller before each forward pass (a Sequential passes only one tensor along).
namespace Dcgan.Engine;

/// <summary>A reusable holder of one label per sample of the current batch.</summary>
public sealed class ClassLabels(int classes)
{
    private int[] _values = [];

    /// <summary>How many classes a label may name (0 .. Classes - 1).</summary>
    public int Classes { get; } = classes;

    /// <summary>The labels of the current batch.</summary>
    public ReadOnlySpan<int> Values => _values.AsSpan(0, Count);

    public int Count { get; private set; }

    /// <summary>Sets the current batch's labels (copied; each must lie in 0 .. Classes - 1).</summary>
    public void Set(ReadOnlySpan<int> labels)
    {
        foreach (int label in labels)
        {
            if ((uint)label >= (uint)Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} is outside 0..{Classes - 1}");
            }
        }
        labels.CopyTo(Scratch.Grow(ref _values, labels.Length));
        Count = labels.Length;
    }
}
