// An in-memory split of an MNIST-style set: grayscale uint8 images (N x H x W, row-major, 1 channel) and labels,
// kept as bytes (47 MB for MNIST train) and scaled to floats only per batch by the feeder.
namespace Dcgan.Data;

/// <summary>Images and labels of one split, in memory.</summary>
public sealed class ImageDataset
{
    public ImageDataset(string name, string source, DataSplit split, int height, int width, byte[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if ((long)labels.Length * height * width != pixels.LongLength)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * height * width} pixels of {height}x{width}, got {pixels.LongLength}");
        }
        Name = name;
        Source = source;
        Split = split;
        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Data set name, e.g. "mnist".</summary>
    public string Name { get; }

    /// <summary>Where it was loaded from, for messages.</summary>
    public string Source { get; }

    public DataSplit Split { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    public int Height { get; }

    public int Width { get; }

    /// <summary>Always 1: these sets are grayscale.</summary>
    public int Channels => 1;

    /// <summary>Values per image (H * W * C).</summary>
    public int ImageSize => Height * Width;

    /// <summary>Count x Height x Width bytes, row-major, 0 = background.</summary>
    public byte[] Pixels { get; }

    /// <summary>Class of each image.</summary>
    public byte[] Labels { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);
}
