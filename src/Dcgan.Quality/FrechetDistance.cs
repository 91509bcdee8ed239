// The Fréchet distance between two Gaussians, the quantity behind FID (Heusel et al. 2017, "GANs Trained by
// a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium"), here in a digit classifier's feature space.
namespace Dcgan.Quality;

/// <summary>d^2 = ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)).</summary>
public static class FrechetDistance
{
    /// <summary>
    /// Computes the distance. Tr((S1 S2)^(1/2)) is taken as Tr((R S2 R)^(1/2)) with R = S1^(1/2): the two
    /// matrices are similar (R^-1 (R S2 R) R = S1 S2 when R is invertible, and by continuity otherwise), and
    /// R S2 R is symmetric positive semi-definite, so a symmetric eigen-solver suffices and no complex
    /// square root appears. The result is clamped at 0 against rounding.
    /// </summary>
    public static double Compute(GaussianStatistics a, GaussianStatistics b)
    {
        int d = a.Dimension;
        if (b.Dimension != d)
        {
            throw new ArgumentException($"feature sizes differ: {a.Dimension} and {b.Dimension}");
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++)
        {
            double diff = a.Mean[i] - b.Mean[i];
            meanTerm += diff * diff;
        }
        double trace = 0;
        for (int i = 0; i < d; i++)
        {
            trace += a.Covariance[i * d + i] + b.Covariance[i * d + i];
        }
        double[] root = SymmetricEigen.Sqrt(a.Covariance, d);
        double[] product = Multiply(Multiply(root, b.Covariance, d), root, d);
        var (values, _) = SymmetricEigen.Decompose(product, d, vectors: false);
        double traceSqrt = values.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        return Math.Max(0, meanTerm + trace - 2 * traceSqrt);
    }

    private static double[] Multiply(double[] x, double[] y, int n)
    {
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                double xik = x[i * n + k];
                if (xik == 0)
                {
                    continue;
                }
                for (int j = 0; j < n; j++)
                {
                    result[i * n + j] += xik * y[k * n + j];
                }
            }
        }
        return result;
    }
}
