// Winograd F(4x4, 5x5), and F(4, 3) or F(7, 3) in each direction for 3x3 kernels: the whole forward against a double-precision correlation on the seed layers'
// shapes and on awkward ones (partial tiles, channel counts that are not a multiple of 16), each backward transform as the
// exact adjoint of its forward, and results that do not depend on the thread count. Polyphase: its maps and adjoints.
namespace Dcgan.Kernels.Tests;

using Dcgan.Kernels;

[Collection(WorkersCollection.Name)]
public class WinogradTests
{
    private static float[] Random(int length, ulong seed, float scale = 1f)
    {
        var values = new float[length];
        new Rng(seed).FillUniform(values, -scale, scale);
        return values;
    }

    /// <summary>Random values in the 64 planes of a transformed array, zero in the padding between planes.</summary>
    private static float[] RandomPlanes(int points, int plane, int used, ulong seed)
    {
        float[] values = Random(points * plane, seed);
        for (int xi = 0; xi < points; xi++)
        {
            values.AsSpan(xi * plane + used, plane - used).Clear();
        }
        return values;
    }

    /// <summary>y[n, p, q, o] = sum x[n, p + a - P, q + b - P, c] * w[a', b', o, c], (a', b') flipped or not, in double.</summary>
    private static double[] Reference(WinogradShape s, int images, float[] x, float[] w, bool flip)
    {
        var y = new double[images * s.Height * s.Width * s.OutC];
        for (int n = 0; n < images; n++)
        for (int p = 0; p < s.Height; p++)
        for (int q = 0; q < s.Width; q++)
        for (int o = 0; o < s.OutC; o++)
        {
            double sum = 0;
            int r = s.KernelSize;
            for (int a = 0; a < r; a++)
            for (int b = 0; b < r; b++)
            {
                int h = p + a - s.Pad, v = q + b - s.Pad;
                if ((uint)h >= (uint)s.Height || (uint)v >= (uint)s.Width)
                {
                    continue;
                }
                int tap = flip ? (r - 1 - a) * r + (r - 1 - b) : a * r + b;
                for (int c = 0; c < s.InC; c++)
                {
                    sum += (double)x[((n * s.Height + h) * s.Width + v) * s.InC + c] * w[(tap * s.OutC + o) * s.InC + c];
                }
            }
            y[((n * s.Height + p) * s.Width + q) * s.OutC + o] = sum;
        }
        return y;
    }

    /// <summary>A shape with output tiles of tile / 10 rows and tile % 10 columns.</summary>
    private static WinogradShape Shape(int h, int w, int ic, int oc, int r, int tile)
        => new(h, w, ic, oc, r) { OutputRows = tile / 10, OutputCols = tile % 10 };

    private static float[] Forward(WinogradShape s, int images, float[] x, float[] w, bool flip)
    {
        var u = new float[s.KernelFloats];
        var v = new float[s.InputFloats(images)];
        var m = new float[s.ProductFloats(images)];
        var y = new float[images * s.Height * s.Width * s.OutC];
        Winograd.TransformKernel(s, w, flip, u);
        Winograd.TransformInput(s, images, x, v);
        Winograd.Multiply(s, images, v, Packed(s, u, forInputGradient: false), m);
        Winograd.TransformOutput(s, images, m, y);
        return y;
    }

    private static float[] Packed(WinogradShape s, float[] u, bool forInputGradient)
    {
        var packed = new float[s.PackedKernelFloats];
        Winograd.PackKernel(s, u, forInputGradient, packed);
        return packed;
    }

    // h, w, input and output channels, images, flipped, kernel size, output tile (rows and columns: 44, 74, 47 or 77).
    public static TheoryData<int, int, int, int, int, bool, int, int> Shapes() => new()
    {
        { 7, 7, 256, 128, 3, true, 5, 44 },   // the generator's first transposed convolution
        { 7, 7, 256, 128, 2, false, 5, 44 },
        { 5, 6, 19, 7, 2, true, 5, 44 },      // partial tiles on both axes, partial channel blocks
        { 1, 1, 3, 2, 1, false, 5, 44 },      // a single pixel: only the kernel's centre tap is inside
        { 9, 4, 16, 33, 2, true, 5, 44 },
        { 7, 7, 256, 128, 2, false, 3, 44 },  // the discriminator's second convolution over its input's phases
        { 7, 7, 128, 256, 2, false, 3, 44 },  // the generator's second transposed convolution, writing its output's phases
        { 5, 6, 19, 7, 2, true, 3, 44 },
        { 1, 2, 3, 2, 1, false, 3, 44 },
        { 7, 7, 256, 128, 2, false, 3, 74 }, // the same two layers with 7x4 tiles, two an image, as they run
        { 7, 7, 128, 256, 2, false, 3, 74 },
        { 7, 7, 256, 128, 2, false, 3, 47 },
        { 14, 14, 32, 16, 2, true, 3, 74 },  // whole tiles
        { 9, 12, 19, 7, 2, true, 3, 74 },    // partial tiles on both axes, partial channel blocks
        { 12, 9, 19, 7, 2, true, 3, 47 },
        { 1, 2, 3, 2, 1, false, 3, 74 },
        { 7, 7, 256, 128, 2, false, 3, 77 }, // F(7, 3) both ways: a 7x7 image in one tile
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesTheCorrelation(int h, int w, int ic, int oc, int images, bool flip, int r, int tile)
    {
        var s = Shape(h, w, ic, oc, r, tile);
        float[] x = Random(images * h * w * ic, 1);
        float[] k = Random(s.KernelTaps, 2, 0.05f);
        double[] expected = Reference(s, images, x, k, flip);
        float[] actual = Forward(s, images, x, k, flip);
        double scale = expected.Max(Math.Abs);
        double worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        // Winograd rounds more than the direct sum (about 1e-5 of the output's scale here, 3e-5 with F(7, 3) one way), but
        // never by this much; F(7, 3) both ways rounds about 1e-4.
        double bound = tile == 77 ? 5e-4 : 1e-4;
        Assert.True(worst <= bound * scale, $"worst error {worst:G3} against output scale {scale:G3}");
        // And it is not trivially close: a wrong kernel orientation gives errors of the output's own size.
        float[] wrong = Forward(s, images, x, k, !flip);
        if (h > 1)
        {
            Assert.True(expected.Select((e, i) => Math.Abs(e - wrong[i])).Max() > 0.1 * scale);
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return sum;
    }

    private static void AssertAdjoint(double forward, double adjoint, string what)
        => Assert.True(Math.Abs(forward - adjoint) <= 1e-5 * Math.Max(1, Math.Abs(forward)), $"{what}: <T x, y> = {forward}, <x, T* y> = {adjoint}");

    [Theory]
    [InlineData(7, 7, 32, 16, 5, 44)]
    [InlineData(5, 6, 19, 7, 5, 44)]
    [InlineData(7, 7, 32, 16, 3, 44)]
    [InlineData(5, 6, 19, 7, 3, 44)]
    [InlineData(7, 7, 32, 16, 3, 74)]
    [InlineData(9, 12, 19, 7, 3, 47)]
    [InlineData(9, 12, 19, 7, 3, 77)]
    public void BackwardTransformsAreTheAdjoints(int h, int w, int ic, int oc, int r, int tile)
    {
        var s = Shape(h, w, ic, oc, r, tile);
        int points = s.Points;
        const int images = 2;

        // Kernel: <G k G^T, du> = <k, G^T du G>, flipped or not.
        foreach (bool flip in new[] { false, true })
        {
            float[] k = Random(s.KernelTaps, 3), du = RandomPlanes(points, s.KernelPlane, oc * ic, 4);
            var u = new float[s.KernelFloats];
            Winograd.TransformKernel(s, k, flip, u);
            var dk = new float[k.Length];
            Winograd.AccumulateKernelGradient(s, du, flip, dk);
            AssertAdjoint(Dot(u, du), Dot(k, dk), $"kernel (flip {flip})");
            // It accumulates: a second call doubles the gradient.
            Winograd.AccumulateKernelGradient(s, du, flip, dk);
            AssertAdjoint(2 * Dot(u, du), Dot(k, dk), "kernel, accumulated twice");
        }

        // Input: <B^T d B, dv> = <x, sum of B dv B^T inside the image>.
        float[] x = Random(images * h * w * ic, 5), dv = RandomPlanes(points, s.InputPlane(images), images * s.TilesPerImage * ic, 6);
        var v = new float[dv.Length];
        Winograd.TransformInput(s, images, x, v);
        var dx = Random(x.Length, 7);   // garbage: the gradient overwrites it
        Winograd.InputGradient(s, images, dv, dx);
        AssertAdjoint(Dot(v, dv), Dot(x, dx), "input");

        // Output: <A^T m A cropped, dy> = <m, A dy A^T>.
        float[] m = RandomPlanes(points, s.ProductPlane(images), images * s.TilesPerImage * oc, 8), dy = Random(images * h * w * oc, 9);
        var y = new float[dy.Length];
        Winograd.TransformOutput(s, images, m, y);
        var dm = new float[m.Length];
        Winograd.OutputGradient(s, images, dy, dm);
        AssertAdjoint(Dot(y, dy), Dot(m, dm), "output");

        // Products: <v u^T, dm> = <u, dm^T v> = <v, dm u>, per point.
        float[] uu = RandomPlanes(points, s.KernelPlane, oc * ic, 10), vv = RandomPlanes(points, s.InputPlane(images), images * s.TilesPerImage * ic, 11);
        var mm = new float[s.ProductFloats(images)];
        Winograd.Multiply(s, images, vv, Packed(s, uu, forInputGradient: false), mm);
        var dU = RandomPlanes(points, s.KernelPlane, oc * ic, 12);   // overwritten (accumulate: false) except the padding
        var dV = (float[])vv.Clone();
        Winograd.MultiplyBackward(s, images, dm, Packed(s, uu, forInputGradient: true), dV, dU, weights: true, accumulate: false, input: true);
        AssertAdjoint(Dot(mm, dm), Dot(uu, dU), "products, weights");
        AssertAdjoint(Dot(mm, dm), Dot(vv, dV), "products, input");
    }

    [Theory]
    [InlineData(5, 44)]
    [InlineData(3, 44)]
    [InlineData(3, 74)]
    public void ResultsDoNotDependOnTheThreadCount(int r, int tile)
    {
        var s = Shape(7, 7, 64, 32, r, tile);
        float[] x = Random(5 * 49 * 64, 13), k = Random(s.KernelTaps, 14, 0.05f);
        int saved = Workers.Threads;
        try
        {
            Workers.Threads = 1;
            float[] one = Forward(s, 5, x, k, true);
            Workers.Threads = 2;
            float[] two = Forward(s, 5, x, k, true);
            Workers.Threads = 3;
            float[] three = Forward(s, 5, x, k, true);
            Assert.Equal(one, two);
            Assert.Equal(one, three);
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Theory]
    [InlineData(7, 7, 32, 16, 5, 44)]   // the generator's first layer: the last row and column of 2x2 tiles cropped
    [InlineData(5, 6, 19, 7, 5, 44)]    // partial tiles, partial channel blocks
    [InlineData(7, 7, 32, 16, 3, 74)]   // the stride-2 layers' 7x4 tiles: the second column cropped
    [InlineData(9, 12, 19, 7, 3, 47)]
    [InlineData(2, 3, 16, 16, 5, 44)]   // one tile: a cropped row and column of tiles that are the only ones
    [InlineData(8, 8, 16, 16, 5, 44)]   // nothing cropped
    public void ProductsThatReachOnlyCroppedOutputsAreSkippedWithTheSameImagesAndGradients(int h, int w, int ic, int oc, int r, int tile)
    {
        var s = Shape(h, w, ic, oc, r, tile);
        const int images = 3;
        float[] x = Random(images * h * w * ic, 40), k = Random(s.KernelTaps, 41, 0.05f), u = new float[s.KernelFloats];
        Winograd.TransformKernel(s, k, flip: false, u);
        float[] uf = Packed(s, u, forInputGradient: false), ub = Packed(s, u, forInputGradient: true);
        var v = new float[s.InputFloats(images)];
        Winograd.TransformInput(s, images, x, v);

        // Forward: garbage in both product arrays; the skipped rows come out as zeros and the image is the same.
        float[] mAll = Random(s.ProductFloats(images), 42), mSkip = (float[])mAll.Clone();
        Winograd.Multiply(s, images, v, uf, mAll);
        Winograd.Multiply(s, images, v, uf, mSkip, skipCropped: true);
        float[] yAll = new float[images * h * w * oc], ySkip = new float[yAll.Length];
        Winograd.TransformOutput(s, images, mAll, yAll);
        Winograd.TransformOutput(s, images, mSkip, ySkip);
        Assert.Equal(yAll, ySkip);
        int skipped = mAll.Where((value, i) => value != 0f && mSkip[i] == 0f).Count();
        bool cropped = s.LastTileRowCropped || s.LastTileColCropped;
        Assert.Equal(cropped, skipped > 0);
        if (cropped)
        {
            // A whole point's rows of some tiles: at least one tile's channels for one point per image.
            Assert.True(skipped >= images * oc, $"{skipped} products skipped");
        }

        // Backward from a real output gradient: zero where skipped, so the input's gradient is the same bit for bit and the
        // kernel's up to the order of its sums.
        float[] dy = Random(images * h * w * oc, 43), dm = new float[s.ProductFloats(images)];
        Winograd.OutputGradient(s, images, dy, dm);
        float[] dvAll = (float[])v.Clone(), dvSkip = (float[])v.Clone();
        // The same garbage in both: the planes' padding is never written.
        float[] duAll = Random(s.KernelFloats, 44), duSkip = (float[])duAll.Clone();
        Winograd.MultiplyBackward(s, images, dm, ub, dvAll, duAll, weights: true, accumulate: false, input: true);
        Winograd.MultiplyBackward(s, images, dm, ub, dvSkip, duSkip, weights: true, accumulate: false, input: true, skipCropped: true);
        Assert.Equal(dvAll, dvSkip);
        float[] dxAll = new float[x.Length], dxSkip = new float[x.Length];
        Winograd.InputGradient(s, images, dvAll, dxAll);
        Winograd.InputGradient(s, images, dvSkip, dxSkip);
        Assert.Equal(dxAll, dxSkip);
        // A second group accumulates.
        Winograd.MultiplyBackward(s, images, dm, ub, v, duAll, weights: true, accumulate: true, input: false);
        Winograd.MultiplyBackward(s, images, dm, ub, v, duSkip, weights: true, accumulate: true, input: false, skipCropped: true);
        double scale = duAll.Max(Math.Abs);
        double worst = duAll.Select((value, i) => Math.Abs(value - duSkip[i])).Max();
        Assert.True(worst <= 1e-6 * scale, $"kernel gradient differs by {worst:G3} against {scale:G3}");
        Assert.True(scale > 0);
    }

    [Fact]
    public void AnImageAloneEqualsTheSameImageInABatch()
    {
        var s = new WinogradShape(7, 7, 256, 128);
        float[] x = Random(6 * 49 * 256, 15), k = Random(25 * 128 * 256, 16, 0.02f);
        float[] batch = Forward(s, 6, x, k, true);
        int size = 49 * 128;
        for (int i = 0; i < 6; i++)
        {
            float[] alone = Forward(s, 1, x.AsSpan(i * 49 * 256, 49 * 256).ToArray(), k, true);
            Assert.Equal(batch.AsSpan(i * size, size).ToArray(), alone);
        }
    }

    [Fact]
    public void SpaceToDepthIsAPermutationAndDepthToSpaceItsInverse()
    {
        const int images = 2, h = 3, w = 2, c = 5;
        float[] x = Random(images * 4 * h * w * c, 17);
        var depth = new float[x.Length];
        Polyphase.SpaceToDepth(images, h, w, c, x, depth);
        // Pixel (row 3, column 2) of image 1 is phase (1, 0) of depth pixel (1, 1).
        Assert.Equal(x.AsSpan(((1 * 6 + 3) * 4 + 2) * c, c).ToArray(), depth.AsSpan(((1 * 3 + 1) * 2 + 1) * 4 * c + 2 * c, c).ToArray());
        var back = new float[x.Length];
        Polyphase.DepthToSpace(images, h, w, c, depth, back);
        Assert.Equal(x, back);
    }

    [Fact]
    public void PolyphaseKernelsPlaceEveryTapOnceAndTheirGradientsAreTheAdjoints()
    {
        const int c = 3, o = 4;
        float[] w = Random(25 * c * o, 18), dk = Random(36 * c * o, 19);
        foreach (bool transposed in new[] { false, true })
        {
            var k = new float[36 * c * o];
            var dw = new float[w.Length];
            if (transposed)
            {
                Polyphase.TransposeKernel(c, o, w, k);
                Polyphase.TransposeKernelGradient(c, o, dk, dw);
            }
            else
            {
                Polyphase.ConvKernel(c, o, w, k);
                Polyphase.ConvKernelGradient(c, o, dk, dw);
            }
            // 25 of the 36 phase taps are the kernel's, each once; 11 are zero.
            Assert.Equal(w.Select(v => (double)v).Order(), k.Where(v => v != 0).Select(v => (double)v).Order());
            Assert.Equal(11 * c * o, k.Count(v => v == 0));
            AssertAdjoint(Dot(k, dk), Dot(w, dw), transposed ? "transposed kernel" : "kernel");
        }
    }

    /// <summary>
    /// The stride-2 layers' phases whose 3x3 kernel has a tap in the 5x5 kernel's padding are zero at the transform points
    /// that read that tap alone (point 0 for a convolution's first tap, infinity for a transposed one's last): F(4, 3) has
    /// both points, F(7, 3) only infinity. Skipping those quarters of the products changes no product, no input gradient
    /// and no kernel gradient, bit for bit.
    /// </summary>
    [Theory]
    [InlineData(false, 74, 9)]
    [InlineData(true, 74, 14)]
    [InlineData(false, 44, 11)]
    [InlineData(true, 44, 11)]
    [InlineData(false, 47, 9)]
    [InlineData(true, 77, 17)]
    public void ProductsSkipThePhasesZeroAtAPointWithTheSameResults(bool transposed, int tile, int pointsWithZeros)
    {
        // 32 channels a phase: a quarter of the stacked channels is a whole number of the GEMM's column strips.
        const int c = 32, o = 32, h = 7, w = 6, images = 3;
        var s = transposed ? Shape(h, w, c, 4 * o, 3, tile) : Shape(h, w, 4 * c, o, 3, tile);
        var stacked = transposed ? PhaseStack.Output : PhaseStack.Input;
        var zero = new byte[s.Points];
        Winograd.FindZeroQuarters(s, stacked, zero);
        Assert.Equal(pointsWithZeros, zero.Count(b => b != 0));

        // The transformed kernel is exactly zero in every quarter flagged.
        float[] w5 = Random(25 * c * o, 30, 0.1f), k = new float[s.KernelTaps], u = new float[s.KernelFloats];
        if (transposed)
        {
            Polyphase.TransposeKernel(c, o, w5, k);
        }
        else
        {
            Polyphase.ConvKernel(c, o, w5, k);
        }
        Winograd.TransformKernel(s, k, flip: false, u);
        for (int xi = 0; xi < s.Points; xi++)
        {
            for (int q = 0; q < 4; q++)
            {
                bool flagged = (zero[xi] >> q & 1) != 0;
                Assert.Equal(flagged, Quarter(s, u, xi, q, transposed).All(v => v == 0f));
            }
        }

        float[] uf = Packed(s, u, forInputGradient: false), ub = Packed(s, u, forInputGradient: true);
        float[] v = RandomPlanes(s.Points, s.InputPlane(images), images * s.TilesPerImage * s.InC, 31);
        // Garbage in both: every product is written, the skipped ones as zeros.
        float[] mAll = Random(s.ProductFloats(images), 32), mSkip = (float[])mAll.Clone();
        Winograd.Multiply(s, images, v, uf, mAll);
        Winograd.Multiply(s, images, v, uf, mSkip, zero, stacked);
        Assert.Equal(mAll, mSkip);

        float[] dm = RandomPlanes(s.Points, s.ProductPlane(images), images * s.TilesPerImage * s.OutC, 33);
        float[] dvAll = (float[])v.Clone(), dvSkip = (float[])v.Clone();
        float[] duAll = Random(s.KernelFloats, 34), duSkip = Random(s.KernelFloats, 35);
        Winograd.MultiplyBackward(s, images, dm, ub, dvAll, duAll, weights: true, accumulate: false, input: true);
        Winograd.MultiplyBackward(s, images, dm, ub, dvSkip, duSkip, weights: true, accumulate: false, input: true, zero, stacked);
        Assert.Equal(dvAll, dvSkip);
        // A second group accumulates into the kernel gradient; the skipped quarters stay zero.
        Winograd.MultiplyBackward(s, images, dm, ub, v, duAll, weights: true, accumulate: true, input: false);
        Winograd.MultiplyBackward(s, images, dm, ub, v, duSkip, weights: true, accumulate: true, input: false, zero, stacked);
        for (int xi = 0; xi < s.Points; xi++)
        {
            for (int q = 0; q < 4; q++)
            {
                float[] all = Quarter(s, duAll, xi, q, transposed), skipped = Quarter(s, duSkip, xi, q, transposed);
                if ((zero[xi] >> q & 1) != 0)
                {
                    Assert.All(skipped, value => Assert.Equal(0f, value));
                }
                else
                {
                    Assert.Equal(all, skipped);
                }
            }
        }

        // What the skipped quarters would have held reaches only the padding taps, which the layer's gradient drops.
        float[] dwAll = LayerKernelGradient(s, duAll, c, o, transposed), dwSkip = LayerKernelGradient(s, duSkip, c, o, transposed);
        Assert.Equal(dwAll, dwSkip);
        Assert.Contains(dwAll, value => value != 0f);
    }

    /// <summary>Quarter q of the stacked channels of point xi of a [points][OutC][InC] array: columns of the convolution's, rows of the transposed one's.</summary>
    private static float[] Quarter(WinogradShape s, float[] planes, int xi, int q, bool transposed)
    {
        var values = new List<float>();
        for (int oc = 0; oc < s.OutC; oc++)
        {
            for (int ic = 0; ic < s.InC; ic++)
            {
                if ((transposed ? oc / (s.OutC / 4) : ic / (s.InC / 4)) == q)
                {
                    values.Add(planes[xi * s.KernelPlane + oc * s.InC + ic]);
                }
            }
        }
        return values.ToArray();
    }

    private static float[] LayerKernelGradient(WinogradShape s, float[] du, int c, int o, bool transposed)
    {
        var dk = new float[s.KernelTaps];
        Winograd.AccumulateKernelGradient(s, du, flip: false, dk);
        var dw = new float[25 * c * o];
        if (transposed)
        {
            Polyphase.TransposeKernelGradient(c, o, dk, dw);
        }
        else
        {
            Polyphase.ConvKernelGradient(c, o, dk, dw);
        }
        return dw;
    }

    [Theory]
    [InlineData(44)]
    [InlineData(74)]
    public void PhasesReadInPlaceEqualThePhaseStackedCopy(int tile)
    {
        // 64 phase-stacked channels (16 per phase): the transforms read and write the pixel phases where they are.
        var plain = Shape(3, 5, 64, 128, 3, tile);
        var phased = plain with { InputPhases = true, OutputPhases = true };
        Assert.True(WinogradShape.PhasesInPlace(64));
        Assert.False(WinogradShape.PhasesInPlace(4 * 3));
        const int images = 2;
        float[] space = Random(images * 15 * 64, 20), stacked = new float[space.Length];
        Polyphase.SpaceToDepth(images, 3, 5, 16, space, stacked);
        float[] v1 = new float[plain.InputFloats(images)], v2 = new float[plain.InputFloats(images)];
        Winograd.TransformInput(plain, images, stacked, v1);
        Winograd.TransformInput(phased, images, space, v2);
        Assert.Equal(v1, v2);

        float[] dx1 = new float[space.Length], dx2 = new float[space.Length], dxSpace = new float[space.Length];
        Winograd.InputGradient(plain, images, v1, dx1);
        Winograd.InputGradient(phased, images, v1, dx2);
        Polyphase.DepthToSpace(images, 3, 5, 16, dx1, dxSpace);
        Assert.Equal(dxSpace, dx2);

        float[] m = RandomPlanes(plain.Points, plain.ProductPlane(images), images * plain.TilesPerImage * 128, 21);
        float[] y1 = new float[images * 15 * 128], y2 = new float[y1.Length], ySpace = new float[y1.Length];
        Winograd.TransformOutput(plain, images, m, y1);
        Winograd.TransformOutput(phased, images, m, y2);
        Polyphase.DepthToSpace(images, 3, 5, 32, y1, ySpace);
        Assert.Equal(ySpace, y2);

        float[] dm1 = new float[m.Length], dm2 = new float[m.Length];
        Winograd.OutputGradient(plain, images, y1, dm1);
        Winograd.OutputGradient(phased, images, ySpace, dm2);
        Assert.Equal(dm1, dm2);
    }

    /// <summary>
    /// The input transform and the output gradient's transform stream their output past the caches when the array starts
    /// on a cache line (as the layers' buffers do) and store it normally otherwise; both must write the same values.
    /// </summary>
    [Theory]
    [InlineData(7, 7, 256, 5, 44)]
    [InlineData(7, 7, 64, 3, 44)]
    [InlineData(5, 6, 24, 3, 44)]
    [InlineData(7, 7, 64, 3, 74)]
    [InlineData(9, 12, 24, 3, 47)]
    public void StreamingAndPlainStoresWriteTheSameTransform(int h, int w, int ic, int r, int tile)
    {
        var s = Shape(h, w, ic, 16, r, tile);
        int images = 3;
        float[] x = Random(images * h * w * ic, 21), dy = Random(images * h * w * 16, 22);
        SameOnAndOffACacheLine(s.InputFloats(images), s.Points, s.InputPlane(images), images * s.TilesPerImage * ic, "input transform",
            v => Winograd.TransformInput(s, images, x, v));
        // The output gradient's transform (16 output channels) the same way.
        SameOnAndOffACacheLine(s.ProductFloats(images), s.Points, s.ProductPlane(images), images * s.TilesPerImage * 16, "output gradient",
            m => Winograd.OutputGradient(s, images, dy, m));
    }

    private delegate void Fill(Span<float> destination);

    /// <summary>Fills an array that starts on a cache line and one that starts 4 bytes past one; their planes must agree.</summary>
    private static unsafe void SameOnAndOffACacheLine(int floats, int points, int plane, int used, string what, Fill fill)
    {
        float[] onArray = [], offArray = [];
        var on = CacheAligned.Floats(ref onArray, floats);
        var off = CacheAligned.Floats(ref offArray, floats + 1)[1..];
        fixed (float* pOn = on, pOff = off)
        {
            Assert.Equal(0u, (uint)((nuint)pOn % 64));
            Assert.NotEqual(0u, (uint)((nuint)pOff % 64));
        }
        fill(on);
        fill(off);
        for (int xi = 0; xi < points; xi++)
        {
            Assert.True(on.Slice(xi * plane, used).SequenceEqual(off.Slice(xi * plane, used)), $"{what}, point {xi}");
        }
    }

    [Fact]
    public void SevenRowTilesWhereTheyCoverTheImageWithFewerPoints()
    {
        // 7 rows: one 9-point F(7, 3) tile against two 6-point F(4, 3) tiles; 14: 18 against 24; 16: 27 against 24.
        Assert.Equal(7, WinogradShape.OutputRowsFor(7, 3));
        Assert.Equal(7, WinogradShape.OutputRowsFor(14, 3));
        Assert.Equal(4, WinogradShape.OutputRowsFor(16, 3));
        Assert.Equal(4, WinogradShape.OutputRowsFor(8, 3));
        Assert.Equal(4, WinogradShape.OutputRowsFor(4, 3));
        Assert.Equal(4, WinogradShape.OutputRowsFor(7, 5));
        var s = new WinogradShape(7, 7, 256, 128, 3) { OutputRows = 7 };
        Assert.Equal((9, 6, 54, 2), (s.TileRows, s.TileCols, s.Points, s.TilesPerImage));
        Assert.True(s.Supported);
        Assert.False((s with { KernelSize = 5 }).Supported);
        var ex = Assert.Throws<ArgumentException>(() => Winograd.TransformKernel(s with { KernelSize = 5 }, new float[25 * 128 * 256], false, new float[(s with { KernelSize = 5 }).KernelFloats]));
        Assert.Contains("kernel transform", ex.Message);
    }

    [Fact]
    public void ShortBuffersAreRejected()
    {
        var s = new WinogradShape(7, 7, 16, 16);
        var ex = Assert.Throws<ArgumentException>(() => Winograd.TransformInput(s, 2, new float[49 * 16], new float[s.InputFloats(2)]));
        Assert.Contains("input transform", ex.Message);
    }
}

/// <summary>
/// The transforms on Vector256 (16 channels as two halves, what machines without AVX-512 run) against Vector512: the same
/// bits, on every transform, partial channel blocks and streaming stores included.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public class WinogradVector256Tests
{
    private delegate void Transform(Span<float> destination);

    /// <summary>What a transform writes on the widest width and on Vector256 (into cache-line-aligned arrays, so streaming ones stream).</summary>
    private static void SameOnBothWidths(int floats, string what, Transform transform)
    {
        float[] wideArray = [], narrowArray = [];
        var wide = CacheAligned.Floats(ref wideArray, floats);
        var narrow = CacheAligned.Floats(ref narrowArray, floats);
        var saved = ElementWise.Width;
        try
        {
            transform(wide);
            ElementWise.Width = VectorWidth.Vector256;
            transform(narrow);
        }
        finally
        {
            ElementWise.Width = saved;
        }
        Assert.True(wide.SequenceEqual(narrow), $"{what}: Vector256 differs from Vector512");
    }

    private static float[] Random(int length, ulong seed)
    {
        var values = new float[length];
        new Rng(seed).FillUniform(values, -1f, 1f);
        return values;
    }

    // h, w, input and output channels, kernel size, output tile (rows and columns), input phases read in place.
    [SkippableTheory]
    [InlineData(7, 7, 256, 128, 5, 44, false)]  // the generator's first transposed convolution
    [InlineData(7, 7, 256, 128, 3, 74, true)]   // the discriminator's second convolution, phases in place
    [InlineData(7, 7, 128, 256, 3, 74, false)]  // the generator's second transposed convolution
    [InlineData(5, 6, 19, 7, 5, 44, false)]     // partial tiles and partial channel blocks (19 = 16 + 3, 7 < 8)
    [InlineData(9, 12, 27, 12, 3, 47, false)]   // 27 = 16 + 11: a partial block over both halves
    [InlineData(9, 12, 24, 40, 3, 77, false)]   // 24 = 16 + 8: a partial block of exactly one half
    public void EveryTransformGivesTheBitsOfVector512(int h, int w, int ic, int oc, int r, int tile, bool phases)
    {
        Skip.IfNot(ElementWise.Widest == VectorWidth.Vector512, "this machine runs no Vector512: every Winograd test here runs Vector256");
        var s = new WinogradShape(h, w, ic, oc, r) { OutputRows = tile / 10, OutputCols = tile % 10, InputPhases = phases };
        const int images = 3;
        float[] k = Random(s.KernelTaps, 31), x = Random(images * h * w * ic, 32), dy = Random(images * h * w * oc, 33);
        float[] du = Random(s.KernelFloats, 34), dv = Random(s.InputFloats(images), 35), m = Random(s.ProductFloats(images), 36);
        SameOnBothWidths(s.KernelFloats, "kernel transform", u => Winograd.TransformKernel(s, k, flip: true, u));
        SameOnBothWidths(s.KernelTaps, "kernel gradient", dk => Winograd.AccumulateKernelGradient(s, du, flip: false, dk));
        SameOnBothWidths(s.InputFloats(images), "input transform", v => Winograd.TransformInput(s, images, x, v));
        SameOnBothWidths(images * h * w * ic, "input gradient", dx => Winograd.InputGradient(s, images, dv, dx));
        SameOnBothWidths(images * h * w * oc, "output transform", y => Winograd.TransformOutput(s, images, m, y));
        SameOnBothWidths(s.ProductFloats(images), "output gradient", dm => Winograd.OutputGradient(s, images, dy, dm));
    }
}
