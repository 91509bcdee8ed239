// What a saved classifier says about itself: the data set (and, for an image folder, its decoded-cache key), the task,
// the input shape, architecture version and how well and how fast it trained; written as the JSON header of the
// classifier file and shown next to every quality figure. Files written before the shape keys existed are MNIST-sized
// 10-class classifiers, which is what the missing keys read as.
namespace Dcgan.Quality;

using System.Text.Json.Serialization;

/// <summary>The header of a classifier file.</summary>
public sealed record ClassifierInfo
{
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = Classifier.Version;

    /// <summary>The image folder's decoded-cache key (DecodedCache.Key) the classifier was trained on; null for the fixed data sets.</summary>
    [JsonPropertyName("data_key")] public string? DataKey { get; init; }

    /// <summary>"classes" or "rotation" (see <see cref="ClassifierTask"/>); absent in older files, which are "classes".</summary>
    [JsonPropertyName("task")] public string Task { get; init; } = "classes";
    [JsonPropertyName("height")] public int Height { get; init; }
    [JsonPropertyName("width")] public int Width { get; init; }
    [JsonPropertyName("channels")] public int Channels { get; init; }
    [JsonPropertyName("classes")] public int Classes { get; init; }

    /// <summary>Accuracy on the images held out of training (the test split, or an image folder's held-out 10 %).</summary>
    [JsonPropertyName("test_accuracy")] public double TestAccuracy { get; init; }

    /// <summary>Images measured for <see cref="TestAccuracy"/> (0 in older files).</summary>
    [JsonPropertyName("test_images")] public int TestImages { get; init; }
    [JsonPropertyName("train_images")] public int TrainImages { get; init; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("train_seconds")] public double TrainSeconds { get; init; }
    [JsonPropertyName("values")] public int Values { get; init; }

    /// <summary>The task as the enum (an unknown name reads as <see cref="ClassifierTask.Classes"/>; Load rejects it first).</summary>
    [JsonIgnore]
    public ClassifierTask TaskKind => Task == "rotation" ? ClassifierTask.Rotation : ClassifierTask.Classes;

    /// <summary>The input shape and classes, with the defaults of a file written before they were recorded (28 x 28 x 1, 10 classes).</summary>
    [JsonIgnore]
    public (int Height, int Width, int Channels, int Classes) Shape =>
        (Height > 0 ? Height : 28, Width > 0 ? Width : 28, Channels > 0 ? Channels : 1, Classes > 0 ? Classes : 10);

    /// <summary>The task's name as stored.</summary>
    public static string TaskName(ClassifierTask task) => task == ClassifierTask.Rotation ? "rotation" : "classes";

    /// <summary>
    /// e.g. "mnist-v1 (test accuracy 99.12%)", "folder 1a2b3c4d-v1 (held-out accuracy 87.50%)" or
    /// "folder 1a2b3c4d-v1 rotation (held-out rotation accuracy 91.00%)".
    /// </summary>
    public override string ToString()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        if (DataKey is null)
        {
            return string.Create(c, $"{Dataset}-{Version} (test accuracy {TestAccuracy:P2})");
        }
        string name = $"{Dataset} {DataKey[..Math.Min(8, DataKey.Length)]}-{Version}";
        return TaskKind == ClassifierTask.Rotation
            ? string.Create(c, $"{name} rotation (held-out rotation accuracy {TestAccuracy:P2})")
            : string.Create(c, $"{name} (held-out accuracy {TestAccuracy:P2})");
    }
}
