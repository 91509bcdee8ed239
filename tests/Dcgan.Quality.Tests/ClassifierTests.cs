// The quality classifier and its metrics on the synthetic stroke set (seconds, no download): it learns, it
// round-trips through its checksummed file, a damaged cache file is retrained, real images score a small FID and KID
// with high precision and recall while noise scores large ones, and one class alone keeps precision but loses recall.
using Dcgan.Data;
using Dcgan.Quality;
using Dcgan.Reporting;
using Dcgan.Training;

using Dcgan.TestSupport;

namespace Dcgan.Quality.Tests;

public sealed class ClassifierTests : IDisposable
{
    private static readonly Lazy<Classifier> Trained = new(() =>
        Classifier.Train(SyntheticDataset.Create(2000, 11), QualityEvaluator.SyntheticTest(), new ClassifierTraining { Epochs = 2, BatchSize = 64 }, TextWriter.Null));

    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void LearnsTheSyntheticClasses()
    {
        Assert.True(Trained.Value.Info.TestAccuracy > 0.9, $"accuracy {Trained.Value.Info.TestAccuracy}");
        Assert.Equal(Trained.Value.Model.ParameterCount, Trained.Value.Info.Values);
    }

    [Fact]
    public void RealImagesScoreASmallFidAndNoiseALargeOne()
    {
        var evaluator = new QualityEvaluator("synthetic", Trained.Value, QualityEvaluator.SyntheticTest());
        var real = evaluator.EvaluateDataset(SyntheticDataset.Create(1000, 99));
        var rng = new Random(5);
        var noise = new float[1000 * 28 * 28];
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var fake = evaluator.EvaluateImages(noise, 1000);
        Assert.True(real.Fid < fake.Fid / 50, $"real {real.Fid}, noise {fake.Fid}");
        Assert.True(real.InceptionScore > 8, $"IS {real.InceptionScore}");
        Assert.True(real.MinClassShare > 0.05, $"min share {real.MinClassShare}");
        Assert.True(real.MeanConfidence > 0.9);
        Assert.Equal(1.0, real.ClassShares.Sum(), 1e-9);
        Assert.True(fake.InceptionScore < real.InceptionScore);

        Assert.True(Math.Abs(real.Kid!.Value) < 2 * real.KidStd!.Value, $"real KID {real.Kid} ± {real.KidStd}");
        Assert.True(fake.Kid > 20 * fake.KidStd && fake.Kid > 100 * Math.Abs(real.Kid.Value), $"noise KID {fake.Kid} ± {fake.KidStd}");
        Assert.Equal(500, real.KidSubsetSize);
        Assert.True(real.Precision > 0.7 && real.Recall > 0.7, $"real precision {real.Precision}, recall {real.Recall}");
        Assert.True(fake.Precision < 0.05, $"noise precision {fake.Precision}");
        Assert.Equal(1000, real.PrecisionRecallCount);
    }

    [Fact]
    public void OneClassAloneKeepsPrecisionButLosesRecall()
    {
        var evaluator = new QualityEvaluator("synthetic", Trained.Value, QualityEvaluator.SyntheticTest());
        var all = SyntheticDataset.Create(5000, 77);
        var rows = Enumerable.Range(0, all.Count).Where(i => all.Labels[i] == 4).ToArray();
        var oneClass = FolderSplit.Subset(all, rows);
        var q = evaluator.EvaluateDataset(oneClass);
        Assert.True(q.Precision > 0.7, $"precision {q.Precision}");
        Assert.True(q.Recall < 0.25, $"recall {q.Recall}");
        Assert.True(q.MinClassShare < 0.02);
        Assert.True(q.Kid > 10 * q.KidStd, $"KID {q.Kid} ± {q.KidStd}");
    }

    [Fact]
    public void SavedClassifierPredictsTheSame()
    {
        string path = Path.Combine(_t.Root, "c.bin");
        Trained.Value.Save(path);
        var loaded = Classifier.Load(path, "synthetic");
        var data = SyntheticDataset.Create(50, 3);
        var a = new float[50 * Classifier.FeatureSize];
        var b = new float[50 * Classifier.FeatureSize];
        Trained.Value.Predict(data, a, [], []);
        loaded.Predict(data, b, [], []);
        Assert.Equal(a, b);
        Assert.Equal(Trained.Value.Info.TestAccuracy, loaded.Info.TestAccuracy);
        Assert.Throws<InvalidDataException>(() => Classifier.Load(path, "mnist"));
    }

    [Fact]
    public void DamagedCacheFileIsRetrainedNotUsed()
    {
        string cache = Path.Combine(_t.Root, "cache");
        string path = ClassifierCache.PathFor(cache, "synthetic");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Trained.Value.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var log = new StringWriter();
        int trainedCalls = 0;
        ImageDataset Train()
        {
            trainedCalls++;
            return SyntheticDataset.Create(600, 12);
        }
        var fresh = ClassifierCache.GetOrTrain("synthetic", cache, Train, QualityEvaluator.SyntheticTest, log, new ClassifierTraining { Epochs = 1, BatchSize = 64 });
        Assert.Equal(1, trainedCalls);
        Assert.Contains("checksum mismatch", log.ToString());
        Assert.Equal(600, fresh.Info.TrainImages);
        // The retrained file is sound and is now used without training.
        var again = ClassifierCache.GetOrTrain("synthetic", cache, Train, QualityEvaluator.SyntheticTest, log);
        Assert.Equal(1, trainedCalls);
        Assert.Equal(fresh.Info, again.Info);
    }

    [Fact]
    public void TruncatedOrForeignFilesAreRefused()
    {
        string path = Path.Combine(_t.Root, "c.bin");
        Trained.Value.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        Assert.Throws<InvalidDataException>(() => Classifier.Load(path, "synthetic"));
        File.WriteAllBytes(path, "not a classifier at all, just some text"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => Classifier.Load(path, "synthetic"));
    }

    [Fact]
    public void QualityLogKeepsTheLastLinePerEpochAndSkipsATornLine()
    {
        var run = new RunFolder(_t.Dir("run"));
        QualityLog.Append(run, new QualityReport { Epoch = 1, Fid = 10 });
        QualityLog.Append(run, new QualityReport { Epoch = 2, Fid = 8 });
        QualityLog.Append(run, new QualityReport { Epoch = 1, Fid = 9 });
        File.AppendAllText(QualityLog.PathFor(run), "{\"epoch\": 3, \"fi");
        var read = QualityLog.Read(run);
        Assert.Equal([(2, 8.0), (1, 9.0)], read.Select(r => (r.Epoch!.Value, r.Fid)));
        ChartAssert.SvgText(QualityCharts.FidChart(read)!.ToSvg(), "FID", "epoch");
        Assert.Null(QualityCharts.FidChart([new QualityReport { Fid = 3 }]));
    }

    [Fact]
    public void ClassSharesAreChartedFromTheLastMeasuredEpochWithNamesAndTheBalancedShare()
    {
        var run = new RunFolder(_t.Dir("shares"));
        QualityLog.Append(run, new QualityReport { Epoch = 1, Fid = 10, Count = 40, ClassShares = [0.5, 0.25, 0.25] });
        QualityLog.Append(run, new QualityReport { Epoch = 2, Fid = 8, Count = 40, ClassShares = [0.25, 0.5, 0.25], RealMinClassShare = 0.3 });
        QualityLog.Append(run, new QualityReport { Epoch = 3, Fid = 7, Task = "rotation" });
        var history = QualityLog.Read(run);

        Assert.Empty(QualityCharts.RunCharts(history, epoch: 0));
        var chart = Assert.Single(QualityCharts.RunCharts(history, epoch: 3, ["cat", "dog", "owl"]));
        Assert.Equal(RunPlots.ClassShares, chart.Name);
        Assert.Equal("Classes of generated images at epoch 2", chart.Chart.Title);
        Assert.Equal([0.25, 0.5, 0.25], chart.Chart.Bars.Single().Y);
        string basePath = run.PlotBase(chart.Name);
        ChartFiles.Write(chart.Chart, basePath);
        ChartAssert.Files(basePath, "cat", "dog", "owl", "generated images (n=40)", "balanced (33.3%)", "rarest class of real images (30.0%)");

        Assert.Equal("Classes of generated images at epoch 1", QualityCharts.RunCharts(history, epoch: 1).Single().Chart.Title);
        Assert.Null(QualityCharts.ClassSharesChart(history[^1]));
    }
}
