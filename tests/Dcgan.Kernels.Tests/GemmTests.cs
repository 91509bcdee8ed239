// Tests of the fast SGEMM (Gemm.cs and its Gemm* helpers) against the naive oracle GemmReference, on every micro-kernel
// family the machine runs, every transposition, awkward sizes, strides, beta, and thread-count reproducibility.
namespace Dcgan.Kernels.Tests;

[Collection(WorkersCollection.Name)]
public class GemmTests
{
    private static readonly (bool TransA, bool TransB)[] Transpositions = [(false, false), (false, true), (true, false), (true, true)];

    public static TheoryData<bool, bool> AllTranspositions()
    {
        var data = new TheoryData<bool, bool>();
        foreach (var (ta, tb) in Transpositions)
        {
            data.Add(ta, tb);
        }
        return data;
    }

    public static TheoryData<int> SupportedPaths()
    {
        var data = new TheoryData<int>();
        foreach (GemmPath path in Enum.GetValues<GemmPath>())
        {
            if (GemmPaths.IsSupported(path))
            {
                data.Add((int)path);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void BlockedKernelMatchesReferenceOnAwkwardSizes(int pathIndex)
    {
        var path = (GemmPath)pathIndex;
        var rng = new Random(1234 + pathIndex);
        int[] interesting = [1, 2, 3, 5, 6, 7, 11, 12, 13, 15, 16, 17, 24, 31, 32, 33, 47, 48, 49, 63, 64, 65, 67];
        foreach (var (ta, tb) in Transpositions)
        {
            // Every size 1..67 appears as m, as n and as k at least once, paired with random partners.
            for (int s = 1; s <= 67; s++)
            {
                Check(path, false, ta, tb, s, rng.Next(1, 68), rng.Next(1, 68), 0f, 0, rng);
                Check(path, false, ta, tb, rng.Next(1, 68), s, rng.Next(1, 68), 1f, 0, rng);
                Check(path, false, ta, tb, rng.Next(1, 68), rng.Next(1, 68), s, 0f, 3, rng);
            }
            for (int t = 0; t < 40; t++)
            {
                int m = interesting[rng.Next(interesting.Length)];
                int n = interesting[rng.Next(interesting.Length)];
                int k = interesting[rng.Next(interesting.Length)];
                Check(path, false, ta, tb, m, n, k, t % 2 == 0 ? 0f : 1f, t % 3 * 5, rng);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void PublicEntryMatchesReferenceIncludingDirectPaths(bool transA, bool transB)
    {
        var rng = new Random(transA ? (transB ? 1 : 2) : (transB ? 3 : 4));
        (int M, int N, int K)[] shapes =
        [
            (1, 1, 1), (1, 7, 300), (7, 1, 300), (1, 1000, 40), (1000, 1, 40), (256, 1, 627), (1, 627, 256),
            (9, 9, 9), (31, 32, 33), (40, 40, 40), (100, 70, 1), (3, 500, 2), (70, 3, 200),
        ];
        foreach (var (m, n, k) in shapes)
        {
            Check(GemmPaths.Best, true, transA, transB, m, n, k, 0f, 0, rng);
            Check(GemmPaths.Best, true, transA, transB, m, n, k, 1f, 4, rng);
        }
    }

    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void SizesAroundBlockBoundariesMatchReference(bool transA, bool transB)
    {
        var rng = new Random(77);
        (int M, int N, int K)[] shapes =
        [
            (239, 40, 255), (240, 33, 256), (241, 31, 257), (13, 1023, 20), (25, 1025, 9), (250, 70, 513),
            (481, 17, 100), (12, 32, 600), (36, 64, 1), (100, 300, 129),
        ];
        foreach (var (m, n, k) in shapes)
        {
            Check(GemmPaths.Best, false, transA, transB, m, n, k, 0f, 0, rng);
            Check(GemmPaths.Best, false, transA, transB, m, n, k, 1f, 7, rng);
        }
    }

    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void BetaZeroIgnoresNaNInOutput(bool transA, bool transB)
    {
        var rng = new Random(5);
        foreach (var (m, n, k) in new[] { (50, 70, 300), (3, 3, 3), (64, 1, 80), (1, 64, 80), (13, 45, 1) })
        {
            var (a, lda) = RandomMatrix(transA ? k : m, transA ? m : k, 2, rng);
            var (b, ldb) = RandomMatrix(transB ? n : k, transB ? k : n, 1, rng);
            int ldc = n + 3;
            var c = new float[(m - 1) * ldc + n];
            Array.Fill(c, float.NaN);
            Gemm.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, 0f, c, ldc);
            var expected = new float[c.Length];
            GemmReference.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, 0f, expected, ldc);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float got = c[i * ldc + j];
                    Assert.False(float.IsNaN(got), $"NaN leaked into C[{i},{j}] for {m}x{n}x{k}");
                    Assert.Equal(expected[i * ldc + j], got, 1e-3f);
                }
            }
        }
    }

    [Fact]
    public void ZeroDepthWritesZerosOrLeavesOutputAlone()
    {
        foreach (var (ta, tb) in Transpositions)
        {
            var c = new float[5 * 6];
            Array.Fill(c, float.NaN);
            Gemm.Sgemm(ta, tb, 5, 6, 0, [], 1, [], 1, 0f, c, 6);
            Assert.All(c, v => Assert.Equal(0f, v));

            Array.Fill(c, 2.5f);
            Gemm.Sgemm(ta, tb, 5, 6, 0, [], 1, [], 1, 1f, c, 6);
            Assert.All(c, v => Assert.Equal(2.5f, v));
        }
    }

    [Fact]
    public void EmptyOutputTouchesNothing()
    {
        var c = new float[4];
        Array.Fill(c, 9f);
        Gemm.Sgemm(false, false, 0, 4, 3, [], 3, new float[12], 4, 0f, c, 4);
        Gemm.Sgemm(false, false, 4, 0, 3, new float[12], 3, [], 1, 0f, c, 1);
        Assert.All(c, v => Assert.Equal(9f, v));
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        var a = new float[10 * 8];
        var b = new float[8 * 6];
        var c = new float[10 * 6];
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 10, 6, 8, a.AsSpan(1), 8, b, 6, 0f, c, 6));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 10, 6, 8, a, 8, b.AsSpan(0, 47), 6, 0f, c, 6));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 10, 6, 8, a, 8, b, 6, 0f, c.AsSpan(2), 6));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 10, 6, 8, a, 7, b, 6, 0f, c, 6));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(true, false, 10, 6, 8, a, 8, b, 6, 0f, c, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, -1, 6, 8, a, 8, b, 6, 0f, c, 6));
    }

    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void OneAndTwoThreadsGiveBitIdenticalResults(bool transA, bool transB)
    {
        var rng = new Random(99);
        int saved = Workers.Threads;
        try
        {
            // The last two are matrix-vector products long enough to be cut into blocks of rows for the threads.
            foreach (var (m, n, k) in new[] { (300, 200, 600), (37, 900, 70), (700, 25, 64), (25, 64, 3000), (250, 130, 25), (3000, 1, 300), (1, 3000, 300) })
            {
                var (a, lda) = RandomMatrix(transA ? k : m, transA ? m : k, 1, rng);
                var (b, ldb) = RandomMatrix(transB ? n : k, transB ? k : n, 0, rng);
                var start = new float[m * n];
                for (int i = 0; i < start.Length; i++)
                {
                    start[i] = rng.NextSingle() - 0.5f;
                }
                float[] Run(int threads, float beta)
                {
                    Workers.Threads = threads;
                    var c = (float[])start.Clone();
                    Gemm.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, n);
                    return c;
                }
                foreach (float beta in new[] { 0f, 1f })
                {
                    var one = Run(1, beta);
                    var two = Run(2, beta);
                    var twoAgain = Run(2, beta);
                    var three = Run(3, beta);
                    for (int i = 0; i < one.Length; i++)
                    {
                        int bits = BitConverter.SingleToInt32Bits(one[i]);
                        Assert.True(bits == BitConverter.SingleToInt32Bits(two[i])
                            && bits == BitConverter.SingleToInt32Bits(twoAgain[i])
                            && bits == BitConverter.SingleToInt32Bits(three[i]),
                            $"element {i} differs across thread counts for {m}x{n}x{k} beta {beta}");
                    }
                }
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    /// <summary>
    /// The direct paths for tiny products and M = 1 compute every element as the blocked kernel does, so a row of C never
    /// depends on M: an image generated alone equals the same image generated in a batch. (N = 1 always takes its own
    /// dot-product path, whatever M is, so it is consistent by itself.)
    /// </summary>
    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void DirectPathsAreBitIdenticalToTheBlockedKernel(bool transA, bool transB)
    {
        var rng = new Random(77);
        foreach (var (m, n, k) in new[] { (7, 15, 64), (3, 5, 7), (1, 40, 100), (1, 33, 300), (2, 9, 600), (5, 1, 20), (1, 64, 513) })
        {
            foreach (float beta in new[] { 0f, 1f })
            {
                var (a, lda, b, ldb, c0) = RandomProduct(transA, transB, m, n, k, rng);
                var direct = (float[])c0.Clone();
                Gemm.Run(GemmPaths.Best, true, transA, transB, m, n, k, a, lda, b, ldb, beta, direct, n);
                // Every micro-kernel family the machine runs (scalar, AVX2, AVX-512) agrees with the direct paths.
                foreach (GemmPath path in Enum.GetValues<GemmPath>().Where(GemmPaths.IsSupported))
                {
                    var blocked = (float[])c0.Clone();
                    Gemm.Run(path, false, transA, transB, m, n, k, a, lda, b, ldb, beta, blocked, n);
                    if (n > 1)
                    {
                        Assert.True(direct.AsSpan().SequenceEqual(blocked), $"{path} {m}x{n}x{k} beta {beta} transA={transA} transB={transB}");
                    }
                }

                // Row 0 alone (M = 1, a direct path) equals row 0 of the whole product.
                if (!transA)
                {
                    var row = c0[..n];
                    Gemm.Sgemm(false, transB, 1, n, k, a, lda, b, ldb, beta, row, n);
                    Assert.True(row.AsSpan().SequenceEqual(direct.AsSpan(0, n)), $"row 0 of {m}x{n}x{k} beta {beta} transB={transB}");
                }
            }
        }
    }

    /// <summary>
    /// A B packed once (Gemm.PackB) gives exactly what the blocked kernel gives when it packs B itself, block by block and
    /// K slice by K slice (k above 256 takes several slices), so Winograd's point products can pack their kernel once.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void PackedBGivesTheBlockedKernelsBits(bool transA, bool transB)
    {
        var rng = new Random(91);
        foreach (var (m, n, k) in new[] { (84, 128, 256), (7, 15, 64), (3, 5, 7), (1, 40, 100), (2, 9, 600), (300, 70, 513), (5, 1, 20), (250, 1100, 40) })
        {
            foreach (float beta in new[] { 0f, 1f })
            {
                var (a, lda, b, ldb, c0) = RandomProduct(transA, transB, m, n, k, rng);
                var blocked = (float[])c0.Clone();
                Gemm.Run(GemmPaths.Best, false, transA, transB, m, n, k, a, lda, b, ldb, beta, blocked, n);
                var packedB = new float[Gemm.PackedBFloats(k, n)];
                Gemm.PackB(transB, k, n, b, ldb, packedB);
                var packed = (float[])c0.Clone();
                Gemm.SgemmPackedB(transA, m, n, k, a, lda, packedB, beta, packed, n);
                Assert.True(blocked.AsSpan().SequenceEqual(packed), $"{m}x{n}x{k} beta {beta} transA={transA} transB={transB}");
            }
        }
    }

    /// <summary>
    /// A window of columns of one packed B (a convolution's row band reading some of its kernel's taps) gives the bits of
    /// the same product on those columns alone, packed by the blocked kernel itself: from the first column, from a
    /// middle strip, and to the last, ragged one; also with K in several slices and more blocks than threads.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void AWindowOfAPackedBGivesTheBitsOfItsColumnsAlone(bool transA, bool transB)
    {
        var rng = new Random(92);
        int nr = GemmPaths.Nr(GemmPaths.Best);
        foreach (var (m, k, total) in new[] { (300, 100, 5 * nr + 7), (41, 600, 3 * nr), (2, 48, 2 * nr + 1) })
        {
            var (a, lda, b, ldb, _) = RandomProduct(transA, transB, m, total, k, rng);
            var packedB = new float[Gemm.PackedBFloats(k, total)];
            Gemm.PackB(transB, k, total, b, ldb, packedB);
            foreach (var (j0, n) in new[] { (0, total), (0, nr + 3), (nr, 2 * nr), (2 * nr, total - 2 * nr), (total / nr * nr, total % nr) })
            {
                if (n <= 0 || j0 + n > total)
                {
                    continue;
                }
                var alone = new float[m * n];
                // op(B)'s columns j0.. alone: b from column j0 (rows of b when transB).
                var bWindow = transB ? b.AsSpan(j0 * ldb) : b.AsSpan(j0);
                Gemm.Run(GemmPaths.Best, false, transA, transB, m, n, k, a, lda, bWindow, ldb, 0f, alone, n);
                var window = new float[m * n];
                Gemm.SgemmPackedB(transA, m, n, k, a, lda, packedB, k, total, 0, j0, 0f, window, n);
                Assert.True(alone.AsSpan().SequenceEqual(window), $"{m}x[{j0}, {j0 + n})x{k} of {total} transA={transA} transB={transB}");
            }
        }
    }

    /// <summary>
    /// A window of rows of one packed B (a convolution's row band reading some of its kernel's taps as the product's K)
    /// gives the bits of the product with those rows alone, where the window's K slices are the packed ones: from a slice
    /// boundary, to the end or to another boundary, with a column window too.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllTranspositions))]
    public void AWindowOfRowsOfAPackedBGivesTheBitsOfThoseRowsAlone(bool transA, bool transB)
    {
        var rng = new Random(93);
        int nr = GemmPaths.Nr(GemmPaths.Best);
        foreach (var (m, packedK, total, windows) in new[]
        {
            (200, 1024, 2 * nr + 5, new[] { (256, 768), (0, 768), (256, 512), (512, 512), (0, 1024) }),
            (37, 600, nr, new[] { (200, 400), (0, 400), (200, 200) }),
        })
        {
            var (_, _, b, ldb, _) = RandomProduct(false, transB, 1, total, packedK, rng);
            var packedB = new float[Gemm.PackedBFloats(packedK, total)];
            Gemm.PackB(transB, packedK, total, b, ldb, packedB);
            foreach (var (k0, k) in windows)
            {
                Assert.True(Gemm.PackedBRowWindowFits(packedK, k0, k), $"[{k0}, {k0 + k}) of {packedK}");
                var (a, lda, _, _, _) = RandomProduct(transA, false, m, 1, k, rng);
                foreach (var (j0, n) in new[] { (0, total), (nr, total - nr) })
                {
                    if (n <= 0)
                    {
                        continue;
                    }
                    var alone = new float[m * n];
                    // op(B) rows k0.. and columns j0.. alone: with transB b is n x k, so row j0, column k0 of b.
                    var bWindow = transB ? b.AsSpan(j0 * ldb + k0) : b.AsSpan(k0 * ldb + j0);
                    Gemm.Run(GemmPaths.Best, false, transA, transB, m, n, k, a, lda, bWindow, ldb, 0f, alone, n);
                    var window = new float[m * n];
                    Gemm.SgemmPackedB(transA, m, n, k, a, lda, packedB, packedK, total, k0, j0, 0f, window, n);
                    Assert.True(alone.AsSpan().SequenceEqual(window), $"{m}x{n}, rows [{k0}, {k0 + k}) of {packedK}, columns from {j0}, transA={transA} transB={transB}");
                }
            }
        }
        // Windows whose slices are not the packed ones.
        Assert.False(Gemm.PackedBRowWindowFits(1024, 100, 512));
        Assert.False(Gemm.PackedBRowWindowFits(1024, 256, 300));
        Assert.False(Gemm.PackedBRowWindowFits(1024, 768, 512));
        Assert.False(Gemm.PackedBRowWindowFits(600, 0, 300));
        var refused = Assert.Throws<ArgumentException>(() => Gemm.SgemmPackedB(false, 2, nr, 300, new float[2 * 300], 300,
            new float[Gemm.PackedBFloats(1024, nr)], 1024, nr, 256, 0, 0f, new float[2 * nr], nr));
        Assert.Contains("rows [256, 556)", refused.Message);
    }

    [Fact]
    public void APackedBWindowMustStartOnAStripAndEndInside()
    {
        int nr = GemmPaths.Nr(GemmPaths.Best);
        var packedB = new float[Gemm.PackedBFloats(8, 3 * nr)];
        var a = new float[4 * 8];
        var c = new float[4 * 3 * nr];
        Assert.False(Gemm.PackedBWindowStartsAt(nr + 1));
        Assert.True(Gemm.PackedBWindowStartsAt(2 * nr));
        var offStrip = Assert.Throws<ArgumentException>(() => Gemm.SgemmPackedB(false, 4, nr, 8, a, 8, packedB, 8, 3 * nr, 0, 1, 0f, c, nr));
        Assert.Contains("not a window", offStrip.Message);
        Assert.Throws<ArgumentException>(() => Gemm.SgemmPackedB(false, 4, 2 * nr, 8, a, 8, packedB, 8, 3 * nr, 0, 2 * nr, 0f, c, 2 * nr));
        Assert.Throws<ArgumentException>(() => Gemm.SgemmPackedB(false, 4, nr, 8, a, 8, packedB.AsSpan(0, packedB.Length - 1), 8, 3 * nr, 0, nr, 0f, c, nr));
    }

    [Fact]
    public void PackedBRejectsShortBuffers()
    {
        var b = new float[64 * 40];
        Assert.Throws<ArgumentException>(() => Gemm.PackB(false, 64, 40, b, 40, new float[64 * 40]));
        var packedB = new float[Gemm.PackedBFloats(64, 40)];
        Gemm.PackB(false, 64, 40, b, 40, packedB);
        Assert.Throws<ArgumentException>(() => Gemm.SgemmPackedB(false, 3, 40, 64, new float[3 * 64], 64, packedB.AsSpan(1), 0f, new float[3 * 40], 40));
        Assert.Throws<ArgumentException>(() => Gemm.SgemmPackedB(false, 3, 40, 64, new float[3 * 64 - 1], 64, packedB, 0f, new float[3 * 40], 40));
    }

    /// <summary>op(A) (m x k) and op(B) (k x n) stored with padded strides, and a random m x n C to start from.</summary>
    private static (float[] A, int Lda, float[] B, int Ldb, float[] C) RandomProduct(bool transA, bool transB, int m, int n, int k, Random rng)
    {
        var (a, lda) = RandomMatrix(transA ? k : m, transA ? m : k, 1, rng);
        var (b, ldb) = RandomMatrix(transB ? n : k, transB ? k : n, 2, rng);
        var c = new float[m * n];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = rng.NextSingle() - 0.5f;
        }
        return (a, lda, b, ldb, c);
    }

    /// <summary>Runs one product with padded strides and compares the logical part with the oracle, padding untouched.</summary>
    private static void Check(GemmPath path, bool allowDirect, bool transA, bool transB, int m, int n, int k,
        float beta, int pad, Random rng)
    {
        var (a, lda) = RandomMatrix(transA ? k : m, transA ? m : k, pad, rng);
        var (b, ldb) = RandomMatrix(transB ? n : k, transB ? k : n, pad + 1, rng);
        int ldc = n + pad;
        var c = new float[m * ldc];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = beta == 0f ? float.NaN : rng.NextSingle() * 2f - 1f;
        }
        // Padding columns of C carry a sentinel that must survive.
        for (int i = 0; i < m; i++)
        {
            for (int j = n; j < ldc; j++)
            {
                c[i * ldc + j] = 12345f;
            }
        }
        var expected = (float[])c.Clone();
        GemmReference.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, expected, ldc);

        // Tolerance relative to the magnitude of the summed terms, growing like sqrt(k).
        var absA = Array.ConvertAll(a, MathF.Abs);
        var absB = Array.ConvertAll(b, MathF.Abs);
        var scale = new float[c.Length];
        GemmReference.Sgemm(transA, transB, m, n, k, absA, lda, absB, ldb, 0f, scale, ldc);

        Gemm.Run(path, allowDirect, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                int at = i * ldc + j;
                if (j >= n)
                {
                    Assert.True(c[at] == 12345f, $"padding C[{i},{j}] overwritten ({path} {transA}/{transB} {m}x{n}x{k})");
                    continue;
                }
                float prior = beta == 0f ? 0f : MathF.Abs(expected[at] - 0f);
                float tol = 1e-5f * MathF.Sqrt(k) * (scale[at] + prior) + 1e-6f;
                float err = MathF.Abs(c[at] - expected[at]);
                Assert.True(err <= tol,
                    $"C[{i},{j}] = {c[at]}, expected {expected[at]} (err {err}, tol {tol}) for {path} " +
                    $"transA={transA} transB={transB} m={m} n={n} k={k} beta={beta} pad={pad}");
            }
        }
    }

    private static (float[] Data, int Ld) RandomMatrix(int rows, int cols, int pad, Random rng)
    {
        int ld = cols + pad;
        var data = new float[Math.Max(0, (rows - 1) * ld + cols)];
        for (int i = 0; i < data.Length; i++)
        {
            // Values in padding are garbage the kernel must never use; NaN would poison any result that read them.
            data[i] = i % ld < cols ? rng.NextSingle() * 2f - 1f : float.NaN;
        }
        return (data, ld);
    }
}
