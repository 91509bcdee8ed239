// Tests of the Jacobi eigen-solver and the Fréchet distance against closed forms and numpy
// (numpy.linalg.eigvals of S1 S2, an independent route to Tr((S1 S2)^(1/2))).
using Dcgan.Quality;

namespace Dcgan.Quality.Tests;

public class FrechetDistanceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(128)]
    public void JacobiReconstructsTheMatrixWithOrthonormalVectors(int n)
    {
        var rng = new Random(n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                a[i * n + j] = a[j * n + i] = rng.NextDouble() * 2 - 1;
            }
        }
        var (values, v) = SymmetricEigen.Decompose(a, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double rebuilt = 0, dot = 0;
                for (int k = 0; k < n; k++)
                {
                    rebuilt += v![i * n + k] * values[k] * v[j * n + k];
                    dot += v[k * n + i] * v[k * n + j];
                }
                Assert.Equal(a[i * n + j], rebuilt, 1e-9);
                Assert.Equal(i == j ? 1 : 0, dot, 1e-9);
            }
        }
    }

    [Fact]
    public void SquareRootSquaresBack()
    {
        double[] s = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
        var r = SymmetricEigen.Sqrt(s, 3);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double sum = 0;
                for (int k = 0; k < 3; k++)
                {
                    sum += r[i * 3 + k] * r[k * 3 + j];
                }
                Assert.Equal(s[i * 3 + j], sum, 1e-12);
            }
        }
    }

    [Fact]
    public void IdenticalGaussiansAreAtZero()
    {
        var stats = new GaussianStatistics([1, 2], [2, 0.3, 0.3, 1], 10);
        Assert.Equal(0, FrechetDistance.Compute(stats, stats), 1e-10);
    }

    [Fact]
    public void DiagonalCovariancesMatchTheClosedForm()
    {
        // For commuting (diagonal) covariances d^2 = |mu1 - mu2|^2 + sum (sqrt(s1) - sqrt(s2))^2.
        var a = new GaussianStatistics([0, 1], [4, 0, 0, 9], 10);
        var b = new GaussianStatistics([3, 1], [1, 0, 0, 16], 10);
        Assert.Equal(9 + 1 + 1, FrechetDistance.Compute(a, b), 1e-10);
    }

    [Fact]
    public void NonCommutingCovariancesMatchNumpy()
    {
        double[] s1 = [1.1790746051104701, 0.08566684720671912, 0.6302401142567938, 0.17485322550936636, 0.08566684720671912, 0.5230717380229357, -0.2675695472578093, -0.16400656880562364, 0.6302401142567938, -0.2675695472578093, 1.0924397144676776, -0.36153497811146135, 0.17485322550936636, -0.16400656880562364, -0.36153497811146135, 0.9814490631276818];
        double[] s2 = [0.5362024317296198, -0.279106101382367, 0.5831670323079451, 0.33234247998629635, -0.279106101382367, 2.2497278341867006, -0.71448712697229, -0.3280922631592668, 0.5831670323079451, -0.71448712697229, 1.1392809782095514, 0.493113080079991, 0.33234247998629635, -0.3280922631592668, 0.493113080079991, 0.8720761414393391];
        var a = new GaussianStatistics([0.5, -1, 2, 0], s1, 10);
        var b = new GaussianStatistics([0, 0, 1, 1], s2, 10);
        Assert.Equal(4.470626356960552, FrechetDistance.Compute(a, b), 1e-9);
        Assert.Equal(4.470626356960552, FrechetDistance.Compute(b, a), 1e-9);
    }

    [Fact]
    public void FitIsTheUnbiasedMeanAndCovariance()
    {
        float[] x = [1, 2, 3, 6, 5, 10];
        var s = GaussianStatistics.Fit(x, 3, 2);
        Assert.Equal([3.0, 6.0], s.Mean);
        Assert.Equal([4.0, 8.0, 8.0, 16.0], s.Covariance);
    }
}
