// How the quality classifier is trained: the few settings that trade minutes for test accuracy.
namespace Dcgan.Quality;

/// <summary>Training settings of a <see cref="Classifier"/>; the defaults reach the documented accuracies.</summary>
public sealed record ClassifierTraining
{
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
}
