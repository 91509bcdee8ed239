// Small order statistics over measured values (distances, FIDs, step times), in one place so every figure called a
// median is the same median.
namespace Dcgan.Quality;

public static class Statistics
{
    /// <summary>The median: the middle value, or the mean of the two middle values for an even count (as numpy.median).</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Length);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
