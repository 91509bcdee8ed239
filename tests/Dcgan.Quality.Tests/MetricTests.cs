// KID, precision/recall and the memorisation check: small cases worked by hand, numpy (float64, direct differences) on
// random sets, and the cases each metric must tell apart on a mixture of Gaussian clusters: real against real (KID 0
// within its error, precision and recall high), against noise (KID large, precision 0) and against one cluster only
// (precision high, recall low).
using Dcgan.Kernels;

namespace Dcgan.Quality.Tests;

public sealed class MetricTests
{
    private const int D = 16;

    /// <summary>n vectors from a mixture of 10 unit-variance Gaussians in 16-d whose centres lie 6 apart per axis; only <paramref name="cluster"/> when given.</summary>
    private static float[] Mixture(int n, int seed, int? cluster = null)
    {
        var centres = new Random(7);
        var centre = new float[10 * D];
        for (int i = 0; i < centre.Length; i++)
        {
            centre[i] = (float)(centres.NextDouble() * 12 - 6);
        }
        var rng = new Random(seed);
        var x = new float[n * D];
        for (int i = 0; i < n; i++)
        {
            int c = cluster ?? rng.Next(10);
            for (int j = 0; j < D; j++)
            {
                x[i * D + j] = centre[c * D + j] + Normal(rng);
            }
        }
        return x;
    }

    private static float Normal(Random rng) => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    [Fact]
    public void UnbiasedMmdOfAHandCase()
    {
        // d = 2, k(a, b) = (a.b / 2 + 1)^3. X: (1,0), (0,1): k(x1, x2) = 1, so the XX term is 2 / (2 * 1) = 1.
        // Y: (1,1), (-1,0): k = 0.5^3 = 0.125, YY term 0.125. XY: 3.375 + 0.125 + 3.375 + 1 = 7.875, / 4 = 1.96875.
        float[] x = [1, 0, 0, 1];
        float[] y = [1, 1, -1, 0];
        Assert.Equal(1 + 0.125 - 2 * 1.96875, KernelDistance.UnbiasedMmd2(x, 2, y, 2, 2), 1e-12);
        Assert.Equal(3.375, KernelDistance.Kernel(1, 2), 1e-15);
    }

    [Fact]
    public void KidSubsetsOfWholeSetsGiveTheirMmdAndNoSpread()
    {
        // Fewer than 4 vectors: every subset is the whole set, in some order, and the estimate cannot change.
        var x = Mixture(3, 1);
        var y = Mixture(3, 2);
        var (mean, std, m) = KernelDistance.Compute(x, 3, y, 3, D, new Rng(5), subsets: 4);
        Assert.Equal(3, m);
        Assert.Equal(KernelDistance.UnbiasedMmd2(x, 3, y, 3, D), mean, 1e-6 * Math.Abs(mean));
        Assert.Equal(0, std, 1e-6 * Math.Abs(mean));
    }

    [Theory]
    [InlineData(10, 10, 5)]
    [InlineData(2000, 10_000, 1000)]
    [InlineData(5000, 5000, 1000)]
    [InlineData(100, 3, 3)]
    [InlineData(379, 2000, 189)]
    public void KidSubsetsAreAtMostHalfTheSmallerSetAndAtMostAThousand(int nx, int ny, int expected) =>
        Assert.Equal(expected, KernelDistance.SubsetSize(nx, ny));

    [Fact]
    public void PrecisionAndRecallOfAHandCase()
    {
        // One dimension, k = 1. Real 0, 1, 3, 4: each ball has radius 1. Generated 0.5, 0.6, 3.5, 11: the first three
        // lie in a real ball, 11 does not (precision 3/4). Generated radii 0.1, 0.1, 2.9, 7.5: real 0 lies in none (0.5 and
        // 0.6 are too far for 0.1, 3.5 for 2.9), 1 lies in 3.5's, 3 and 4 too (recall 3/4).
        float[] real = [0, 1, 3, 4];
        float[] fake = [0.5f, 0.6f, 3.5f, 11];
        Assert.Equal([1f, 1f, 1f, 1f], PrecisionRecall.Radii(real, 4, 1, k: 1));
        var (precision, recall) = PrecisionRecall.Compute(real, 4, fake, 4, 1, k: 1);
        Assert.Equal(0.75, precision, 1e-12);
        Assert.Equal(0.75, recall, 1e-12);
        Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(real, 4, fake, 3, 1, k: 3));
    }

    [Fact]
    public void MemorisationOfAHandCase()
    {
        // Training 0, 1, 3, 7: nearest other at 1, 1, 2, 4, median 1.5. Samples 0.1, 5.4, 7 are 0.1, 1.6, 0 from their nearest:
        // two of three closer than 1.5. Held-out 2 (1 away) and training image 3 itself (its nearest other is 1, 2 away).
        float[] training = [0, 1, 3, 7];
        float[] samples = [0.1f, 5.4f, 7];
        float[] heldOut = [2, 3];
        var (report, distances, nearest) = MemorisationCheck.Measure(training, 4, heldOut, 2, [-1, 2], samples, 3, 1);
        Assert.Equal(1.5, report.TypicalDistance, 1e-6);
        Assert.Equal(4, report.TypicalFrom);
        Assert.Equal(2.0 / 3, report.SampleShare, 1e-12);
        Assert.Equal(0.5, report.HeldOutShare, 1e-12);
        Assert.Equal(1.5, report.HeldOutMedianDistance, 1e-6);
        Assert.Equal([0, 3, 3], nearest);
        Assert.Equal(0.1, distances[0], 1e-6);
        Assert.Equal(0, distances[2], 1e-6);
        // Without leaving it out, the training image finds itself at distance 0.
        var (withSelf, _, _) = MemorisationCheck.Measure(training, 4, heldOut, 2, [], samples, 3, 1);
        Assert.Equal(1.0, withSelf.HeldOutShare, 1e-12);
    }

    [SkippableFact]
    public void MetricsMatchNumpy()
    {
        Skip.IfNot(NumpyReference.Available, "/usr/bin/python3 with numpy is not installed");
        var x = Mixture(300, 11);
        var y = Mixture(250, 12);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = y[i] * 1.2f + 0.3f;
        }
        // Held out: 20 fresh vectors and 20 rows of x (left out of their own search).
        var fresh = Mixture(20, 13);
        var heldOut = new float[40 * D];
        fresh.CopyTo(heldOut, 0);
        var self = new int[40];
        for (int i = 0; i < 40; i++)
        {
            self[i] = i < 20 ? -1 : 7 * i;
            if (i >= 20)
            {
                x.AsSpan(self[i] * D, D).CopyTo(heldOut.AsSpan(i * D, D));
            }
        }
        var expected = NumpyReference.Compute(x, y, heldOut, self, D, PrecisionRecall.DefaultK);

        double mmd = KernelDistance.UnbiasedMmd2(x, 300, y, 250, D);
        Assert.Equal(expected.GetProperty("mmd2").GetDouble(), mmd, 1e-5 * Math.Abs(mmd));

        // A vector exactly on a ball's edge could fall either way between float32 and float64: allow one.
        var (precision, recall) = PrecisionRecall.Compute(x, 300, y, 250, D);
        Assert.Equal(expected.GetProperty("precision").GetDouble(), precision, 1.0 / 250 + 1e-12);
        Assert.Equal(expected.GetProperty("recall").GetDouble(), recall, 1.0 / 300 + 1e-12);
        Assert.InRange(precision, 0.05, 0.95);
        Assert.InRange(recall, 0.05, 0.95);

        var (report, distances, nearest) = MemorisationCheck.Measure(x, 300, heldOut, 40, self, y, 250, D);
        Assert.Equal(expected.GetProperty("typical").GetDouble(), report.TypicalDistance, 1e-4);
        Assert.Equal(expected.GetProperty("sample_share").GetDouble(), report.SampleShare, 1.0 / 250 + 1e-12);
        Assert.Equal(expected.GetProperty("held_out_share").GetDouble(), report.HeldOutShare, 1.0 / 40 + 1e-12);
        var numpyNearest = expected.GetProperty("sample_nearest").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var numpyDistance = expected.GetProperty("sample_distance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int i = 0; i < 250; i++)
        {
            Assert.Equal(numpyDistance[i], distances[i], 1e-3);
        }
        Assert.True(numpyNearest.Zip(nearest).Count(p => p.First == p.Second) >= 248, "nearest training rows differ from numpy's");
        var heldOutDistance = expected.GetProperty("held_out_distance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(MemorisationCheck.Median(heldOutDistance.Select(v => (float)v).ToArray()), report.HeldOutMedianDistance, 1e-3);
    }

    [Fact]
    public void NearestNeighboursMatchABruteForceSearchAcrossBlocks()
    {
        // 2,100 references: more columns than one block of rows holds at once, so queries span several GEMM blocks.
        var queries = Mixture(2500, 21);
        var reference = Mixture(2100, 22);
        var (distances, nearest) = FeatureDistances.Nearest(queries, 2500, reference, 2100, D, 3);
        for (int q = 0; q < 2500; q += 97)
        {
            var exact = Enumerable.Range(0, 2100).Select(j => (Distance: Math.Sqrt(Enumerable.Range(0, D).Sum(t =>
                Math.Pow(queries[q * D + t] - reference[j * D + t], 2))), Index: j)).OrderBy(p => p.Distance).Take(3).ToArray();
            Assert.Equal(exact[0].Index, nearest[q]);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(exact[i].Distance, distances[q * 3 + i], 1e-3);
            }
        }
    }

    [Fact]
    public void RealAgainstRealIsKidZeroWithinItsErrorAndHighPrecisionAndRecall()
    {
        var real = Mixture(2000, 31);
        var other = Mixture(2000, 32);
        var (kid, std, m) = KernelDistance.Compute(other, 2000, real, 2000, D, new Rng(1));
        Assert.Equal(1000, m);
        Assert.True(std > 0);
        Assert.True(Math.Abs(kid) < 2 * std, $"KID {kid} ± {std}");
        var (precision, recall) = PrecisionRecall.Compute(real, 2000, other, 2000, D);
        Assert.True(precision > 0.75 && recall > 0.75, $"precision {precision}, recall {recall}");
        var (memorised, _, _) = MemorisationCheck.Measure(real, 2000, Mixture(500, 33), 500, [], other, 2000, D);
        Assert.InRange(memorised.SampleShare, 0.4, 0.6);
        Assert.InRange(memorised.HeldOutShare, 0.4, 0.6);
    }

    [Fact]
    public void RealAgainstNoiseIsKidLargeAndPrecisionZero()
    {
        var real = Mixture(1000, 41);
        var rng = new Random(42);
        var noise = new float[1000 * D];
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)(rng.NextDouble() * 40 - 20);
        }
        var (kid, std, _) = KernelDistance.Compute(noise, 1000, real, 1000, D, new Rng(1));
        var (sameKid, _, _) = KernelDistance.Compute(Mixture(1000, 43), 1000, real, 1000, D, new Rng(1));
        Assert.True(kid > 5 * std && kid > 100 * Math.Abs(sameKid), $"noise KID {kid} ± {std}, real KID {sameKid}");
        var (precision, _) = PrecisionRecall.Compute(real, 1000, noise, 1000, D);
        Assert.True(precision < 0.02, $"precision {precision}");
    }

    [Fact]
    public void OneClusterOnlyHasHighPrecisionAndLowRecall()
    {
        var real = Mixture(1000, 51);
        var oneClass = Mixture(1000, 52, cluster: 3);
        var (precision, recall) = PrecisionRecall.Compute(real, 1000, oneClass, 1000, D);
        Assert.True(precision > 0.75, $"precision {precision}");
        Assert.True(recall < 0.2, $"recall {recall}");
    }

    [Fact]
    public void CopiesAreFoundByTheMemorisationCheck()
    {
        var training = Mixture(1000, 61);
        // Half the samples are training vectors, slightly perturbed; half are new.
        var samples = Mixture(400, 62);
        for (int i = 0; i < 200; i++)
        {
            for (int j = 0; j < D; j++)
            {
                samples[i * D + j] = training[(5 * i) * D + j] + 0.01f;
            }
        }
        var (report, _, nearest) = MemorisationCheck.Measure(training, 1000, Mixture(300, 63), 300, [], samples, 400, D);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => 5 * i), nearest.Take(200));
        Assert.InRange(report.SampleShare, 0.7, 0.8);
        Assert.InRange(report.HeldOutShare, 0.4, 0.6);
    }

    [Fact]
    public void EvenSpreadCoversTheSetInOrder()
    {
        Assert.Equal([0, 2, 5, 7], EvenSpread.Indices(10, 4));
        Assert.Equal([0, 1, 2], EvenSpread.Indices(3, 10));
        Assert.Empty(EvenSpread.Indices(0, 5));
        Assert.Equal([3f, 4f, 7f, 8f], EvenSpread.Rows([1, 2, 3, 4, 5, 6, 7, 8], 2, [1, 3]));
    }
}
