// Running sums over an epoch's steps (losses weighted per step, accuracies and means per image) and
// the histogram of discriminator outputs; part of the checkpoint so a resumed epoch sums the same way.
namespace Dcgan.Training;

using Dcgan.Models;

/// <summary>Accumulates step results into <see cref="EpochMetrics"/>.</summary>
public sealed class EpochAccumulator
{
    /// <summary>Bins of the discriminator-output histogram over [0, 1].</summary>
    public const int Bins = 50;

    public int Steps { get; set; }
    public double GeneratorLossSum { get; set; }
    public double DiscriminatorLossSum { get; set; }
    public double RealCorrect { get; set; }
    public double FakeCorrect { get; set; }
    public double RealSum { get; set; }
    public double FakeSum { get; set; }
    public long RealCount { get; set; }
    public long FakeCount { get; set; }
    public long Images { get; set; }
    public double Seconds { get; set; }
    public long[] RealHistogram { get; set; } = new long[Bins];
    public long[] FakeHistogram { get; set; } = new long[Bins];

    public void Add(in StepResult r, ReadOnlySpan<float> realProbabilities, ReadOnlySpan<float> fakeProbabilities)
    {
        Steps++;
        GeneratorLossSum += r.GeneratorLoss;
        DiscriminatorLossSum += r.DiscriminatorLoss;
        RealCorrect += r.RealAccuracy * realProbabilities.Length;
        FakeCorrect += r.FakeAccuracy * fakeProbabilities.Length;
        RealSum += r.RealMean * realProbabilities.Length;
        FakeSum += r.FakeMean * fakeProbabilities.Length;
        RealCount += realProbabilities.Length;
        FakeCount += fakeProbabilities.Length;
        Images += realProbabilities.Length;
        Count(realProbabilities, RealHistogram);
        Count(fakeProbabilities, FakeHistogram);
    }

    private static void Count(ReadOnlySpan<float> values, long[] histogram)
    {
        foreach (float v in values)
        {
            int bin = float.IsNaN(v) ? 0 : Math.Clamp((int)(v * Bins), 0, Bins - 1);
            histogram[bin]++;
        }
    }

    public EpochMetrics ToMetrics(int epoch) => new()
    {
        Epoch = epoch,
        GeneratorLoss = Steps == 0 ? 0 : GeneratorLossSum / Steps,
        DiscriminatorLoss = Steps == 0 ? 0 : DiscriminatorLossSum / Steps,
        RealAccuracy = RealCount == 0 ? 0 : RealCorrect / RealCount,
        FakeAccuracy = FakeCount == 0 ? 0 : FakeCorrect / FakeCount,
        RealMean = RealCount == 0 ? 0 : RealSum / RealCount,
        FakeMean = FakeCount == 0 ? 0 : FakeSum / FakeCount,
        Seconds = Math.Round(Seconds, 3),
        ImagesPerSecond = Seconds <= 0 ? 0 : Math.Round(Images / Seconds, 1),
        Steps = Steps,
    };
}
