// Small SIMD building blocks (Vector512 with Vector256 and scalar tails) used by the layer kernels.
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        ref float d = ref MemoryMarshal.GetReference(destination);
        ref float s = ref MemoryMarshal.GetReference(source);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref d, (nuint)i) + Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i <= n - 8; i += 8)
        {
            (Vector256.LoadUnsafe(ref d, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
        }
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
            AddInPlace(sums, matrix.Slice(offset, cols));
        }
    }

    /// <summary>Effectively average[i] = decay * average[i] + (1 - decay) * values[i] (an exponential moving average).</summary>
    public static void MovingAverage(Span<float> average, ReadOnlySpan<float> values, float decay)
    {
        int n = average.Length;
        if (values.Length != n)
        {
            throw new ArgumentException("moving average: lengths differ");
        }
        ref float a = ref MemoryMarshal.GetReference(average);
        ref float v = ref MemoryMarshal.GetReference(values);
        float rest = 1f - decay;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vd = Vector512.Create(decay);
            var vr = Vector512.Create(rest);
            for (; i <= n - 16; i += 16)
            {
                (vd * Vector512.LoadUnsafe(ref a, (nuint)i) + vr * Vector512.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) = decay * Unsafe.Add(ref a, i) + rest * Unsafe.Add(ref v, i);
        }
    }

    /// <summary>Effectively destination[i] = source[i] * scale.</summary>
    public static void Scale(ReadOnlySpan<float> source, float scale, Span<float> destination)
    {
        int n = destination.Length;
        ref float d = ref MemoryMarshal.GetReference(destination);
        ref float s = ref MemoryMarshal.GetReference(source);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref s, (nuint)i) * vs).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i) * scale;
        }
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
        ref float d = ref MemoryMarshal.GetReference(destination);
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref pa, (nuint)i) * Vector512.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }
    }
}
