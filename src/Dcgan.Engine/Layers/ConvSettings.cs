// The constructor arguments Conv2D and Conv2DTranspose share (filters, kernel size, stride, padding, bias),
// validated once for both.
namespace Dcgan.Engine.Layers;

/// <summary>A convolution layer's settings; <see cref="Same"/> is TensorFlow's 'same' padding, else 'valid'.</summary>
internal readonly record struct ConvSettings(int Filters, int KernelSize, int Stride, bool Same, bool UseBias)
{
    public static ConvSettings Create(int filters, int kernelSize, int stride, string padding, bool useBias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        bool same = padding switch
        {
            "same" => true,
            "valid" => false,
            _ => throw new ArgumentException($"padding must be 'same' or 'valid', got '{padding}'"),
        };
        return new ConvSettings(filters, kernelSize, stride, same, useBias);
    }
}
