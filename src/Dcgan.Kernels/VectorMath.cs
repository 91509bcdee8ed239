// Small element-wise span helpers used by the layer kernels, each an operator of the element-wise driver (ElementWise.cs).
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>Element-wise span helpers; each says what it effectively computes.</summary>
public static class VectorMath
{
    /// <summary>Effectively destination[i] += source[i].</summary>
    public static void AddInPlace(Span<float> destination, ReadOnlySpan<float> source)
    {
        int n = destination.Length;
        if (source.Length < n)
        {
            throw new ArgumentException("source shorter than destination");
        }
        ElementWise.Binary(default(AddOperator), destination, source[..n], destination);
    }

    /// <summary>Effectively matrix[r, c] += bias[c] for every row r of a (rows x bias.Length) matrix.</summary>
    public static void AddRowVector(Span<float> matrix, ReadOnlySpan<float> bias)
    {
        int cols = bias.Length;
        for (int offset = 0; offset + cols <= matrix.Length; offset += cols)
        {
            AddInPlace(matrix.Slice(offset, cols), bias);
        }
    }

    /// <summary>Effectively sums[c] += sum over rows r of matrix[r, c] (rows x sums.Length, row-major).</summary>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, Span<float> sums)
    {
        int cols = sums.Length;
        if (cols == 1)
        {
            double total = 0;
            foreach (float v in matrix)
            {
                total += v;
            }
            sums[0] += (float)total;
            return;
        }
        for (int offset = 0; offset + cols <= matrix.Length; offset += cols)
        {
            ElementWise.Binary(default(AddOperator), sums, matrix.Slice(offset, cols), sums);
        }
    }

    /// <summary>Effectively average[i] = decay * average[i] + (1 - decay) * values[i] (an exponential moving average).</summary>
    public static void MovingAverage(Span<float> average, ReadOnlySpan<float> values, float decay)
    {
        if (values.Length != average.Length)
        {
            throw new ArgumentException("moving average: lengths differ");
        }
        ElementWise.Binary(new MovingAverageOperator(decay, 1f - decay), average, values, average);
    }

    /// <summary>Effectively destination[i] = source[i] * scale.</summary>
    public static void Scale(ReadOnlySpan<float> source, float scale, Span<float> destination)
    {
        if (source.Length < destination.Length)
        {
            throw new ArgumentException("source shorter than destination");
        }
        ElementWise.Unary(new ScaleOperator(scale), source[..destination.Length], destination);
    }

    /// <summary>
    /// Effectively destination[r, j] = source[r, j] * rowScales[r] for a matrix of rowScales.Length rows filling
    /// destination (a batch scaled sample by sample).
    /// </summary>
    public static void ScaleRows(ReadOnlySpan<float> source, ReadOnlySpan<float> rowScales, Span<float> destination)
    {
        int rows = rowScales.Length;
        if (rows == 0 || destination.Length % rows != 0 || source.Length < destination.Length)
        {
            throw new ArgumentException($"{destination.Length} floats do not split into {rows} rows, or the source is shorter");
        }
        int size = destination.Length / rows;
        for (int r = 0; r < rows; r++)
        {
            Scale(source.Slice(r * size, size), rowScales[r], destination.Slice(r * size, size));
        }
    }

    /// <summary>Effectively destination[i] = a[i] * b[i].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        int n = destination.Length;
        if (a.Length < n || b.Length < n)
        {
            throw new ArgumentException("inputs shorter than destination");
        }
        ElementWise.Binary(default(MultiplyOperator), a[..n], b[..n], destination);
    }

    /// <summary>(average, value) to decay * average + rest * value, rest being 1 - decay rounded once.</summary>
    internal readonly struct MovingAverageOperator(float decay, float rest) : IBinaryOperator
    {
        public float Invoke(float average, float value) => decay * average + rest * value;

        public Vector256<float> Invoke(Vector256<float> average, Vector256<float> value) => average * decay + value * rest;

        public Vector512<float> Invoke(Vector512<float> average, Vector512<float> value) => average * decay + value * rest;
    }
}
