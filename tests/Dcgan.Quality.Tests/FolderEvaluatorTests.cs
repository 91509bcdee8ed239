// QualityEvaluator.For on image folders written by the test: a folder with two classes gets a classifier of its classes
// and one without classes a rotation classifier, each trained on the fixed 90 %, measured on the held-out 10 %, cached
// under the folder's decoded-cache key (so a changed folder retrains) and shared within the process.
using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.TestSupport;
using Dcgan.Training;

namespace Dcgan.Quality.Tests;

public sealed class FolderEvaluatorTests : IDisposable
{
    private static readonly ClassifierTraining Tiny = new() { Epochs = 10, BatchSize = 16 };

    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private DataLocations Locations() => new() { CacheRoot = _t.Dir("cache"), KnownRoots = [] };

    /// <summary>24 x 24 RGB PNGs: "dark" and "bright" classes in subfolders, or (no classes) images bright at the top.</summary>
    private string WriteFolder(string name, int perClass, bool classes)
    {
        string root = _t.Dir(name);
        var rng = new Random(name.Length);
        for (int c = 0; c < 2; c++)
        {
            string folder = classes ? Directory.CreateDirectory(Path.Combine(root, c == 0 ? "dark" : "bright")).FullName : root;
            for (int i = 0; i < perClass; i++)
            {
                var pixels = new byte[24 * 24 * 3];
                for (int p = 0; p < pixels.Length; p++)
                {
                    int y = p / (24 * 3);
                    int level = classes ? 40 + 150 * c : 230 - 9 * y;
                    pixels[p] = (byte)Math.Clamp(level + rng.Next(-30, 31), 0, 255);
                }
                ImageFiles.WritePng(Path.Combine(folder, $"{c}-{i:000}.png"), new Raster(24, 24, 3, pixels));
            }
        }
        return root;
    }

    private static TrainConfig Config(string dir) => new TrainConfig { Dataset = "folder", DataDir = dir, ImageSize = 16, Channels = 3 };

    [Fact]
    public void AFolderWithClassesIsMeasuredByAClassifierOfItsClasses()
    {
        string dir = WriteFolder("two", 30, classes: true);
        var locations = Locations();
        var log = new StringWriter();
        var evaluator = QualityEvaluator.For(Config(dir), log, locations, training: Tiny);
        var classifier = evaluator.Classifier;
        Assert.Equal(ClassifierTask.Classes, classifier.Task);
        Assert.Equal((16, 16, 3, 2), classifier.Info.Shape);
        // 30 images a class: the 10th, 20th and 30th of each are held out.
        Assert.Equal(6, evaluator.ReferenceCount);
        Assert.Equal(6, classifier.Info.TestImages);
        Assert.Equal(54, classifier.Info.TrainImages);
        Assert.Equal("held-out 10% of the folder (6 images)", evaluator.ReferenceName);
        Assert.Equal(1.0, classifier.Info.TestAccuracy);
        string key = TrainingData.DecodedKey(Config(dir), TextWriter.Null, locations)!;
        Assert.Equal(key, classifier.Info.DataKey);
        Assert.True(File.Exists(ClassifierCache.PathFor(locations.CacheRoot, "folder", key)));
        Assert.Contains("Training the folder quality classifier", log.ToString());

        // Shared within the process: the same config gives the same evaluator.
        Assert.Same(evaluator, QualityEvaluator.For(Config(dir), TextWriter.Null, locations));

        // The folder's own images against its held-out ones: near 0, realistic and varied.
        var all = TrainingData.Load(Config(dir), TextWriter.Null, locations);
        var real = evaluator.EvaluateDataset(all);
        Assert.Equal("held-out 10% of the folder (6 images)", real.Reference);
        Assert.True(Math.Abs(real.Kid!.Value) < 3 * real.KidStd!.Value + 1e-9, $"KID {real.Kid} ± {real.KidStd}");
        Assert.Equal(0.5, real.ClassShares[0], 1e-9);
        Assert.Equal(0.5, real.RealMinClassShare!.Value, 1e-9);
    }

    [Fact]
    public void AFolderWithoutClassesIsMeasuredByARotationClassifier()
    {
        string dir = WriteFolder("none", 40, classes: false);
        var locations = Locations();
        var evaluator = QualityEvaluator.For(Config(dir), TextWriter.Null, locations, training: Tiny with { BatchSize = 32 });
        Assert.Equal(ClassifierTask.Rotation, evaluator.Classifier.Task);
        Assert.Equal(4, evaluator.Classifier.Classes);
        Assert.Equal(8, evaluator.ReferenceCount);
        Assert.True(evaluator.Classifier.Info.TestAccuracy > 0.9, evaluator.Classifier.Info.ToString());
        Assert.Contains("rotation (held-out rotation accuracy", evaluator.Classifier.Info.ToString());

        var all = TrainingData.Load(Config(dir), TextWriter.Null, locations);
        var real = evaluator.EvaluateDataset(all);
        Assert.Equal("rotation", real.Task);
        Assert.Null(real.InceptionScore);
        Assert.Null(real.MinClassShare);
        Assert.Empty(real.ClassShares);
        Assert.True(real.UprightShare > 0.9, $"upright {real.UprightShare}");
        Assert.NotNull(real.RealUprightShare);
        Assert.Contains("upright", real.FormatTable());
        Assert.DoesNotContain("Inception Score", real.FormatTable());
    }

    [Fact]
    public void AChangedFolderRetrainsItsClassifier()
    {
        string dir = WriteFolder("changing", 20, classes: true);
        var locations = Locations();
        var before = QualityEvaluator.For(Config(dir), TextWriter.Null, locations, training: Tiny);
        File.Copy(Path.Combine(dir, "dark", "0-000.png"), Path.Combine(dir, "dark", "0-999.png"));
        var log = new StringWriter();
        var after = QualityEvaluator.For(Config(dir), log, locations, training: Tiny);
        Assert.NotSame(before, after);
        Assert.NotEqual(before.Classifier.Info.DataKey, after.Classifier.Info.DataKey);
        Assert.Contains("Training the folder quality classifier", log.ToString());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(locations.CacheRoot, "classifiers")).Length);
    }

    [Fact]
    public void AFolderTooSmallToHoldOutTwoImagesIsAOneLineDataError()
    {
        string dir = WriteFolder("tiny", 5, classes: true);
        var e = Assert.Throws<DataException>(() => QualityEvaluator.For(Config(dir), TextWriter.Null, Locations(), training: Tiny));
        Assert.Contains("10 images hold out 0 for measuring quality, and it needs at least 2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
