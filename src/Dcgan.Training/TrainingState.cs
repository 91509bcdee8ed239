// Everything a run needs to continue exactly where it stopped, besides the weights: position in the
// data, random streams, epoch sums and the history the plots are drawn from.
namespace Dcgan.Training;

using Dcgan.Kernels;

/// <summary>The non-weight part of a checkpoint (serialized as its JSON header).</summary>
public sealed class TrainingState
{
    /// <summary>The state of a run of <paramref name="seed"/> before its first step: each random stream derived from the seed.</summary>
    public static TrainingState Start(ulong seed) => new()
    {
        NoiseState = Rng.Derive(seed, "noise").GetState(),
        DropoutState = Rng.Derive(seed, "dropout").GetState(),
        EpochShuffleState = Rng.Derive(seed, "shuffle").GetState(),
    };

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

    /// <summary>
    /// What makes this state one a run of <paramref name="config"/> cannot have reached, as one line; null when it is
    /// consistent. A checkpoint's state comes from a file: epochs beyond the run's, negative counters, histories and
    /// step losses of other lengths, sums that are not finite, or a random stream that could never have been drawn
    /// (xoshiro256** never leaves the all-zero state, so a resumed run would wait forever for a nonzero number).
    /// </summary>
    public string? Problem(TrainConfig config)
    {
        if (CompletedEpochs < 0 || CompletedEpochs > config.Epochs)
        {
            return $"{CompletedEpochs} completed epochs where the run has {config.Epochs}";
        }
        if (StepInEpoch < 0 || (StepInEpoch > 0 && CompletedEpochs == config.Epochs))
        {
            return $"step {StepInEpoch} inside epoch {CompletedEpochs + 1} of a run of {config.Epochs}";
        }
        if (GlobalStep < StepInEpoch || GlobalStep < CompletedEpochs)
        {
            return $"{GlobalStep} steps in all, fewer than its {CompletedEpochs} epochs and {StepInEpoch} steps allow";
        }
        if (GeneratorIterations < 0 || GeneratorIterations > GlobalStep || DiscriminatorIterations < 0 || DiscriminatorIterations > GlobalStep)
        {
            return $"optimizer step counts {GeneratorIterations} and {DiscriminatorIterations} outside 0 to its {GlobalStep} steps";
        }
        if (History.Count != CompletedEpochs)
        {
            return $"a history of {History.Count} epochs for {CompletedEpochs} completed ones";
        }
        for (int i = 0; i < History.Count; i++)
        {
            if (History[i] is not { } m || m.Epoch != i + 1 || m.Steps < 0 || !AllFinite(m.GeneratorLoss, m.DiscriminatorLoss, m.RealAccuracy,
                m.FakeAccuracy, m.RealMean, m.FakeMean, m.Seconds, m.ImagesPerSecond, m.Fid ?? 0, m.InceptionScore ?? 0, m.MinClassShare ?? 0,
                m.MeanConfidence ?? 0, m.MinLabelAccuracy ?? 0))
            {
                return $"a damaged history entry {i + 1}";
            }
        }
        if (StepGeneratorLoss.Count != GlobalStep || StepDiscriminatorLoss.Count != GlobalStep)
        {
            return $"{StepGeneratorLoss.Count:N0} and {StepDiscriminatorLoss.Count:N0} step losses for {GlobalStep:N0} steps";
        }
        if (!StepGeneratorLoss.All(float.IsFinite) || !StepDiscriminatorLoss.All(float.IsFinite))
        {
            return "a step loss that is not a finite number";
        }
        var a = Accumulator;
        if (a.Steps < 0 || (StepInEpoch > 0 && a.Steps != StepInEpoch) || a.RealCount < 0 || a.FakeCount < 0 || a.Images < 0 || a.Seconds < 0
            || !AllFinite(a.GeneratorLossSum, a.DiscriminatorLossSum, a.RealCorrect, a.FakeCorrect, a.RealSum, a.FakeSum, a.Seconds)
            || !IsHistogram(a.RealHistogram, required: true) || !IsHistogram(a.FakeHistogram, required: true))
        {
            return "damaged running sums of the current epoch";
        }
        if (!IsHistogram(LastRealHistogram, required: false) || !IsHistogram(LastFakeHistogram, required: false))
        {
            return "a damaged histogram of the last epoch";
        }
        foreach (var (name, words) in new[] { ("shuffle", EpochShuffleState), ("noise", NoiseState), ("dropout", DropoutState) })
        {
            if (RandomStateProblem(words) is { } problem)
            {
                return $"a {name} random state that {problem}";
            }
        }
        return null;
    }

    /// <summary>What is wrong with a saved <see cref="Kernels.Rng"/> state (4 xoshiro words, a spare flag, a spare float), or null.</summary>
    private static string? RandomStateProblem(ulong[] words)
    {
        if (words.Length != 6)
        {
            return $"has {words.Length} words instead of 6";
        }
        if ((words[0] | words[1] | words[2] | words[3]) == 0)
        {
            return "is all zeros (a generator in that state only ever draws zeros)";
        }
        if (words[4] > 1 || words[5] > uint.MaxValue || !float.IsFinite(BitConverter.UInt32BitsToSingle((uint)words[5])))
        {
            return "has a damaged cached normal value";
        }
        return null;
    }

    private static bool IsHistogram(long[] bins, bool required) =>
        (bins.Length == EpochAccumulator.Bins || (!required && bins.Length == 0)) && bins.All(b => b >= 0);

    private static bool AllFinite(params ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }
}
