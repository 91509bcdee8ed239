// The one place a run's training images come from, for train, experiments and evaluate: the data set its config
// names, found or fetched (MNIST, Fashion-MNIST, the emoji set), decoded from an image folder through the cache, or
// generated (synthetic).
namespace Dcgan.Training;

using Dcgan.Data;
using Dcgan.Data.Folders;

/// <summary>Loads the training split a <see cref="TrainConfig"/> names.</summary>
public static class TrainingData
{
    /// <summary>The --dataset names.</summary>
    public static readonly IReadOnlyList<string> Datasets = ["mnist", "fashion-mnist", EmojiDataset.Name, Folder, "synthetic"];

    /// <summary>The data set name of an image folder given by --data-dir.</summary>
    public const string Folder = "folder";

    /// <summary>Whether a data set is decoded from image files (any size and channel count) rather than fixed 28x28 gray.</summary>
    public static bool IsImageFolder(string dataset) => dataset is Folder or EmojiDataset.Name;

    /// <summary>
    /// The training split of <paramref name="config"/>'s data set. An image folder is decoded at the config's image size
    /// and background, with its channels (0: decided from the images). Throws <see cref="DataException"/> with one line
    /// for missing or unusable data.
    /// </summary>
    public static ImageDataset Load(TrainConfig config, TextWriter log, DataLocations? locations = null)
    {
        locations ??= DataLocations.FromEnvironment(config.DataDir);
        switch (config.Dataset)
        {
            case "synthetic":
                return SyntheticDataset.Create(config.Limit > 0 ? config.Limit : 512, (ulong)config.Seed);
            case Folder:
            {
                string dir = config.DataDir ?? throw new DataException("--dataset folder needs --data-dir DIR, the folder of images");
                return FolderDecoder.Load(Folder, ImageList.Scan(dir), Settings(config), locations.CacheRoot, log);
            }
            case EmojiDataset.Name:
            {
                string dir = EmojiDataset.Resolve(locations, log);
                return FolderDecoder.Load(EmojiDataset.Name, EmojiDataset.List(dir), Settings(config), locations.CacheRoot, log);
            }
            default:
                if (config.DataDir is { } idx && !Directory.Exists(idx) && !File.Exists(idx))
                {
                    throw new DataException($"--data-dir {idx} does not exist");
                }
                return new DatasetResolver(locations).Load(config.Dataset, DataSplit.Train, log);
        }
    }

    private static DecodeSettings Settings(TrainConfig config) =>
        new(config.ImageSize, config.Channels, DecodeSettings.BackgroundOf(config.Background));
}
