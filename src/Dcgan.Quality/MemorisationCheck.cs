// The memorisation check: a generator that copies its training images puts samples nearer to a training image than
// real images ever are. "Nearer" is measured against the typical distance, the median leave-one-out nearest-neighbour
// distance among training images, so a real image drawn from the same distribution is closer than that half the time.
namespace Dcgan.Quality;

/// <summary>Nearest training images of samples and of held-out real images, in feature space.</summary>
public static class MemorisationCheck
{
    /// <summary>Training images whose nearest-neighbour distances give the typical distance (evenly spaced).</summary>
    public const int TypicalFrom = 2000;

    /// <summary>
    /// Measures <paramref name="samples"/> (ns x d) and <paramref name="heldOut"/> (nh x d) against
    /// <paramref name="training"/> (nt x d, at least 2). <paramref name="heldOutInTraining"/>[i] is held-out image i's row
    /// in <paramref name="training"/> when it is also a training image (then left out of its own search), else -1; empty
    /// when none is. Returns the report and, per sample, the distance to and row of its nearest training image.
    /// </summary>
    public static (MemorisationReport Report, float[] SampleDistances, int[] SampleNearest) Measure(
        ReadOnlySpan<float> training, int nt, ReadOnlySpan<float> heldOut, int nh, ReadOnlySpan<int> heldOutInTraining,
        ReadOnlySpan<float> samples, int ns, int d)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nt, 2);
        var typicalRows = EvenSpread.Indices(nt, TypicalFrom);
        var (typical, _) = FeatureDistances.Nearest(EvenSpread.Rows(training, d, typicalRows), typicalRows.Length, training, nt, d, 1, typicalRows);
        double threshold = Median(typical);
        var (sampleDistances, sampleNearest) = FeatureDistances.Nearest(samples, ns, training, nt, d, 1);
        var (heldOutDistances, _) = FeatureDistances.Nearest(heldOut, nh, training, nt, d, 1, heldOutInTraining);
        var report = new MemorisationReport
        {
            TrainingImages = nt,
            TypicalDistance = threshold,
            TypicalFrom = typicalRows.Length,
            Samples = ns,
            SampleShare = ShareBelow(sampleDistances, threshold),
            SampleMedianDistance = ns == 0 ? 0 : Median(sampleDistances),
            HeldOut = nh,
            HeldOutShare = ShareBelow(heldOutDistances, threshold),
            HeldOutMedianDistance = nh == 0 ? 0 : Median(heldOutDistances),
        };
        return (report, sampleDistances, sampleNearest);
    }

    /// <summary>The median (the mean of the two middle values for an even count, as numpy.median).</summary>
    public static double Median(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++)
        {
            wide[i] = values[i];
        }
        return Statistics.Median(wide);
    }

    /// <summary>The share strictly closer than <paramref name="threshold"/>.</summary>
    private static double ShareBelow(float[] distances, double threshold) =>
        distances.Length == 0 ? 0 : (double)distances.Count(v => v < threshold) / distances.Length;
}
