// A fixed, order-preserving subset of a set: evenly spaced indices. Used wherever a metric caps how many vectors it
// compares, so the capped subset is deterministic and covers the whole set (folder images come in class order).
namespace Dcgan.Quality;

/// <summary>Evenly spaced indices into a set.</summary>
public static class EvenSpread
{
    /// <summary>floor(i * n / count) for i below count (all of 0..n-1 when count >= n): ascending and distinct.</summary>
    public static int[] Indices(int n, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        count = Math.Clamp(count, 0, n);
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = (int)((long)i * n / count);
        }
        return indices;
    }

    /// <summary>The rows <paramref name="indices"/> of <paramref name="x"/> (vectors of <paramref name="d"/> values), copied.</summary>
    public static float[] Rows(ReadOnlySpan<float> x, int d, ReadOnlySpan<int> indices)
    {
        var rows = new float[indices.Length * d];
        for (int i = 0; i < indices.Length; i++)
        {
            x.Slice(indices[i] * d, d).CopyTo(rows.AsSpan(i * d, d));
        }
        return rows;
    }
}
