// `dcgan data fetch|info`: get the data sets ahead of training, or see where they are and whether they check out; for
// an image folder, what decoding it finds (classes, sizes, skipped files), through the same cache training uses.
namespace Dcgan.Cli.Commands;

using Dcgan.Data;
using Dcgan.Data.Folders;
using Dcgan.Training;

/// <summary>Data set management.</summary>
public static class DataCommand
{
    public static OptionSet Options() => new OptionSet("dcgan data fetch|info [options]",
        "fetch: find or download a data set into the cache, verifying its checksums.\n" +
        "info: list the built-in data sets, where each was found and whether it checks out; with --dataset folder\n" +
        "--data-dir DIR, decode the folder as train would (cached) and report its classes, sizes and skipped files.")
        .Choice("dataset", "mnist", "Data set", "mnist", "fashion-mnist", EmojiDataset.Name, TrainingData.Folder)
        .Text("data-dir", null, "mnist/fashion-mnist: folder with the four IDX files or a Keras .npz; folder: the folder of images")
        .Int("image-size", 64, "folder: image side the images are decoded to", 1, 4096)
        .Choice("channels", "auto", "folder: 1, 3, or auto (3 if any image has colour)", "auto", "1", "3")
        .Choice("background", "white", "folder: what transparent pixels become", [.. Training.TrainConfig.Backgrounds]);

    public static int Run(OptionSet o, TextWriter stdout)
    {
        if (o.Positionals.Count != 1 || o.Positionals[0] is not ("fetch" or "info"))
        {
            throw new UserError("data needs a subcommand: fetch or info (see dcgan data --help)");
        }
        string? dir = o.GetText("data-dir") is { } d ? Path.GetFullPath(d) : null;
        if (dir is not null && !Directory.Exists(dir) && !File.Exists(dir))
        {
            throw new UserError($"--data-dir {dir} does not exist");
        }
        var locations = DataLocations.FromEnvironment(dir);
        string? dataset = o.Has("dataset") ? o.GetText("dataset") : null;
        if (dataset == TrainingData.Folder || dataset == EmojiDataset.Name && o.Positionals[0] == "info" && dir is not null)
        {
            return Folder(o, dataset, dir, stdout);
        }
        if (o.Positionals[0] == "info")
        {
            if (dataset != EmojiDataset.Name)
            {
                foreach (string line in DatasetReport.Lines(locations, dataset))
                {
                    stdout.WriteLine(line);
                }
            }
            if (dataset is null or EmojiDataset.Name)
            {
                foreach (string line in EmojiLines(locations))
                {
                    stdout.WriteLine(line);
                }
            }
            if (dataset is null)
            {
                stdout.WriteLine($"{TrainingData.Folder}: any folder of images (--dataset folder --data-dir DIR; `dcgan data info --dataset folder --data-dir DIR` reports what it holds)");
                stdout.WriteLine("synthetic: generated strokes (28x28, 10 classes) for smoke tests");
            }
            return 0;
        }
        if (dataset == EmojiDataset.Name)
        {
            string folder = EmojiDataset.Resolve(locations, stdout);
            stdout.WriteLine($"{EmojiDataset.Name}: {EmojiDataset.List(folder).Files.Count:N0} images at {folder}");
            return 0;
        }
        var resolver = new DatasetResolver(locations);
        var spec = DatasetSpec.Get(dataset ?? "mnist");
        var location = resolver.Resolve(spec, stdout, fetch: true);
        var train = location.Load(DataSplit.Train, stdout, verify: true);
        stdout.WriteLine($"{spec.Name}: {train.Count:N0} training images at {location.Description}");
        return 0;
    }

    /// <summary>The emoji set's lines of `data info`: where it is and whether its content matches the pinned checksum.</summary>
    private static IEnumerable<string> EmojiLines(DataLocations locations)
    {
        string cache = EmojiDataset.CacheDir(locations);
        if (!EmojiDataset.IsComplete(cache))
        {
            yield return $"{EmojiDataset.Name}: not found (searched {cache}); `dcgan data fetch --dataset {EmojiDataset.Name}` puts {EmojiDataset.Package} there";
            yield break;
        }
        var list = EmojiDataset.List(cache);
        bool ok = EmojiDataset.ContentDigest(cache) == EmojiDataset.ContentSha256;
        yield return $"{EmojiDataset.Name}: {list.Files.Count:N0} images of 64x64 in {list.ClassNames.Count} classes at {cache} ({EmojiDataset.Package})";
        yield return ok ? "  content matches the pinned checksum" : "  warning: content does not match the pinned checksum";
    }

    /// <summary>Decodes an image folder (or a given emoji folder) as train would and prints its report.</summary>
    private static int Folder(OptionSet o, string dataset, string? dir, TextWriter stdout)
    {
        if (o.Positionals[0] == "fetch")
        {
            throw new UserError("an image folder is not fetched; `dcgan data info --dataset folder --data-dir DIR` reports what it holds");
        }
        var config = new TrainConfig
        {
            Dataset = dataset,
            DataDir = dir ?? throw new UserError("--dataset folder needs --data-dir DIR, the folder of images"),
            ImageSize = o.GetInt("image-size"),
            Channels = o.GetText("channels") == "auto" ? 0 : o.GetInt("channels"),
            Background = o.GetText("background")!,
        };
        var data = TrainingData.Load(config, stdout);
        foreach (string line in data.Report!.Lines().Skip(1))
        {
            stdout.WriteLine(line);
        }
        return 0;
    }
}
