// The one median (Statistics.Median) behind memorisation distances, comparisons and bench timings: numpy.median's
// values on small cases worked by hand, and no median of nothing.
namespace Dcgan.Quality.Tests;

using Dcgan.Quality;

public sealed class StatisticsTests
{
    [Theory]
    [InlineData(new[] { 7.0 }, 7.0)]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 62.8, 56.5, 56.6 }, 56.6)]
    [InlineData(new[] { -1.0, 1e9, 0.0, 5.0 }, 2.5)]
    public void TheMedianIsNumpys(double[] values, double expected)
    {
        double[] before = [.. values];
        Assert.Equal(expected, Statistics.Median(values));
        Assert.Equal(before, values);
        Assert.Equal(expected, MemorisationCheck.Median(values.Select(v => (float)v).ToArray()), 1e-4 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void NoValuesHaveNoMedian()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.Median([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemorisationCheck.Median([]));
    }
}
