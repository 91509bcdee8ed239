// Tests of the row-wise helpers in VectorMath.cs (bias rows, bias-gradient column sums, per-row scales): the same bits
// as the plain sequential loops they stand for, at every thread count, for widths around the vector sizes.
namespace Dcgan.Kernels.Tests;

using System.Runtime.InteropServices;

[Collection(WorkersCollection.Name)]
public class VectorMathTests
{
    private static readonly int[] Columns = [1, 2, 7, 8, 15, 16, 17, 24, 64, 130, 12544];

    private static float[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(rng.NextDouble() * 4 - 2);
        }
        return x;
    }

    private static void ForThreads(Action<int> body)
    {
        int saved = Workers.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3, 8 })
            {
                Workers.Threads = threads;
                body(threads);
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Fact]
    public void ClearZeroesEveryFloatAndNoOther()
    {
        ForThreads(threads =>
        {
            foreach (int n in new[] { 0, 1, 17, 16384, 16385, 100_003 })
            {
                var x = Values(n + 2, n);
                VectorMath.Clear(x.AsSpan(1, n));
                Assert.All(x[1..(n + 1)], v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
                Assert.Equal(Values(n + 2, n)[0], x[0]);
                Assert.Equal(Values(n + 2, n)[^1], x[^1]);
            }
        });
    }

    [Fact]
    public void AddInOrderAddsEachCopyInTurn()
    {
        ForThreads(threads =>
        {
            foreach (int n in new[] { 1, 63, 1600, 100_003 })
            {
                foreach (int count in new[] { 0, 1, 3 })
                {
                    float[] addends = Values(count * n, n + count), destination = Values(n, n), expected = (float[])destination.Clone();
                    for (int k = 0; k < count; k++)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            expected[i] += addends[k * n + i];
                        }
                    }
                    VectorMath.AddInOrder(addends, destination);
                    Assert.True(expected.AsSpan().SequenceEqual(destination), $"{count} x {n} on {threads} threads");
                }
            }
        });
        Assert.Throws<ArgumentException>(() => VectorMath.AddInOrder(new float[7], new float[3]));
        Assert.Throws<ArgumentException>(() => VectorMath.AddInOrder(new float[2], []));
    }

    [Fact]
    public void CopyIfChangedSaysWhetherAnyBitDifferedAndCopies()
    {
        ForThreads(threads =>
        {
            foreach (int n in new[] { 0, 1, 16384, 16385, 100_003 })
            {
                float[] source = Values(n, n + 3), same = (float[])source.Clone();
                Assert.False(VectorMath.CopyIfChanged(source, same), $"{n} equal floats on {threads} threads");
                Assert.Equal(source, same);
                if (n == 0)
                {
                    continue;
                }
                // Differences == does not see: -0 for 0 at the end, another NaN payload at the start.
                source[^1] = 0f;
                float[] destination = (float[])source.Clone();
                destination[^1] = -0f;
                destination[0] = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001));
                source[0] = float.NaN;
                Assert.True(VectorMath.CopyIfChanged(source, destination), $"{n} floats on {threads} threads");
                Assert.True(MemoryMarshal.Cast<float, int>(source.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(destination.AsSpan())));
            }
        });
        Assert.Throws<ArgumentException>(() => VectorMath.CopyIfChanged(new float[3], new float[4]));
    }

    [Fact]
    public void ColumnSumsAddEachRunOfRowsInOrder()
    {
        ForThreads(threads =>
        {
            foreach (int cols in Columns)
            {
                // Up to 2048 rows are one run, added to the sums row by row; taller matrices sum each run of 2048 apart, from
                // zero, and add the runs' sums in order (the last run shorter).
                foreach (int rows in cols == 12544 ? new[] { 1, 5, 301 } : new[] { 1, 5, 301, 2048, 2049, 5000 })
                {
                    float[] m = Values(rows * cols, cols * 7 + rows), sums = Values(cols, cols), expected = (float[])sums.Clone();
                    VectorMath.AddColumnSums(m, sums);
                    if (cols == 1)
                    {
                        // One column is summed in double precision and added once.
                        expected[0] += (float)m.Sum(v => (double)v);
                    }
                    else if (rows <= 2048)
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            for (int c = 0; c < cols; c++)
                            {
                                expected[c] += m[r * cols + c];
                            }
                        }
                    }
                    else
                    {
                        for (int r0 = 0; r0 < rows; r0 += 2048)
                        {
                            var run = new float[cols];
                            for (int r = r0; r < Math.Min(rows, r0 + 2048); r++)
                            {
                                for (int c = 0; c < cols; c++)
                                {
                                    run[c] += m[r * cols + c];
                                }
                            }
                            for (int c = 0; c < cols; c++)
                            {
                                expected[c] += run[c];
                            }
                        }
                    }
                    Assert.True(expected.AsSpan().SequenceEqual(sums), $"{rows} x {cols} on {threads} threads");
                }
            }
        });
    }

    [Fact]
    public void RowVectorAndRowScalesMatchTheScalarLoops()
    {
        ForThreads(threads =>
        {
            foreach (int cols in Columns)
            {
                foreach (int rows in new[] { 1, 3, 2049 })
                {
                    if ((long)rows * cols > 1 << 22)
                    {
                        continue;
                    }
                    float[] m = Values(rows * cols, cols + rows), bias = Values(cols, 3), scales = Values(rows, 4);
                    float[] withBias = (float[])m.Clone(), scaled = new float[m.Length], expectedBias = (float[])m.Clone(), expectedScaled = new float[m.Length];
                    VectorMath.AddRowVector(withBias, bias);
                    VectorMath.ScaleRows(m, scales, scaled);
                    for (int r = 0; r < rows; r++)
                    {
                        for (int c = 0; c < cols; c++)
                        {
                            expectedBias[r * cols + c] += bias[c];
                            expectedScaled[r * cols + c] = m[r * cols + c] * scales[r];
                        }
                    }
                    Assert.True(expectedBias.AsSpan().SequenceEqual(withBias), $"bias rows, {rows} x {cols} on {threads} threads");
                    Assert.True(expectedScaled.AsSpan().SequenceEqual(scaled), $"row scales, {rows} x {cols} on {threads} threads");
                    // In place, as the layers call it.
                    VectorMath.ScaleRows(m, scales, m);
                    Assert.True(expectedScaled.AsSpan().SequenceEqual(m), $"row scales in place, {rows} x {cols}");
                }
            }
        });
    }

    [Fact]
    public void ScaleRowsRefusesBadShapes()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.ScaleRows(new float[10], new float[3], new float[10]));
        float[] buffer = new float[12];
        Assert.Throws<ArgumentException>(() => VectorMath.ScaleRows(buffer.AsSpan(0, 8), new float[2], buffer.AsSpan(4, 8)));
    }
}
