// A user's own pictures end to end, as the README's three lines promise: a small folder with two classes, written
// here (PNG and JPEG, colour and gray, and broken files among them), trained in colour with the DCGAN paper's models,
// resumed bit-identical to an uninterrupted run, generated from (PNG in colour, .npz, by class name), summarised and
// reported by `data info`; and every way to get the folder wrong is one line and exit 2, with no run folder left.
namespace Dcgan.Cli.Tests;

using Dcgan.Data.Folders;
using Dcgan.Imaging;
using Dcgan.Models;
using Dcgan.TestSupport;
using Dcgan.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

[Collection(EnvironmentCollection.Name)]
public sealed class FolderRunTests : IDisposable
{
    private readonly TempDir _t = new();
    private readonly string _cache;
    private readonly string? _savedCache = Environment.GetEnvironmentVariable("DCGAN_CACHE");

    public FolderRunTests()
    {
        // The decoded-images cache goes to this test's folder, not the user's.
        _cache = _t.Dir("cache");
        Environment.SetEnvironmentVariable("DCGAN_CACHE", _cache);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("DCGAN_CACHE", _savedCache);
        _t.Dispose();
    }

    /// <summary>Two classes of 12 images each: red discs and blue squares on varying sizes, half PNG, half JPEG, a few gray.</summary>
    private string Pictures()
    {
        string root = _t.Dir("pictures");
        var random = new Random(7);
        foreach (var (name, colour) in new[] { ("discs", new Rgba32(220, 40, 30)), ("squares", new Rgba32(30, 60, 210)) })
        {
            string dir = _t.Dir("pictures", name);
            for (int i = 0; i < 12; i++)
            {
                int w = 24 + random.Next(16), h = 20 + random.Next(16);
                using var image = new Image<Rgba32>(w, h, new Rgba32(250, 250, 245));
                int x0 = random.Next(w / 3), y0 = random.Next(h / 3), side = Math.Min(w, h) / 2;
                image.ProcessPixelRows(rows =>
                {
                    for (int y = y0; y < y0 + side; y++)
                    {
                        var row = rows.GetRowSpan(y);
                        for (int x = x0; x < x0 + side; x++)
                        {
                            bool inside = name == "squares" || Math.Pow(x - x0 - side / 2.0, 2) + Math.Pow(y - y0 - side / 2.0, 2) < side * side / 4.0;
                            row[x] = inside ? (i % 4 == 3 ? new Rgba32(90, 90, 90) : colour) : row[x];
                        }
                    }
                });
                string file = Path.Combine(dir, $"{i:D2}");
                if (i % 2 == 0)
                {
                    image.SaveAsPng(file + ".png", new PngEncoder());
                }
                else
                {
                    image.SaveAsJpeg(file + ".jpg", new JpegEncoder { Quality = 90 });
                }
            }
        }
        File.WriteAllBytes(Path.Combine(root, "discs", "empty.png"), []);
        File.WriteAllText(Path.Combine(root, "squares", "notes.jpg"), "not a picture");
        byte[] png = File.ReadAllBytes(Path.Combine(root, "discs", "00.png"));
        File.WriteAllBytes(Path.Combine(root, "squares", "cut.png"), png[..(png.Length / 3)]);
        File.WriteAllText(Path.Combine(root, "README.txt"), "two classes");
        return root;
    }

    /// <summary>A small train command line; 16 px unless <paramref name="more"/> names another --image-size.</summary>
    private static string[] Train(string pictures, string run, int epochs, params string[] more) =>
    [
        "train", "--dataset", "folder", "--data-dir", pictures, "--g-width", "8", "--d-width", "8",
        "--batch-size", "8", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-every", "1",
        "--samples", "4", "--seed", "3", "--threads", "1", "--out", run, .. more, .. more.Contains("--image-size") ? (string[])[] : ["--image-size", "16"],
    ];

    private static GanPair Final(string run)
    {
        var checkpoint = new RunFolder(run).Checkpoints()[^1].Path;
        var (gan, config, _) = Checkpoints.Open(checkpoint);
        return gan;
    }

    [Fact]
    public void TrainResumeGenerateAndReportAColourFolderWithClasses()
    {
        string pictures = Pictures();
        string run = _t.File("run");
        var first = CliRunner.Run(Train(pictures, run, 2, "--conditional"));
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("24 of 27 images used (16x16x3, 2 classes), 3 skipped", first.Out);

        // What the run recorded about its data: the decided channels and classes, and every skipped file.
        var config = TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(("dcgan", 16, 3, 2), (config.Architecture, config.ImageSize, config.Channels, config.ClassCount));
        Assert.Equal(["discs", "squares"], config.ClassNames);
        Assert.Equal((2e-4, 0.5), (config.LearningRateG, config.Beta1));
        var report = FolderReport.FromJson(File.ReadAllText(Path.Combine(run, "data_report.json")));
        Assert.Equal((27, 24, 1), (report.Candidates, report.Used, report.OtherFiles));
        Assert.Equal(["discs/empty.png", "squares/cut.png", "squares/notes.jpg"], report.Skipped.Select(s => s.File.Replace('\\', '/')).Order());
        Assert.Equal([("discs", 12), ("squares", 12)], report.Classes.Select(c => (c.Name, c.Images)));

        // The epoch grids are colour PNGs (one row per class), and the GIF and report exist.
        var grid = ImageFiles.ReadImage(Path.Combine(run, "samples", "image_at_epoch_0002.png"));
        Assert.Equal(3, grid.Channels);

        // Resumed to 3 epochs, the run ends where an uninterrupted 3-epoch run ends, bit for bit.
        var resumed = CliRunner.Run([.. Train(pictures, run, 3, "--conditional"), "--resume"]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains("decoded images from the cache", resumed.Out);
        string straight = _t.File("straight");
        var whole = CliRunner.Run(Train(pictures, straight, 3, "--conditional"));
        Assert.True(whole.Exit == 0, whole.Err);
        var a = Final(run);
        var b = Final(straight);
        Checkpoints.AssertSameState(a, b, " after resume");
        Assert.True(File.Exists(Path.Combine(run, "progress.gif")));
        Assert.True(File.Exists(Path.Combine(run, "report.html")));

        // Generate by class name: a colour PNG grid, and arrays numpy reads.
        string png = _t.File("squares.png");
        var generated = CliRunner.Run("generate", "--from", run, "--label", "squares", "--count", "6", "--out", png);
        Assert.True(generated.Exit == 0, generated.Err);
        var picture = ImageFiles.ReadImage(png);
        Assert.Equal(3, picture.Channels);
        string npz = _t.File("all.npz");
        Assert.Equal(0, CliRunner.Run("generate", "--from", run, "--count", "5", "--out", npz).Exit);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(npz))
        {
            Assert.Equal(["images.npy", "labels.npy"], zip.Entries.Select(e => e.FullName));
            using var images = new BinaryReader(zip.GetEntry("images.npy")!.Open());
            byte[] header = images.ReadBytes(128);
            Assert.Contains("'shape': (5, 16, 16, 3)", System.Text.Encoding.ASCII.GetString(header));
        }
        var idx = CliRunner.Run("generate", "--from", run, "--count", "5", "--out", _t.File("x.idx"));
        Assert.Equal(2, idx.Exit);
        Assert.Contains("holds gray images", idx.Err);
        var wrongLabel = CliRunner.Run("generate", "--from", run, "--label", "cats", "--out", _t.File("c.png"));
        Assert.Equal(2, wrongLabel.Exit);
        Assert.Contains("is not a class of", wrongLabel.Err);

        // summary of the same models, and data info on the folder.
        var summary = CliRunner.Run("summary", "--arch", "dcgan", "--image-size", "16", "--channels", "3", "--g-width", "8", "--d-width", "8");
        Assert.Equal(0, summary.Exit);
        Assert.Contains("conv2d_transpose", summary.Out);
        var info = CliRunner.Run("data", "info", "--dataset", "folder", "--data-dir", pictures, "--image-size", "16");
        Assert.Equal(0, info.Exit);
        Assert.Contains("class discs: 12 images", info.Out);
        Assert.Contains("skipped squares/notes.jpg: not an image", info.Out.Replace('\\', '/'));
    }

    [Fact]
    public void GraySetsTrainInOneChannelAndFoldersWithoutClassesTrainPlain()
    {
        string root = _t.Dir("gray");
        for (int i = 0; i < 10; i++)
        {
            using var image = new Image<L8>(20, 20, new L8((byte)(20 * i)));
            image.SaveAsPng(Path.Combine(root, $"{i}.png"));
        }
        string run = _t.File("gray-run");
        var result = CliRunner.Run(Train(root, run, 1));
        Assert.True(result.Exit == 0, result.Err);
        var config = TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal((1, 1), (config.Channels, config.ClassCount));
        Assert.Equal(1, ImageFiles.ReadImage(Path.Combine(run, "samples", "image_at_epoch_0001.png")).Channels);
        var conditional = CliRunner.Run(Train(root, _t.File("gray-conditional"), 1, "--conditional"));
        Assert.Equal(2, conditional.Exit);
        Assert.Contains("--conditional needs classes", conditional.Err);
        Assert.False(Directory.Exists(_t.File("gray-conditional")));
    }

    [Fact]
    public void TheFastRecipeTrainsAColourFolderOnThePapersModels()
    {
        string run = _t.File("fast-run");
        var result = CliRunner.Run(Train(Pictures(), run, 1, "--recipe", "fast"));
        Assert.True(result.Exit == 0, result.Err);
        var config = TrainConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")));
        // The paper's models, batch and Adam, and samples drawn from the generator's moving average.
        Assert.Equal(("fast", "dcgan", 3, 2e-4, 0.5, TrainConfig.FastGeneratorEma), (config.Recipe, config.Architecture, config.Channels, config.LearningRateG, config.Beta1, config.GeneratorEma));
        Assert.NotNull(Final(run).GeneratorAverage);
        Assert.Equal(3, ImageFiles.ReadImage(Path.Combine(run, "samples", "image_at_epoch_0001.png")).Channels);
    }

    [Theory]
    [InlineData("missing", "folder not found")]
    [InlineData("empty", "no images found")]
    [InlineData("broken", "none of the 2 image files could be used")]
    [InlineData("small", "fewer than one batch of 8")]
    [InlineData("size", "image size 40 does not fit the dcgan architecture")]
    public void AFolderThatCannotTrainIsOneLineAndExitTwo(string kind, string message)
    {
        string dir = kind == "missing" ? _t.File("nothing-here") : _t.Dir(kind);
        if (kind == "broken")
        {
            File.WriteAllBytes(Path.Combine(dir, "a.png"), []);
            File.WriteAllText(Path.Combine(dir, "b.jpg"), "text");
        }
        if (kind is "small" or "size")
        {
            for (int i = 0; i < 3; i++)
            {
                using var image = new Image<Rgb24>(12, 12, new Rgb24(10, 20, 30));
                image.SaveAsPng(Path.Combine(dir, $"{i}.png"));
            }
        }
        string run = _t.File("run-" + kind);
        var (exit, output, error) = CliRunner.Run(kind == "size" ? Train(dir, run, 1, "--image-size", "40") : Train(dir, run, 1));
        Assert.Equal(2, exit);
        Assert.StartsWith("dcgan: error: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("Exception", error);
        Assert.False(Directory.Exists(run), "a run folder was created for data that cannot train");
        Assert.DoesNotContain("Training the", output);
    }
}
