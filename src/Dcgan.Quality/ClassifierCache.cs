// Where the quality classifiers live between runs, checksummed: <cache>/classifiers/<dataset>-v1.bin for MNIST and
// Fashion-MNIST, <cache>/classifiers/<dataset>-<decoded-cache key>-v1.bin for an image folder or the emoji set, so a
// changed folder (or decoding) gets a classifier of its own. A missing or damaged file is retrained, never used as it is.
namespace Dcgan.Quality;

using Dcgan.Data;

/// <summary>Loads a data set's classifier from the cache, training and saving it when needed.</summary>
public static class ClassifierCache
{
    /// <summary>The cache file of one data set's classifier (of the images with decoded-cache key <paramref name="dataKey"/>, when given).</summary>
    public static string PathFor(string cacheRoot, string dataset, string? dataKey = null) =>
        Path.Combine(cacheRoot, "classifiers", dataKey is null ? $"{dataset}-{Classifier.Version}.bin" : $"{dataset}-{dataKey}-{Classifier.Version}.bin");

    /// <summary>
    /// The cached classifier for <paramref name="dataset"/>, or a new one trained on its training split and saved.
    /// <paramref name="train"/> and <paramref name="test"/> load the splits only when training is needed.
    /// </summary>
    public static Classifier GetOrTrain(string dataset, string cacheRoot, Func<ImageDataset> train, Func<ImageDataset> test, TextWriter log, ClassifierTraining? options = null) =>
        GetOrTrain(dataset, null, ClassifierTask.Classes, cacheRoot, train, test, log, options ?? ClassifierTraining.For(dataset));

    /// <summary>
    /// The cached classifier for the images with decoded-cache key <paramref name="dataKey"/> (null for a fixed data
    /// set) and <paramref name="task"/>, or a new one trained with <paramref name="options"/> and saved.
    /// </summary>
    public static Classifier GetOrTrain(string dataset, string? dataKey, ClassifierTask task, string cacheRoot, Func<ImageDataset> train, Func<ImageDataset> test,
        TextWriter log, ClassifierTraining options)
    {
        string path = PathFor(cacheRoot, dataset, dataKey);
        if (File.Exists(path))
        {
            try
            {
                var cached = Classifier.Load(path, dataset, dataKey);
                if (cached.Task == task)
                {
                    return cached;
                }
                log.WriteLine($"Quality classifier {path} was trained on another task ({cached.Info.Task}); retraining it");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                log.WriteLine($"Quality classifier {path} cannot be used ({e.Message}); retraining it");
            }
        }
        string what = task == ClassifierTask.Rotation ? $"{dataset} rotation-task" : dataset;
        log.WriteLine($"Training the {what} quality classifier ({options.Epochs} epochs; once, then cached in {path})");
        var classifier = Classifier.Train(train(), test(), options, log, task);
        classifier.Info = classifier.Info with { Dataset = dataset, DataKey = dataKey };
        log.WriteLine(FormattableString.Invariant($"Quality classifier: {classifier.Info}, trained in {classifier.Info.TrainSeconds:0} s"));
        try
        {
            classifier.Save(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs the next evaluation time, not this one.
            log.WriteLine($"Quality classifier could not be cached in {path}: {e.Message.ReplaceLineEndings(" ")}");
        }
        return classifier;
    }
}
