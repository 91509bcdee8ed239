// The mean and covariance of a set of feature vectors: the Gaussian that FID (Heusel et al. 2017) fits
// to each image set. Covariance is unbiased (divides by N - 1), as numpy.cov and the reference FID code.
namespace Dcgan.Quality;

/// <summary>Mean (D) and covariance (D x D, row-major) of N feature vectors of size D.</summary>
public sealed class GaussianStatistics
{
    public GaussianStatistics(double[] mean, double[] covariance, int count)
    {
        if (covariance.Length != mean.Length * mean.Length)
        {
            throw new ArgumentException($"covariance has {covariance.Length} values, need {mean.Length * mean.Length}");
        }
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    public double[] Mean { get; }

    public double[] Covariance { get; }

    /// <summary>Vectors the statistics were fitted to.</summary>
    public int Count { get; }

    public int Dimension => Mean.Length;

    /// <summary>Fits the statistics to <paramref name="count"/> row-major vectors of <paramref name="dimension"/> values.</summary>
    public static GaussianStatistics Fit(ReadOnlySpan<float> features, int count, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (features.Length != count * dimension)
        {
            throw new ArgumentException($"{features.Length} values are not {count} vectors of {dimension}");
        }
        var mean = new double[dimension];
        for (int n = 0; n < count; n++)
        {
            var row = features.Slice(n * dimension, dimension);
            for (int i = 0; i < dimension; i++)
            {
                mean[i] += row[i];
            }
        }
        for (int i = 0; i < dimension; i++)
        {
            mean[i] /= count;
        }
        // Centre first, then accumulate the upper triangle in double: two passes avoid the cancellation
        // of E[xx^T] - mu mu^T when features sit far from zero.
        var covariance = new double[dimension * dimension];
        var centred = new double[dimension];
        for (int n = 0; n < count; n++)
        {
            var row = features.Slice(n * dimension, dimension);
            for (int i = 0; i < dimension; i++)
            {
                centred[i] = row[i] - mean[i];
            }
            for (int i = 0; i < dimension; i++)
            {
                double ci = centred[i];
                int offset = i * dimension;
                for (int j = i; j < dimension; j++)
                {
                    covariance[offset + j] += ci * centred[j];
                }
            }
        }
        for (int i = 0; i < dimension; i++)
        {
            for (int j = i; j < dimension; j++)
            {
                double c = covariance[i * dimension + j] / (count - 1);
                covariance[i * dimension + j] = c;
                covariance[j * dimension + i] = c;
            }
        }
        return new GaussianStatistics(mean, covariance, count);
    }
}
