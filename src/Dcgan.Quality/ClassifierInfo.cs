// What a saved classifier says about itself: the data set, architecture version and how well and how fast
// it trained; written as the JSON header of the classifier file and shown next to every quality figure.
namespace Dcgan.Quality;

using System.Text.Json.Serialization;

/// <summary>The header of a classifier file.</summary>
public sealed record ClassifierInfo
{
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = Classifier.Version;
    [JsonPropertyName("test_accuracy")] public double TestAccuracy { get; init; }
    [JsonPropertyName("train_images")] public int TrainImages { get; init; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("train_seconds")] public double TrainSeconds { get; init; }
    [JsonPropertyName("values")] public int Values { get; init; }

    /// <summary>e.g. "mnist-v1 (test accuracy 99.12%)".</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Dataset}-{Version} (test accuracy {TestAccuracy:P2})");
}
