// Class conditioning of the generator (Mirza and Osindero 2014, "Conditional Generative Adversarial Nets";
// as in AC-GAN, Odena et al. 2017): the generator sees [noise, one-hot(label)].
namespace Dcgan.Models;

using Dcgan.Engine;

/// <summary>Builds the generator's conditioned input into a reusable buffer.</summary>
public sealed class Conditioning(int classes)
{
    private Tensor? _buffer;

    public int Classes { get; } = classes;

    /// <summary>[N, Z] noise and N labels to [N, Z + K]: the noise, then the one-hot label.</summary>
    public Tensor NoiseWithLabels(Tensor noise, ReadOnlySpan<int> labels)
    {
        int n = noise.Batch, z = noise.SampleSize, width = z + Classes;
        if (labels.Length < n)
        {
            throw new ArgumentException($"{labels.Length} labels for a batch of {n}");
        }
        _buffer ??= Tensor.ForBatch(n, [width]);
        _buffer.SetBatch(n);
        var dst = _buffer.Span;
        var src = noise.Span;
        for (int i = 0; i < n; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} is outside 0..{Classes - 1}");
            }
            src.Slice(i * z, z).CopyTo(dst.Slice(i * width, z));
            var hot = dst.Slice(i * width + z, Classes);
            hot.Clear();
            hot[label] = 1f;
        }
        return _buffer;
    }
}
