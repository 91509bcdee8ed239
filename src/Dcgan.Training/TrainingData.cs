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
            case Folder or EmojiDataset.Name:
                return FolderDecoder.Load(config.Dataset, Images(config, locations, log), Settings(config), locations.CacheRoot, log);
            default:
                if (config.DataDir is { } idx && !Directory.Exists(idx) && !File.Exists(idx))
                {
                    throw new DataException($"--data-dir {idx} does not exist");
                }
                return new DatasetResolver(locations).Load(config.Dataset, DataSplit.Train, log);
        }
    }

    /// <summary>
    /// The decoded-cache key (<see cref="DecodedCache.Key"/>) of an image-folder config's images: a hash of the files and
    /// the decode settings, so whatever is keyed by it (the quality classifier) changes when they do. Null for the data
    /// sets that are not decoded from image files.
    /// </summary>
    public static string? DecodedKey(TrainConfig config, TextWriter log, DataLocations? locations = null)
    {
        if (!IsImageFolder(config.Dataset))
        {
            return null;
        }
        locations ??= DataLocations.FromEnvironment(config.DataDir);
        return DecodedCache.Key(Images(config, locations, log), Settings(config));
    }

    /// <summary>The image files of an image-folder config: --data-dir's folder, or the emoji set (fetched when missing).</summary>
    private static ImageList Images(TrainConfig config, DataLocations locations, TextWriter log) => config.Dataset == Folder
        ? ImageList.Scan(config.DataDir ?? throw new DataException("--dataset folder needs --data-dir DIR, the folder of images"))
        : EmojiDataset.List(EmojiDataset.Resolve(locations, log));

    private static DecodeSettings Settings(TrainConfig config) =>
        new(config.ImageSize, config.Channels, DecodeSettings.BackgroundOf(config.Background));
}
