// How the quality classifier is trained: the few settings that trade minutes for test accuracy, and the rule that
// sizes the training of an image folder's classifier.
namespace Dcgan.Quality;

/// <summary>Training settings of a <see cref="Classifier"/>; the defaults reach the documented accuracies.</summary>
public sealed record ClassifierTraining
{
    /// <summary>Examples (images, or turned images for the rotation task) an image folder's classifier is shown in all.</summary>
    public const int FolderExamples = 40_000;

    /// <summary>Most epochs an image folder's classifier trains for (a small folder is shown again and again).</summary>
    public const int MaxFolderEpochs = 30;

    public int Epochs { get; init; } = 4;

    public int BatchSize { get; init; } = 128;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Learning rate of the last epoch (a one-step decay settles the weights).</summary>
    public double FinalLearningRate { get; init; } = 2e-4;

    /// <summary>Train on the first N images only (0: all); for quick tests.</summary>
    public int Limit { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>The settings used when a classifier is missing from the cache.</summary>
    public static ClassifierTraining For(string dataset) => dataset switch
    {
        "synthetic" => new ClassifierTraining { Epochs = 3, BatchSize = 64 },
        "fashion-mnist" => new ClassifierTraining { Epochs = 5 },
        _ => new ClassifierTraining(),
    };

    /// <summary>
    /// The most images an image folder's classifier trains on (an evenly spaced subset of a larger training part): what
    /// keeps two epochs within <see cref="FolderExamples"/> examples, 20,000 images, or 5,000 for the rotation task.
    /// </summary>
    public static int MaxFolderImages(ClassifierTask task) => FolderExamples / 2 / (task == ClassifierTask.Rotation ? RotationTask.Turns : 1);

    /// <summary>
    /// An image folder's classifier on <paramref name="trainImages"/> images: enough epochs to show about
    /// <see cref="FolderExamples"/> examples (4 per image for the rotation task), at least 2 (the last one at the lower
    /// rate) and at most <see cref="MaxFolderEpochs"/>; batch 128 (32 images turned four ways for rotation).
    /// </summary>
    public static ClassifierTraining ForFolder(int trainImages, ClassifierTask task)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainImages, 1);
        long perEpoch = (long)trainImages * (task == ClassifierTask.Rotation ? RotationTask.Turns : 1);
        int epochs = (int)Math.Clamp((FolderExamples + perEpoch - 1) / perEpoch, 2, MaxFolderEpochs);
        return new ClassifierTraining { Epochs = epochs };
    }
}
