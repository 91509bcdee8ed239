// Everything a run needs to continue exactly where it stopped, besides the weights: position in the
// data, random streams, epoch sums and the history the plots are drawn from.
namespace Dcgan.Training;

/// <summary>The non-weight part of a checkpoint (serialized as its JSON header).</summary>
public sealed class TrainingState
{
    /// <summary>Epochs fully done.</summary>
    public int CompletedEpochs { get; set; }

    /// <summary>Steps done inside the next epoch (0 at an epoch boundary; more after Ctrl-C).</summary>
    public int StepInEpoch { get; set; }

    /// <summary>Train steps done in total.</summary>
    public long GlobalStep { get; set; }

    /// <summary>The shuffle stream as it was when the current epoch drew its permutation.</summary>
    public ulong[] EpochShuffleState { get; set; } = [];

    public ulong[] NoiseState { get; set; } = [];

    public ulong[] DropoutState { get; set; } = [];

    public EpochAccumulator Accumulator { get; set; } = new();

    /// <summary>Discriminator-output histograms of the last finished epoch (real, fake).</summary>
    public long[] LastRealHistogram { get; set; } = [];

    public long[] LastFakeHistogram { get; set; } = [];

    public List<EpochMetrics> History { get; set; } = [];

    /// <summary>Per-step losses for the loss curves.</summary>
    public List<float> StepGeneratorLoss { get; set; } = [];

    public List<float> StepDiscriminatorLoss { get; set; } = [];

    public long GeneratorIterations { get; set; }

    public long DiscriminatorIterations { get; set; }
}
