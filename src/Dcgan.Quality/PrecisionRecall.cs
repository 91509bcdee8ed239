// Improved precision and recall (Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
// Generative Models"; NVlabs/precision-recall): each set's manifold is the union of balls around its vectors, each ball
// reaching the vector's k-th nearest neighbour in its own set (k = 3). Precision is the share of generated vectors inside
// the real manifold (are the samples realistic?); recall the share of real vectors inside the generated one (is the
// data's variety covered?). A vector on a ball's edge counts as inside, as in the reference code.
namespace Dcgan.Quality;

/// <summary>k-NN precision and recall between a real and a generated set of feature vectors.</summary>
public static class PrecisionRecall
{
    /// <summary>The neighbour that sets each ball's radius, as in the paper.</summary>
    public const int DefaultK = 3;

    /// <summary>
    /// Precision and recall of <paramref name="fake"/> (nf x d) against <paramref name="real"/> (nr x d). Each set needs
    /// more than <paramref name="k"/> vectors. The metric depends on the set sizes; compare figures from equal sizes.
    /// </summary>
    public static (double Precision, double Recall) Compute(ReadOnlySpan<float> real, int nr, ReadOnlySpan<float> fake, int nf, int d, int k = DefaultK)
    {
        if (nr <= k || nf <= k)
        {
            throw new ArgumentException($"precision and recall with k = {k} need more than {k} vectors per set, got {nr} real and {nf} generated");
        }
        var realRadii = Radii(real, nr, d, k);
        var fakeRadii = Radii(fake, nf, d, k);
        double precision = Share(FeatureDistances.InAnyBall(fake, nf, real, nr, d, realRadii));
        double recall = Share(FeatureDistances.InAnyBall(real, nr, fake, nf, d, fakeRadii));
        return (precision, recall);
    }

    /// <summary>Each vector's distance to its k-th nearest other vector of the same set.</summary>
    public static float[] Radii(ReadOnlySpan<float> x, int n, int d, int k = DefaultK)
    {
        var self = Enumerable.Range(0, n).ToArray();
        var (distances, _) = FeatureDistances.Nearest(x, n, x, n, d, k, self);
        var radii = new float[n];
        for (int i = 0; i < n; i++)
        {
            radii[i] = distances[i * k + k - 1];
        }
        return radii;
    }

    private static double Share(bool[] inside) => inside.Length == 0 ? 0 : (double)inside.Count(b => b) / inside.Length;
}
