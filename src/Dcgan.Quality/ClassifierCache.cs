// Where the quality classifiers live between runs: <cache>/classifiers/<dataset>-v1.bin, checksummed; a missing
// or damaged file is retrained from the data set's training split (never used as it is).
namespace Dcgan.Quality;

using Dcgan.Data;

/// <summary>Loads a data set's classifier from the cache, training and saving it when needed.</summary>
public static class ClassifierCache
{
    /// <summary>The cache file of one data set's classifier.</summary>
    public static string PathFor(string cacheRoot, string dataset) =>
        Path.Combine(cacheRoot, "classifiers", $"{dataset}-{Classifier.Version}.bin");

    /// <summary>
    /// The cached classifier for <paramref name="dataset"/>, or a new one trained on its training split and saved.
    /// <paramref name="train"/> and <paramref name="test"/> load the splits only when training is needed.
    /// </summary>
    public static Classifier GetOrTrain(string dataset, string cacheRoot, Func<ImageDataset> train, Func<ImageDataset> test, TextWriter log, ClassifierTraining? options = null)
    {
        string path = PathFor(cacheRoot, dataset);
        if (File.Exists(path))
        {
            try
            {
                return Classifier.Load(path, dataset);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                log.WriteLine($"Quality classifier {path} cannot be used ({e.Message}); retraining it");
            }
        }
        options ??= ClassifierTraining.For(dataset);
        log.WriteLine($"Training the {dataset} quality classifier ({options.Epochs} epochs; once, then cached in {path})");
        var classifier = Classifier.Train(train(), test(), options, log);
        log.WriteLine(FormattableString.Invariant($"Quality classifier: {classifier.Info}, trained in {classifier.Info.TrainSeconds:0} s"));
        classifier.Save(path);
        return classifier;
    }
}
