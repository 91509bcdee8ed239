// Quality measurement of image-folder runs through the command line: a folder with two classes (plain and conditional)
// and one without classes, each trained for an epoch with --eval-every and then evaluated: exit 0, KID, precision and
// recall in metrics.jsonl and quality.jsonl, the memorisation check and nearest.png. The caches (decoded images and
// classifiers) go to this test's folder through DCGAN_CACHE.
using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Quality;
using Dcgan.Reporting;
using Dcgan.TestSupport;
using Dcgan.Training;

namespace Dcgan.Cli.Tests;

[Collection(EnvironmentCollection.Name)]
public sealed class FolderQualityTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-folder-quality-").FullName;
    private readonly string? _cache = Environment.GetEnvironmentVariable("DCGAN_CACHE");

    public FolderQualityTests() => Environment.SetEnvironmentVariable("DCGAN_CACHE", Path.Combine(_root, "cache"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("DCGAN_CACHE", _cache);
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>20 x 20 RGB PNGs, 30 a class: "dark" and "bright" subfolders, or (no classes) all in one folder.</summary>
    private string WriteFolder(string name, bool classes)
    {
        string root = Path.Combine(_root, name);
        var rng = new Random(1);
        for (int c = 0; c < 2; c++)
        {
            string folder = Directory.CreateDirectory(classes ? Path.Combine(root, c == 0 ? "dark" : "bright") : root).FullName;
            for (int i = 0; i < 30; i++)
            {
                var pixels = new byte[20 * 20 * 3];
                for (int p = 0; p < pixels.Length; p++)
                {
                    int y = p / (20 * 3);
                    pixels[p] = (byte)Math.Clamp(40 + 150 * c - 4 * y + rng.Next(-30, 31), 0, 255);
                }
                ImageFiles.WritePng(Path.Combine(folder, $"{c}-{i:00}.png"), new Raster(20, 20, 3, pixels));
            }
        }
        return root;
    }

    private (string Run, string Output) TrainAndEvaluate(string data, params string[] extra)
    {
        string run = Path.Combine(_root, "run-" + Path.GetFileName(data) + string.Concat(extra));
        var train = CliRunner.Run(["train", "--dataset", "folder", "--data-dir", data, "--image-size", "16", "--g-width", "8", "--d-width", "8",
            "--batch-size", "16", "--epochs", "1", "--eval-every", "1", "--samples", "4", "--out", run, .. extra]);
        Assert.True(train.Exit == 0, train.Err + train.Out);
        Assert.Contains("Quality at epoch 1: FID ", train.Out);
        var metrics = JsonDocument.Parse(File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))[^1]).RootElement;
        foreach (string name in new[] { "fid", "kid", "precision", "recall" })
        {
            Assert.True(metrics.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number, $"metrics.jsonl has no {name}");
        }
        // The measured figures are plotted beside the run's other plots, each as PNG and SVG.
        var folder = new RunFolder(run);
        foreach (string plot in new[] { RunPlots.Losses, RunPlots.Histogram, RunPlots.Accuracy, RunPlots.EpochTimes, RunPlots.Fid, RunPlots.Kid })
        {
            ChartAssert.Files(folder.PlotBase(plot));
        }
        ChartAssert.Files(folder.PlotBase(RunPlots.PrecisionRecall), "precision", "recall");

        var (exit, output, err) = CliRunner.Run("evaluate", "--from", run, "--count", "100");
        Assert.True(exit == 0, err + output);
        Assert.Contains("KID", output);
        Assert.Contains("precision", output);
        Assert.Contains("recall", output);
        Assert.Contains("closer than typical", output);
        Assert.Contains("held-out 10% of the folder (6 images)", output);
        byte[] png = File.ReadAllBytes(Path.Combine(run, QualityEvaluator.NearestFileName));
        Assert.True(ImageFiles.IsPng(png));
        var raster = ImageFiles.DecodeImage(png);
        Assert.Equal(3, raster.Channels);
        return (run, output);
    }

    private static QualityReport LastReport(string run)
    {
        // Training's line for epoch 1 (no memorisation check), then evaluate's.
        var lines = File.ReadAllLines(QualityLog.PathFor(new RunFolder(run))).Select(QualityReport.FromJsonLine).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Null(lines[0].Memorisation);
        Assert.NotNull(lines[0].Kid);
        var evaluated = lines[1];
        Assert.Equal(1, evaluated.Epoch);
        Assert.Equal(100, evaluated.Count);
        Assert.NotNull(evaluated.Kid);
        Assert.NotNull(evaluated.KidStd);
        Assert.NotNull(evaluated.Precision);
        Assert.NotNull(evaluated.Recall);
        var m = evaluated.Memorisation!;
        Assert.Equal(60, m.TrainingImages);
        Assert.Equal(6, m.HeldOut);
        Assert.Equal(100, m.Samples);
        Assert.True(m.TypicalDistance > 0);
        Assert.InRange(m.SampleShare, 0, 1);
        return evaluated;
    }

    [Fact]
    public void AFolderWithClassesIsTrainedAndEvaluated()
    {
        var (run, output) = TrainAndEvaluate(WriteFolder("two", classes: true));
        Assert.Matches(@"class shares +bright:\d+ ?% dark:\d+ ?%", output);
        ChartAssert.Files(new RunFolder(run).PlotBase(RunPlots.ClassShares), "Classes of generated images at epoch 1", "bright", "dark", "balanced (50.0%)");
        Assert.Contains("Classes of generated images at epoch 1", File.ReadAllText(new RunFolder(run).ReportPath));
        var q = LastReport(run);
        Assert.Equal("classes", q.Task);
        Assert.Equal(2, q.ClassShares.Length);
        Assert.NotNull(q.InceptionScore);
        Assert.StartsWith("folder ", q.Classifier);
    }

    [Fact]
    public void AFolderWithoutClassesIsEvaluatedWithTheRotationClassifier()
    {
        var (run, output) = TrainAndEvaluate(WriteFolder("none", classes: false));
        Assert.Contains("upright", output);
        Assert.DoesNotContain("Inception Score", output);
        Assert.False(File.Exists(ChartFiles.PngPath(new RunFolder(run).PlotBase(RunPlots.ClassShares))), "a rotation classifier measures no class shares");
        var q = LastReport(run);
        Assert.Equal("rotation", q.Task);
        Assert.Null(q.InceptionScore);
        Assert.NotNull(q.UprightShare);
        Assert.Contains("rotation", q.Classifier);
    }

    [Fact]
    public void AConditionalFolderRunReportsEachOfItsClasses()
    {
        var (run, output) = TrainAndEvaluate(WriteFolder("cond", classes: true), "--conditional");
        Assert.Matches(@"per asked class +bright:\d+ ?% dark:\d+ ?%", output);
        var q = LastReport(run);
        Assert.Equal(2, q.LabelAccuracy!.Length);
    }
}
