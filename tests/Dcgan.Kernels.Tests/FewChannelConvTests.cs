// Tests of the direct few-channel convolution (FewChannelConv.cs) against the im2col + GEMM products it stands in for:
// the same bits for the forward (with and without bias) and for the kernel gradient, across geometries, filter counts
// (whole register blocks and their remainders), batches that span two im2col chunks, and thread counts (the kernel
// gradient's filter blocks narrow as threads outnumber its tasks).
namespace Dcgan.Kernels.Tests;

[Collection(WorkersCollection.Name)]
public class FewChannelConvTests
{
    private static float[] Values(long n, int seed, bool zeros = false)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (long i = 0; i < n; i++)
        {
            // Some exact zeros too, as images have (black pixels), so padding is not the only zero a chain meets.
            x[i] = zeros && rng.Next(5) == 0 ? 0f : (float)(rng.NextDouble() * 2 - 1);
        }
        return x;
    }

    private static (float[] Y, float[] Grad) Reference(in ConvGeometry g, int images, float[] x, float[] w, float[]? bias, int f, float[] dy, float[] grad0)
    {
        int inSize = g.InH * g.InW * g.InC, outSize = g.OutPixels * f, patch = g.PatchSize, chunk = g.ImagesPerChunk;
        float[] y = new float[images * outSize], grad = (float[])grad0.Clone();
        for (int n0 = 0; n0 < images; n0 += chunk)
        {
            int cn = Math.Min(chunk, images - n0), rows = cn * g.OutPixels;
            float[] cols = new float[rows * patch];
            Im2Col.Gather(g, cn, x.AsSpan(n0 * inSize, cn * inSize), cols);
            Gemm.Sgemm(false, false, rows, f, patch, cols, patch, w, f, 0f, y.AsSpan(n0 * outSize, cn * outSize), f);
            Gemm.Sgemm(true, false, patch, f, rows, cols, patch, dy.AsSpan(n0 * outSize, cn * outSize), f, 1f, grad, f);
        }
        if (bias is not null)
        {
            VectorMath.AddRowVector(y, bias);
        }
        return (y, grad);
    }

    public static TheoryData<int, int, int, int, int, int, bool, int> Cases() => new()
    {
        // inH, inW, inC, kernel, stride, filters, same, images
        { 28, 28, 1, 5, 2, 64, true, 3 },      // the tutorial discriminator's first layer
        { 28, 28, 1, 5, 2, 64, true, 430 },    // two im2col chunks (428 images each)
        { 28, 28, 1, 5, 2, 16, true, 2 },      // narrower than a register block
        { 28, 28, 1, 5, 2, 80, true, 2 },      // a block and a remainder
        { 16, 16, 3, 4, 2, 64, true, 2 },      // the DCGAN paper's first layer on colour images
        { 13, 11, 3, 4, 2, 32, true, 3 },      // odd sizes: uneven padding
        { 12, 9, 2, 3, 1, 48, false, 2 },      // 'valid', stride 1
        { 7, 7, 4, 5, 1, 128, true, 2 },       // four channels, two blocks
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivesTheBitsOfTheIm2ColProducts(int inH, int inW, int inC, int kernel, int stride, int filters, bool same, int images)
        => Check(inH, inW, inC, kernel, stride, filters, same, images);

    internal static void Check(int inH, int inW, int inC, int kernel, int stride, int filters, bool same, int images)
    {
        var g = ConvGeometry.ForConv(inH, inW, inC, kernel, kernel, stride, same);
        Assert.True(FewChannelConv.Supports(g, filters), "this machine takes the direct path for the case");
        float[] x = Values((long)images * inH * inW * inC, 1, zeros: true), w = Values(g.PatchSize * filters, 2), bias = Values(filters, 3);
        float[] dy = Values((long)images * g.OutPixels * filters, 4), grad0 = Values(g.PatchSize * filters, 5);
        var (expectedY, expectedGrad) = Reference(g, images, x, w, bias, filters, dy, grad0);
        var (expectedNoBias, _) = Reference(g, images, x, w, null, filters, dy, grad0);
        int saved = Workers.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3, 4, 8, 16 })
            {
                Workers.Threads = threads;
                float[] padded = new float[FewChannelConv.PaddedFloats(g, images)];
                float[] y = new float[expectedY.Length], noBias = new float[expectedY.Length], grad = (float[])grad0.Clone();
                FewChannelConv.Pad(g, images, x, padded);
                FewChannelConv.Forward(g, images, padded, w, bias, filters, y);
                FewChannelConv.Forward(g, images, padded, w, default, filters, noBias);
                FewChannelConv.AccumulateKernelGradient(g, images, padded, dy, filters, grad);
                Assert.True(expectedY.AsSpan().SequenceEqual(y), $"forward with bias, {threads} threads");
                Assert.True(expectedNoBias.AsSpan().SequenceEqual(noBias), $"forward without bias, {threads} threads");
                Assert.True(expectedGrad.AsSpan().SequenceEqual(grad), $"kernel gradient, {threads} threads");
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    private sealed class Calls : IWorkRecorder
    {
        public readonly List<int> Tasks = [];

        void IWorkRecorder.Ran(ReadOnlySpan<long> taskTicks) => Tasks.Add(taskTicks.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    public void KernelGradientTasksAreSlicesInWavesWhateverTheThreads(int threads)
    {
        // The tutorial discriminator's first layer at 256 images: 196 slices of 256 rows, each slot 25 taps x 64 filters,
        // in 4 waves of 49 slices (the slots of a wave at most 400 KB), each followed by 25 tasks adding 64 elements each.
        var g = ConvGeometry.ForConv(28, 28, 1, 5, 5, 2, true);
        float[] padded = new float[FewChannelConv.PaddedFloats(g, 256)], dy = new float[256 * g.OutPixels * 64], grad = new float[g.PatchSize * 64];
        int saved = Workers.Threads;
        var recorded = new Calls();
        try
        {
            Workers.Threads = threads;
            Workers.Recorder = recorded;
            FewChannelConv.AccumulateKernelGradient(g, 256, padded, dy, 64, grad);
        }
        finally
        {
            Workers.Recorder = null;
            Workers.Threads = saved;
        }
        Assert.Equal([49, 25, 49, 25, 49, 25, 49, 25], recorded.Tasks);
    }

    [Fact]
    public void RefusesWhatItDoesNotTake()
    {
        var wide = ConvGeometry.ForConv(8, 8, 5, 3, 3, 1, true);
        Assert.False(FewChannelConv.Supports(wide, 64));
        var g = ConvGeometry.ForConv(8, 8, 1, 3, 3, 1, true);
        Assert.False(FewChannelConv.Supports(g, 12));
        var ex = Assert.Throws<ArgumentException>(() => FewChannelConv.Forward(g, 2, new float[1], new float[9 * 64], default, 64,
            new float[2 * 64 * 64]));
        Assert.Contains("too small", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => FewChannelConv.Pad(g, 2, new float[128], new float[1]));
        Assert.Contains("too small", ex.Message);
    }
}

/// <summary>The same cases on the Vector256 loops, which machines without AVX-512 run.</summary>
[Collection(VectorWidthCollection.Name)]
public class FewChannelConvVector256Tests
{
    [SkippableTheory]
    [MemberData(nameof(FewChannelConvTests.Cases), MemberType = typeof(FewChannelConvTests))]
    public void GivesTheBitsOfTheIm2ColProductsOnVector256(int inH, int inW, int inC, int kernel, int stride, int filters, bool same, int images)
    {
        Skip.IfNot(ElementWise.Widest >= VectorWidth.Vector256, "this machine runs no Vector256");
        var saved = ElementWise.Width;
        try
        {
            ElementWise.Width = VectorWidth.Vector256;
            FewChannelConvTests.Check(inH, inW, inC, kernel, stride, filters, same, images);
        }
        finally
        {
            ElementWise.Width = saved;
        }
    }
}
