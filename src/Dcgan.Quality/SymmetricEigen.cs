// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub and Van Loan,
// Matrix Computations, section 8.5): slow for big matrices, but exact to rounding and plenty for 128 x 128.
namespace Dcgan.Quality;

/// <summary>Eigenvalues and eigenvectors of a symmetric matrix, and the matrix square root built on them.</summary>
public static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>
    /// Decomposes the n x n row-major symmetric <paramref name="matrix"/> (not modified) as V diag(values) V^T.
    /// Returns the eigenvalues (unsorted) and, when asked, V row-major with the eigenvectors as columns.
    /// </summary>
    public static (double[] Values, double[]? Vectors) Decompose(ReadOnlySpan<double> matrix, int n, bool vectors = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (matrix.Length != n * n)
        {
            throw new ArgumentException($"{matrix.Length} values are not a {n} x {n} matrix");
        }
        var a = matrix.ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                // Work on the exact symmetric part, so a slightly asymmetric input (rounding) cannot stall the sweeps.
                double m = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = m;
                a[j * n + i] = m;
            }
        }
        double[]? v = null;
        if (vectors)
        {
            v = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                v[i * n + i] = 1;
            }
        }
        double total = 0;
        foreach (double x in a)
        {
            total += x * x;
        }
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            // Converged when the off-diagonal mass is at rounding level relative to the whole matrix.
            if (off <= 1e-30 * total || off == 0)
            {
                break;
            }
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0)
                    {
                        continue;
                    }
                    Rotate(a, v, n, p, q, apq);
                }
            }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = a[i * n + i];
        }
        return (values, v);
    }

    /// <summary>
    /// The symmetric positive semi-definite square root V diag(sqrt(max(lambda, 0))) V^T; negative
    /// eigenvalues (rounding noise of a PSD matrix) count as zero.
    /// </summary>
    public static double[] Sqrt(ReadOnlySpan<double> matrix, int n)
    {
        var (values, v) = Decompose(matrix, n);
        var root = new double[n * n];
        var scaled = new double[n];
        for (int k = 0; k < n; k++)
        {
            scaled[k] = Math.Sqrt(Math.Max(values[k], 0));
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += v![i * n + k] * scaled[k] * v[j * n + k];
                }
                root[i * n + j] = sum;
                root[j * n + i] = sum;
            }
        }
        return root;
    }

    // One Jacobi rotation J(p, q, phi) chosen so that (J^T A J)[p, q] = 0; A <- J^T A J, V <- V J.
    private static void Rotate(double[] a, double[]? v, int n, int p, int q, double apq)
    {
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        // The smaller root of t^2 + 2 t theta - 1 = 0 keeps the rotation angle at most pi/4 (stable).
        double t = Math.Abs(theta) > 1e150
            ? 0.5 / theta
            : Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++)
        {
            double akp = a[k * n + p], akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++)
        {
            double apk = a[p * n + k], aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        if (v is not null)
        {
            for (int k = 0; k < n; k++)
            {
                double vkp = v[k * n + p], vkq = v[k * n + q];
                v[k * n + p] = c * vkp - s * vkq;
                v[k * n + q] = s * vkp + c * vkq;
            }
        }
    }
}
