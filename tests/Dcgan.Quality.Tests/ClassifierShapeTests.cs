// The classifier for any data set: the size rule (28 px stays the v1 network, larger images get more stride-2
// convolutions), H x W x C inputs and K outputs, the rotation task (turns as numpy.rot90, four per image, learned),
// the folder split, classifier files written before the shape keys, and one cache file per folder key.
using System.Security.Cryptography;
using System.Text;
using Dcgan.Data;
using Dcgan.TestSupport;

namespace Dcgan.Quality.Tests;

public sealed class ClassifierShapeTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Theory]
    [InlineData(28, new[] { 32, 64 })]
    [InlineData(16, new[] { 32, 64 })]
    [InlineData(32, new[] { 32, 64 })]
    [InlineData(64, new[] { 16, 32, 64 })]
    [InlineData(128, new[] { 16, 16, 32, 64 })]
    [InlineData(256, new[] { 16, 16, 16, 32, 64 })]
    public void ConvolutionsHalveTheSideToEightOrLess(int side, int[] filters) => Assert.Equal(filters, Classifier.ConvFilters(side));

    [Theory]
    [InlineData(16, 186_186)]
    [InlineData(28, 456_522)]
    [InlineData(32, 579_402)]
    [InlineData(64, 591_018)]
    [InlineData(128, 597_434)]
    [InlineData(256, 603_850)]
    public void ColourTenClassNetworksHaveTheDocumentedSizes(int side, int parameters) =>
        Assert.Equal(parameters, Classifier.Build(side, side, 3, 10).ParameterCount);

    [Fact]
    public void TwentyEightPixelsIsTheV1Network()
    {
        // Conv 32 k5 (832) -> Conv 64 k5 (51,264) -> Dense 7*7*64 -> 128 (401,536) -> Dense 10 (1,290).
        var model = Classifier.Build(28, 28);
        Assert.Equal(832 + 51_264 + 401_536 + 1_290, model.ParameterCount);
        Assert.Equal([10], model.OutputShape);
        Assert.Equal(8, model.Layers.Count);
    }

    [Theory]
    [InlineData(16, 1, 2)]
    [InlineData(32, 3, 10)]
    [InlineData(64, 3, 7)]
    [InlineData(128, 1, 4)]
    public void AnyImageShapeGivesOneHundredTwentyEightFeaturesAndKClasses(int side, int channels, int classes)
    {
        var model = Classifier.Build(side, side, channels, classes);
        Assert.Equal([side, side, channels], model.InputShape);
        Assert.Equal([classes], model.OutputShape);
        var dense = model.Layers.OfType<Dcgan.Engine.Layers.Dense>().First();
        Assert.Equal([Classifier.FeatureSize], dense.OutputShape);
        // The feature layer reads at most 8 x 8 x 64 values.
        Assert.True(dense.InputShape[0] <= 8 * 8 * 64, $"{dense.InputShape[0]} inputs");

        var data = Images(5, side, channels, classes, seed: side);
        var classifier = Classifier.Train(data, data, new ClassifierTraining { Epochs = 1, BatchSize = 5 }, TextWriter.Null);
        Assert.Equal((side, side, channels, classes), classifier.Info.Shape);
        var features = new float[5 * Classifier.FeatureSize];
        var predicted = new int[5];
        var probabilities = new float[5 * classes];
        classifier.Predict(data, features, predicted, probabilities);
        Assert.All(predicted, p => Assert.InRange(p, 0, classes - 1));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1.0, probabilities.AsSpan(i * classes, classes).ToArray().Sum(), 1e-5);
        }
        Assert.Contains(features, f => f != 0);
    }

    [Fact]
    public void RotationTurnsAsNumpyRot90()
    {
        float[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var turned = new float[9];
        // numpy.rot90([[1,2,3],[4,5,6],[7,8,9]]) == [[3,6,9],[2,5,8],[1,4,7]]; twice: the image upside down.
        RotationTask.Rotate(image, 3, 1, 1, turned);
        Assert.Equal([3f, 6, 9, 2, 5, 8, 1, 4, 7], turned);
        RotationTask.Rotate(image, 3, 1, 2, turned);
        Assert.Equal([9f, 8, 7, 6, 5, 4, 3, 2, 1], turned);
        RotationTask.Rotate(image, 3, 1, 3, turned);
        Assert.Equal([7f, 4, 1, 8, 5, 2, 9, 6, 3], turned);
        // Colour pixels move whole: a 2x2 RGB image turned once.
        float[] rgb = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
        var rgbTurned = new float[12];
        RotationTask.Rotate(rgb, 2, 3, 1, rgbTurned);
        Assert.Equal([2f, 2, 2, 4, 4, 4, 1, 1, 1, 3, 3, 3], rgbTurned);
    }

    [Fact]
    public void ExpandShowsEveryImageTurnedFourWaysWithTheTurnAsLabel()
    {
        float[] images = [1, 2, 3, 4, 5, 6, 7, 8];
        var examples = new float[32];
        var labels = new int[8];
        RotationTask.Expand(images, 2, 2, 1, examples, labels);
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], labels);
        Assert.Equal([1f, 2, 3, 4], examples[..4]);
        Assert.Equal([6f, 8, 5, 7], examples[20..24]);
    }

    [Fact]
    public void RotationTaskIsLearnedFromUnlabelledImages()
    {
        // Images brighter towards the top: which way up they are is visible, what they show is not labelled.
        var train = Gradients(256, seed: 1);
        var test = Gradients(64, seed: 2);
        var classifier = Classifier.Train(train, test, new ClassifierTraining { Epochs = 3, BatchSize = 64 }, TextWriter.Null, ClassifierTask.Rotation);
        Assert.Equal(ClassifierTask.Rotation, classifier.Task);
        Assert.Equal(RotationTask.Turns, classifier.Classes);
        Assert.Equal("rotation", classifier.Info.Task);
        Assert.Equal(64, classifier.Info.TestImages);
        Assert.True(classifier.Info.TestAccuracy > 0.9, $"rotation accuracy {classifier.Info.TestAccuracy}");
        Assert.Equal(classifier.Info.TestAccuracy, classifier.RotationAccuracy(test));
    }

    [Fact]
    public void FolderSplitHoldsOutEveryTenthImageOfEachClass()
    {
        // Class 0 on even indices (25 images), class 1 on the first 12 odd ones, then class 0 only.
        var labels = new List<byte>();
        int zeros = 0, ones = 0;
        for (int i = 0; zeros < 25 || ones < 12; i++)
        {
            bool one = i % 2 == 1 && ones < 12;
            labels.Add((byte)(one ? 1 : 0));
            if (one)
            {
                ones++;
            }
            else
            {
                zeros++;
            }
        }
        var data = new ImageDataset("folder", "test", DataSplit.Train, 1, 1, new byte[labels.Count], [.. labels], classes: 2);
        var (train, heldOut) = FolderSplit.Indices(data);
        int[] tenthZero = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == 0).Where((_, n) => n % 10 == 9)];
        int[] tenthOne = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == 1).Where((_, n) => n % 10 == 9)];
        Assert.Equal(tenthZero.Concat(tenthOne).Order(), heldOut);
        Assert.Equal(3, heldOut.Length);
        Assert.Equal(labels.Count - 3, train.Length);
        Assert.Empty(train.Intersect(heldOut));
        var subset = FolderSplit.Subset(data, heldOut);
        Assert.Equal(heldOut.Select(i => labels[i]), subset.Labels);
        Assert.Equal(2, subset.Classes);
    }

    [Fact]
    public void AClassifierFileWithoutShapeKeysLoadsAsTheMnistNetwork()
    {
        // The header as files were written before the task and shape keys existed.
        var model = Classifier.Build(28, 28);
        for (int i = 0; i < model.Values.Length; i++)
        {
            model.Values[i] = (i % 7) * 0.01f;
        }
        string header = $$"""{"dataset":"mnist","version":"v1","test_accuracy":0.9914,"train_images":60000,"epochs":4,"train_seconds":70.5,"values":{{model.ParameterCount}}}""";
        string path = _t.File("mnist-v1.bin");
        using (var body = new MemoryStream())
        {
            body.Write("DCGANCLS"u8);
            byte[] json = Encoding.UTF8.GetBytes(header);
            body.Write(BitConverter.GetBytes((uint)json.Length));
            body.Write(json);
            body.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.Values.AsSpan()));
            byte[] bytes = body.ToArray();
            File.WriteAllBytes(path, [.. bytes, .. SHA256.HashData(bytes)]);
        }
        var loaded = Classifier.Load(path, "mnist");
        Assert.Equal((28, 28, 1, 10), loaded.Info.Shape);
        Assert.Equal(ClassifierTask.Classes, loaded.Task);
        Assert.Equal(model.Values, loaded.Model.Values);
        Assert.Equal("mnist-v1 (test accuracy 99.14 %)", loaded.Info.ToString());
        Assert.Throws<InvalidDataException>(() => Classifier.Load(path, "mnist", dataKey: "abc"));
    }

    [Fact]
    public void EachFolderKeyHasItsOwnCachedClassifier()
    {
        string cache = _t.Dir("cache");
        var data = Images(40, 16, 3, 2, seed: 3);
        int trained = 0;
        ImageDataset Train()
        {
            trained++;
            return data;
        }
        var options = new ClassifierTraining { Epochs = 1, BatchSize = 20 };
        var log = new StringWriter();
        var first = ClassifierCache.GetOrTrain("folder", "aaaa1111", ClassifierTask.Classes, cache, Train, () => data, log, options);
        var again = ClassifierCache.GetOrTrain("folder", "aaaa1111", ClassifierTask.Classes, cache, Train, () => data, log, options);
        Assert.Equal(1, trained);
        Assert.Equal(first.Info, again.Info);
        Assert.Equal("aaaa1111", again.Info.DataKey);
        Assert.Equal((16, 16, 3, 2), again.Info.Shape);
        Assert.StartsWith("folder aaaa1111-v1 (held-out accuracy ", again.Info.ToString());
        Assert.True(File.Exists(ClassifierCache.PathFor(cache, "folder", "aaaa1111")));
        Assert.EndsWith("folder-aaaa1111-v1.bin", ClassifierCache.PathFor(cache, "folder", "aaaa1111"));

        // Another key (a changed folder) trains its own; a file for one key is refused for another.
        ClassifierCache.GetOrTrain("folder", "bbbb2222", ClassifierTask.Classes, cache, Train, () => data, log, options);
        Assert.Equal(2, trained);
        Assert.Throws<InvalidDataException>(() => Classifier.Load(ClassifierCache.PathFor(cache, "folder", "aaaa1111"), "folder", "bbbb2222"));
        // A file of another task is retrained, not used.
        var rotation = ClassifierCache.GetOrTrain("folder", "aaaa1111", ClassifierTask.Rotation, cache, Train, () => data, log, options);
        Assert.Equal(3, trained);
        Assert.Equal(ClassifierTask.Rotation, rotation.Task);
        Assert.Contains("trained on another task", log.ToString());
    }

    /// <summary>n random images of side x side x channels with labels i mod classes; class k is brighter by k.</summary>
    internal static ImageDataset Images(int n, int side, int channels, int classes, int seed)
    {
        var rng = new Random(seed);
        int size = side * side * channels;
        var pixels = new byte[n * size];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = (byte)(i % classes);
            for (int p = 0; p < size; p++)
            {
                pixels[i * size + p] = (byte)Math.Clamp(rng.Next(128) + 128 * labels[i] / Math.Max(1, classes - 1), 0, 255);
            }
        }
        return new ImageDataset("folder", "test", DataSplit.Train, side, side, pixels, labels, channels, classes);
    }

    /// <summary>16 x 16 gray images without classes, bright at the top row and dark at the bottom, with noise.</summary>
    internal static ImageDataset Gradients(int n, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[n * 256];
        for (int i = 0; i < n; i++)
        {
            for (int y = 0; y < 16; y++)
            {
                for (int x = 0; x < 16; x++)
                {
                    pixels[i * 256 + y * 16 + x] = (byte)Math.Clamp(240 - 14 * y + rng.Next(-40, 41), 0, 255);
                }
            }
        }
        return new ImageDataset("folder", "test", DataSplit.Train, 16, 16, pixels, new byte[n], classes: 1);
    }
}
