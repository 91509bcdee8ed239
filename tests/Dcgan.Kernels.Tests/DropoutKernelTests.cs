// Tests of the counter-based dropout kernel (DropoutKernel.cs) against its scalar reference: awkward lengths,
// chunk boundaries, 1 vs 2 threads, and the keep rate it draws.
namespace Dcgan.Kernels.Tests;

[Collection(WorkersCollection.Name)]
public class DropoutKernelTests
{
    internal static void Check(int n, float rate, ulong key)
    {
        var rng = new Random(n);
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        float[] mask = new float[n], y = new float[n], maskRef = new float[n], yRef = new float[n];
        DropoutKernel.Forward(key, rate, x, mask, y);
        DropoutKernel.ForwardReference(key, rate, x, maskRef, yRef);
        Assert.Equal(maskRef, mask);
        Assert.Equal(yRef, y);
    }

    [Fact]
    public void MatchesReferenceOnAwkwardLengths()
    {
        for (int n = 0; n <= 67; n++)
        {
            Check(n, 0.3f, (ulong)n * 977);
        }
        // Across the element-wise driver's task chunks and odd tails.
        Check(ElementWise.ChunkLength - 1, 0.3f, 5);
        Check(ElementWise.ChunkLength + 17, 0.5f, 6);
        Check(3 * ElementWise.ChunkLength + 33, 0.1f, 7);
        Check(1000, 0f, 8);
    }

    [Fact]
    public void BackwardDrawsTheForwardsMaskAgain()
    {
        int saved = Workers.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Workers.Threads = threads;
                foreach (int n in new[] { 0, 1, 17, 67, ElementWise.ChunkLength + 17, 3 * ElementWise.ChunkLength + 33 })
                {
                    var rng = new Random(n);
                    float[] x = new float[n], dy = new float[n];
                    for (int i = 0; i < n; i++)
                    {
                        x[i] = (float)(rng.NextDouble() * 2 - 1);
                        dy[i] = (float)(rng.NextDouble() * 2 - 1);
                    }
                    float[] mask = new float[n], y = new float[n], yWithoutMask = new float[n], dx = new float[n];
                    DropoutKernel.ForwardReference(99, 0.3f, x, mask, y);
                    DropoutKernel.Forward(99, 0.3f, x, default, yWithoutMask);
                    Assert.Equal(y, yWithoutMask);
                    DropoutKernel.Backward(99, 0.3f, dy, dx);
                    float[] expected = dy.Select((d, i) => d * mask[i]).ToArray();
                    Assert.Equal(expected, dx);
                    // In place, as when a layer hands its output gradient on.
                    DropoutKernel.Backward(99, 0.3f, dy, dy);
                    Assert.Equal(expected, dy);
                }
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Fact]
    public void OneAndTwoThreadsGiveBitIdenticalMasks()
    {
        int saved = Workers.Threads;
        try
        {
            int n = 256 * 14 * 14 * 64 / 16 + 5;
            float[] x = Enumerable.Range(0, n).Select(i => (float)Math.Sin(i)).ToArray();
            float[][] masks = new float[2][];
            for (int threads = 1; threads <= 2; threads++)
            {
                Workers.Threads = threads;
                masks[threads - 1] = new float[n];
                DropoutKernel.Forward(42, 0.3f, x, masks[threads - 1], new float[n]);
            }
            Assert.Equal(masks[0], masks[1]);
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Fact]
    public void KeepsAboutOneMinusRateAndScalesSurvivors()
    {
        int n = 1 << 20;
        float[] x = new float[n];
        Array.Fill(x, 1f);
        float[] mask = new float[n], y = new float[n];
        DropoutKernel.Forward(123, 0.3f, x, mask, y);
        int kept = mask.Count(m => m != 0f);
        Assert.InRange(kept / (double)n, 0.7 - 0.003, 0.7 + 0.003);
        Assert.All(mask, m => Assert.True(m == 0f || m == 1f / 0.7f));
        // Different keys give unrelated masks.
        float[] other = new float[n];
        DropoutKernel.Forward(124, 0.3f, x, other, new float[n]);
        int same = 0;
        for (int i = 0; i < n; i++)
        {
            same += (mask[i] != 0f) == (other[i] != 0f) ? 1 : 0;
        }
        Assert.InRange(same / (double)n, 0.58 - 0.005, 0.58 + 0.005);
    }
}

/// <summary>
/// The Vector256 body, which machines without AVX-512 run: AVX2 has no 64-bit multiply, so the hash multiplies in 32-bit
/// halves there, and must still give the reference's masks bit for bit.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public class DropoutKernelVector256Tests
{
    [SkippableFact]
    public void MatchesReferenceOnVector256()
    {
        Skip.IfNot(ElementWise.Widest >= VectorWidth.Vector256, "this machine runs no Vector256");
        var saved = ElementWise.Width;
        try
        {
            ElementWise.Width = VectorWidth.Vector256;
            // Keys whose high halves are set, so every part of the 64-bit products counts.
            foreach (ulong key in new[] { 0UL, 5UL, 0xFEDCBA9876543210UL, ulong.MaxValue })
            {
                foreach (int n in new[] { 1, 8, 67, ElementWise.ChunkLength + 17 })
                {
                    DropoutKernelTests.Check(n, 0.3f, key);
                }
            }
        }
        finally
        {
            ElementWise.Width = saved;
        }
    }
}
