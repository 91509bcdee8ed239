// Class conditioning for the conditional DCGAN (Mirza and Osindero 2014, "Conditional Generative
// Adversarial Nets"): the generator sees [noise, one-hot(label)], the discriminator sees the image with
// K extra channels, channel k filled with 1 where k is the label (one-hot label maps).
namespace Dcgan.Gan.Models;

using Dcgan.Engine;

/// <summary>Builds conditioned inputs into reusable buffers, and takes the image part of a gradient.</summary>
public sealed class Conditioning(int classes)
{
    private Tensor? _buffer;

    public int Classes { get; } = classes;

    /// <summary>[N, Z] noise and N labels to [N, Z + K]: the noise, then the one-hot label.</summary>
    public Tensor NoiseWithLabels(Tensor noise, ReadOnlySpan<int> labels)
    {
        int n = noise.Batch, z = noise.SampleSize, width = z + Classes;
        var t = Reuse(n, [width]);
        var dst = t.Span;
        var src = noise.Span;
        for (int i = 0; i < n; i++)
        {
            src.Slice(i * z, z).CopyTo(dst.Slice(i * width, z));
            var hot = dst.Slice(i * width + z, Classes);
            hot.Clear();
            hot[CheckLabel(labels, i)] = 1f;
        }
        return t;
    }

    /// <summary>[N, H, W, C] images and N labels to [N, H, W, C + K]: each pixel's channels, then its label maps.</summary>
    public Tensor ImagesWithLabels(Tensor images, ReadOnlySpan<int> labels)
    {
        int n = images.Batch, h = images.Shape[1], w = images.Shape[2], c = images.Shape[3], width = c + Classes;
        var t = Reuse(n, [h, w, width]);
        var dst = t.Span;
        var src = images.Span;
        for (int i = 0; i < n; i++)
        {
            int label = CheckLabel(labels, i);
            for (int p = 0; p < h * w; p++)
            {
                int pixel = i * h * w + p;
                src.Slice(pixel * c, c).CopyTo(dst.Slice(pixel * width, c));
                var maps = dst.Slice(pixel * width + c, Classes);
                maps.Clear();
                maps[label] = 1f;
            }
        }
        return t;
    }

    /// <summary>The gradient with respect to the image channels of <see cref="ImagesWithLabels"/>'s output.</summary>
    public static void ImageGradient(Tensor dConditioned, Tensor dImages)
    {
        int width = dConditioned.Shape[^1], c = dImages.Shape[^1];
        int pixels = dImages.Length / c;
        var src = dConditioned.Span;
        var dst = dImages.Span;
        for (int p = 0; p < pixels; p++)
        {
            src.Slice(p * width, c).CopyTo(dst.Slice(p * c, c));
        }
    }

    private int CheckLabel(ReadOnlySpan<int> labels, int i)
    {
        if (i >= labels.Length)
        {
            throw new ArgumentException($"{labels.Length} labels for a larger batch");
        }
        int label = labels[i];
        if ((uint)label >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} is outside 0..{Classes - 1}");
        }
        return label;
    }

    private Tensor Reuse(int n, int[] sampleShape)
    {
        if (_buffer is null || !_buffer.Shape.AsSpan(1).SequenceEqual(sampleShape))
        {
            _buffer = Tensor.ForBatch(n, sampleShape);
        }
        _buffer.SetBatch(n);
        return _buffer;
    }
}
