// An in-memory split of a data set: uint8 images (N x H x W x C, row-major; C = 1 gray or 3 RGB) and labels, kept as
// bytes (47 MB for MNIST train) and scaled to floats only per batch by the feeder.
namespace Dcgan.Data;

/// <summary>Images and labels of one split, in memory.</summary>
public sealed class ImageDataset
{
    public ImageDataset(string name, string source, DataSplit split, int height, int width, byte[] pixels, byte[] labels,
        int channels = 1, int classes = 10, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"images have 1 or 3 channels, got {channels}");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (classNames is not null && classNames.Count != classes)
        {
            throw new ArgumentException($"{classNames.Count} class names for {classes} classes");
        }
        if ((long)labels.Length * height * width * channels != pixels.LongLength)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * height * width * channels} values of {height}x{width}x{channels}, got {pixels.LongLength}");
        }
        Name = name;
        Source = source;
        Split = split;
        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Classes = classes;
        ClassNames = classNames;
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

    /// <summary>1 (gray) or 3 (RGB, interleaved).</summary>
    public int Channels { get; }

    /// <summary>Values per image (H * W * C).</summary>
    public int ImageSize => Height * Width * Channels;

    /// <summary>Count x Height x Width x Channels bytes, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Class of each image, below <see cref="Classes"/>.</summary>
    public byte[] Labels { get; }

    /// <summary>Classes the labels name (1 for a set without classes).</summary>
    public int Classes { get; }

    /// <summary>The classes' names where the set has them (an image folder's subfolders), else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>What loading found and skipped, for an image folder (written to the run folder as data_report.json); else null.</summary>
    public Folders.FolderReport? Report { get; init; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);
}
