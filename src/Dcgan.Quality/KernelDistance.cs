// The Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimator of the squared
// maximum mean discrepancy with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets as
// in the paper's code (polynomial_mmd_averages: 100 subsets drawn without replacement). The paper takes subsets of
// min(1000, n); here they are also at most half of the smaller set, so that subsets differ and their spread measures
// the estimate's uncertainty even for small sets (a folder's held-out tenth).
namespace Dcgan.Quality;

using System.Numerics;
using Dcgan.Kernels;

/// <summary>KID in a feature space: near 0 (within its error, either sign) for two samples of one distribution.</summary>
public static class KernelDistance
{
    /// <summary>Subsets averaged over.</summary>
    public const int DefaultSubsets = 100;

    /// <summary>The largest subset: min(this, half of the smaller set) vectors from each set.</summary>
    public const int MaxSubsetSize = 1000;

    /// <summary>
    /// Vectors per set in each subset: min(1000, nx / 2, ny / 2), or min(nx, ny) when a set has fewer than 4 (then the
    /// subsets of that set are all the same and the spread comes from the other one only).
    /// </summary>
    public static int SubsetSize(int nx, int ny)
    {
        int smaller = Math.Min(nx, ny);
        return smaller < 4 ? smaller : Math.Min(MaxSubsetSize, smaller / 2);
    }

    /// <summary>
    /// KID of <paramref name="x"/> (nx x d) against <paramref name="y"/> (ny x d): the mean of the unbiased MMD^2 over
    /// <paramref name="subsets"/> pairs of subsets of <see cref="SubsetSize"/> vectors, with the standard deviation of
    /// those estimates: the standard error of a KID from one subset, what the paper reports next to KID, and an upper
    /// bound on the error of their mean. Subsets are drawn from <paramref name="rng"/>.
    /// </summary>
    public static (double Mean, double StdDev, int SubsetSize) Compute(ReadOnlySpan<float> x, int nx, ReadOnlySpan<float> y, int ny, int d, Rng rng,
        int subsets = DefaultSubsets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subsets, 1);
        int m = SubsetSize(nx, ny);
        if (m < 2)
        {
            throw new ArgumentException($"KID needs at least 2 vectors per set, got {nx} and {ny}");
        }
        var xOrder = Enumerable.Range(0, nx).ToArray();
        var yOrder = Enumerable.Range(0, ny).ToArray();
        var xs = new float[m * d];
        var ys = new float[m * d];
        var gram = new float[m * m];
        var estimates = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            Gather(x, d, Draw(rng, xOrder, m), xs);
            Gather(y, d, Draw(rng, yOrder, m), ys);
            estimates[s] = UnbiasedMmd2(xs, m, ys, m, d, gram);
        }
        double mean = estimates.Average();
        double variance = subsets < 2 ? 0 : estimates.Sum(e => (e - mean) * (e - mean)) / (subsets - 1);
        return (mean, Math.Sqrt(variance), m);
    }

    /// <summary>
    /// The unbiased MMD^2 estimate between <paramref name="x"/> (m x d) and <paramref name="y"/> (n x d):
    /// sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (n (n - 1)) - 2 sum_{i, j} k(x_i, y_j) / (m n).
    /// </summary>
    public static double UnbiasedMmd2(ReadOnlySpan<float> x, int m, ReadOnlySpan<float> y, int n, int d)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        return UnbiasedMmd2(x, m, y, n, d, new float[Math.Max(m, n) * Math.Max(m, n)]);
    }

    /// <summary>k(x, y) = (x.y / d + 1)^3 for a dot product <paramref name="dot"/> of d-dimensional vectors.</summary>
    public static double Kernel(double dot, int d)
    {
        // dot * (1 / d), as the vectorised sums scale it (exact for d a power of two, such as 128).
        double t = dot * (1.0 / d) + 1;
        return t * t * t;
    }

    private static double UnbiasedMmd2(ReadOnlySpan<float> x, int m, ReadOnlySpan<float> y, int n, int d, float[] gram)
    {
        if (x.Length != m * d || y.Length != n * d)
        {
            throw new ArgumentException($"{x.Length} and {y.Length} values are not {m} and {n} vectors of {d}");
        }
        double xx = KernelSum(x, m, x, m, d, gram, offDiagonal: true) / ((double)m * (m - 1));
        double yy = KernelSum(y, n, y, n, d, gram, offDiagonal: true) / ((double)n * (n - 1));
        double xy = KernelSum(x, m, y, n, d, gram, offDiagonal: false) / ((double)m * n);
        return xx + yy - 2 * xy;
    }

    /// <summary>The sum of k over all pairs (a_i, b_j), leaving out i == j when <paramref name="offDiagonal"/>; dot products by GEMM, sums in double.</summary>
    private static double KernelSum(ReadOnlySpan<float> a, int na, ReadOnlySpan<float> b, int nb, int d, float[] gram, bool offDiagonal)
    {
        var dots = gram.AsSpan(0, na * nb);
        Gemm.Sgemm(false, true, na, nb, d, a, d, b, d, 0f, dots, nb);
        double sum = 0;
        for (int i = 0; i < na; i++)
        {
            var row = dots.Slice(i * nb, nb);
            double rowSum = KernelRowSum(row, d);
            sum += offDiagonal ? rowSum - Kernel(row[i], d) : rowSum;
        }
        return sum;
    }

    /// <summary>sum_j k(dots[j]) in double, a SIMD vector of floats widened to two of doubles at a time.</summary>
    private static double KernelRowSum(ReadOnlySpan<float> dots, int d)
    {
        var scale = new Vector<double>(1.0 / d);
        var sum = Vector<double>.Zero;
        int j = 0;
        for (; j <= dots.Length - Vector<float>.Count; j += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(dots.Slice(j)), out var low, out var high);
            var a = low * scale + Vector<double>.One;
            var b = high * scale + Vector<double>.One;
            sum += a * a * a + b * b * b;
        }
        double total = Vector.Sum(sum);
        for (; j < dots.Length; j++)
        {
            total += Kernel(dots[j], d);
        }
        return total;
    }

    /// <summary>The first <paramref name="m"/> entries of a partial Fisher-Yates shuffle: m distinct indices.</summary>
    private static ReadOnlySpan<int> Draw(Rng rng, int[] order, int m)
    {
        for (int i = 0; i < m; i++)
        {
            int j = i + rng.NextInt(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order.AsSpan(0, m);
    }

    private static void Gather(ReadOnlySpan<float> source, int d, ReadOnlySpan<int> rows, Span<float> target)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            source.Slice(rows[i] * d, d).CopyTo(target.Slice(i * d, d));
        }
    }
}
