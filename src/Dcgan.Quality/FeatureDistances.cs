// Euclidean distances between two sets of feature vectors, a block of query rows at a time: each block is one GEMM
// (src/Dcgan.Kernels/Gemm.cs) through ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b, the Gram-matrix route numpy and
// scikit-learn take, so memory is one block however many pairs there are. Nearest neighbours and ball coverage build on it.
namespace Dcgan.Quality;

using System.Numerics;
using Dcgan.Kernels;

/// <summary>Blocked pairwise distances and the neighbour searches the quality metrics need.</summary>
public static class FeatureDistances
{
    /// <summary>Floats of one block of squared distances (16 MB): bounds memory whatever the set sizes.</summary>
    private const int BlockFloats = 1 << 22;

    /// <summary>Receives squared distances <paramref name="squared"/>[r * nb + j] = ||a[start + r] - b[j]||^2 for r below <paramref name="rows"/>.</summary>
    public delegate void BlockVisitor(int start, int rows, ReadOnlySpan<float> squared);

    /// <summary>||x_i||^2 of <paramref name="n"/> row-major vectors of <paramref name="d"/> values, accumulated in double.</summary>
    public static float[] SquaredNorms(ReadOnlySpan<float> x, int n, int d)
    {
        var norms = new float[n];
        for (int i = 0; i < n; i++)
        {
            var row = x.Slice(i * d, d);
            double sum = 0;
            for (int k = 0; k < d; k++)
            {
                sum += (double)row[k] * row[k];
            }
            norms[i] = (float)sum;
        }
        return norms;
    }

    /// <summary>
    /// Visits the squared distances between every row of <paramref name="a"/> (na x d) and every row of <paramref name="b"/>
    /// (nb x d) in blocks of consecutive a-rows, in order. Rounding can make a true 0 slightly negative; it is clamped at 0.
    /// </summary>
    public static void ForEachBlock(ReadOnlySpan<float> a, int na, ReadOnlySpan<float> b, int nb, int d, BlockVisitor visit)
    {
        Check(a, na, d, nameof(a));
        Check(b, nb, d, nameof(b));
        if (na == 0 || nb == 0)
        {
            return;
        }
        var normsA = SquaredNorms(a, na, d);
        var normsB = SquaredNorms(b, nb, d);
        int rowsPerBlock = Math.Clamp(BlockFloats / nb, 1, na);
        var block = new float[rowsPerBlock * nb];
        for (int start = 0; start < na; start += rowsPerBlock)
        {
            int rows = Math.Min(rowsPerBlock, na - start);
            var squared = block.AsSpan(0, rows * nb);
            Gemm.Sgemm(false, true, rows, nb, d, a.Slice(start * d, rows * d), d, b, d, 0f, squared, nb);
            for (int r = 0; r < rows; r++)
            {
                ToSquaredDistances(squared.Slice(r * nb, nb), normsA[start + r], normsB);
            }
            visit(start, rows, squared);
        }
    }

    /// <summary>
    /// For each row of <paramref name="queries"/>, the distances to its <paramref name="k"/> nearest rows of
    /// <paramref name="reference"/> (nq x k, ascending; +inf where the reference has fewer) and the index of the nearest.
    /// <paramref name="exclude"/>[i], when given and not -1, is a reference row query i may not pick (itself, when the
    /// queries are reference images: leave-one-out).
    /// </summary>
    public static (float[] Distances, int[] Nearest) Nearest(ReadOnlySpan<float> queries, int nq, ReadOnlySpan<float> reference, int nr, int d, int k,
        ReadOnlySpan<int> exclude = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!exclude.IsEmpty && exclude.Length != nq)
        {
            throw new ArgumentException($"{exclude.Length} exclusions for {nq} queries", nameof(exclude));
        }
        var distances = new float[nq * k];
        distances.AsSpan().Fill(float.PositiveInfinity);
        var nearest = new int[nq];
        nearest.AsSpan().Fill(-1);
        int[] skip = exclude.ToArray();
        ForEachBlock(queries, nq, reference, nr, d, (start, rows, squared) =>
        {
            for (int r = 0; r < rows; r++)
            {
                int q = start + r;
                int skipped = skip.Length == 0 ? -1 : skip[q];
                var row = squared.Slice(r * nr, nr);
                var best = distances.AsSpan(q * k, k);
                int bestIndex = -1;
                for (int j = 0; j < nr; j++)
                {
                    float v = row[j];
                    if (v >= best[k - 1] || j == skipped)
                    {
                        continue;
                    }
                    // Insertion into the sorted k smallest: k is small (3 or 1).
                    int at = k - 1;
                    while (at > 0 && best[at - 1] > v)
                    {
                        best[at] = best[at - 1];
                        at--;
                    }
                    best[at] = v;
                    if (at == 0)
                    {
                        bestIndex = j;
                    }
                }
                nearest[q] = bestIndex;
                for (int i = 0; i < k; i++)
                {
                    best[i] = MathF.Sqrt(best[i]);
                }
            }
        });
        return (distances, nearest);
    }

    /// <summary>
    /// For each row of <paramref name="queries"/>, whether it lies in at least one ball around a row of
    /// <paramref name="centres"/>: ||q - c_j|| &lt;= <paramref name="radii"/>[j] (the k-NN manifold of Kynkäänniemi et al. 2019).
    /// </summary>
    public static bool[] InAnyBall(ReadOnlySpan<float> queries, int nq, ReadOnlySpan<float> centres, int nc, int d, ReadOnlySpan<float> radii)
    {
        if (radii.Length != nc)
        {
            throw new ArgumentException($"{radii.Length} radii for {nc} centres", nameof(radii));
        }
        var squaredRadii = new float[nc];
        for (int j = 0; j < nc; j++)
        {
            squaredRadii[j] = radii[j] * radii[j];
        }
        var inside = new bool[nq];
        ForEachBlock(queries, nq, centres, nc, d, (start, rows, squared) =>
        {
            for (int r = 0; r < rows; r++)
            {
                var row = squared.Slice(r * nc, nc);
                for (int j = 0; j < nc; j++)
                {
                    if (row[j] <= squaredRadii[j])
                    {
                        inside[start + r] = true;
                        break;
                    }
                }
            }
        });
        return inside;
    }

    /// <summary>row[j] = max(0, na2 + normsB[j] - 2 row[j]): dot products to squared distances, a SIMD vector at a time.</summary>
    private static void ToSquaredDistances(Span<float> row, float na2, ReadOnlySpan<float> normsB)
    {
        var a = new Vector<float>(na2);
        var two = new Vector<float>(2f);
        int j = 0;
        for (; j <= row.Length - Vector<float>.Count; j += Vector<float>.Count)
        {
            var v = a + new Vector<float>(normsB.Slice(j)) - two * new Vector<float>(row.Slice(j));
            Vector.Max(v, Vector<float>.Zero).CopyTo(row.Slice(j));
        }
        for (; j < row.Length; j++)
        {
            row[j] = Math.Max(0f, na2 + normsB[j] - 2f * row[j]);
        }
    }

    private static void Check(ReadOnlySpan<float> x, int n, int d, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfLessThan(d, 1);
        if (x.Length != (long)n * d)
        {
            throw new ArgumentException($"{x.Length} values are not {n} vectors of {d}", name);
        }
    }
}
