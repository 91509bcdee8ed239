// Every SIMD kernel besides GEMM against a plain scalar twin written here, over awkward lengths
// (0..67, not multiples of the vector width) so both the vector body and the tails are exercised.
namespace Dcgan.Kernels.Tests;

using Dcgan.Kernels;

public class KernelTwinTests
{
    private static float[] Random(int n, ulong seed, float scale = 1f)
    {
        var rng = new Rng(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (rng.NextFloat() * 2f - 1f) * scale;
        }
        return a;
    }

    /// <summary>|expected - actual| within rel * max(1, |expected|).</summary>
    private static void Close(double expected, double actual, double rel)
        => Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 68).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ElementWiseKernelsMatchScalarTwins(int n)
    {
        float[] x = Random(n, (ulong)n + 1), dy = Random(n, (ulong)n + 100), b = Random(n, (ulong)n + 200);
        if (n > 3)
        {
            x[1] = 0f;
            x[2] = -0f;
        }
        AssertLeakyReluMatchesLoops(x, dy);

        var sum = (float[])x.Clone();
        VectorMath.AddInPlace(sum, b);
        var prod = new float[n];
        VectorMath.Multiply(x, b, prod);
        var scaled = new float[n];
        VectorMath.Scale(x, 1.7f, scaled);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(x[i] + b[i], sum[i]);
            Assert.Equal(x[i] * b[i], prod[i]);
            Assert.Equal(x[i] * 1.7f, scaled[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TanhIsWithinThreeUlpOfMathFAtEveryLengthAndPosition(int n)
    {
        float[] x = Random(n, (ulong)n + 7);
        for (int i = 0; i < n; i++)
        {
            // Spread over the polynomial range, the exp range and saturation, with some tiny values.
            x[i] *= i % 5 == 0 ? 1e-3f : i % 3 == 0 ? 0.5f : 9f;
        }
        var y = new float[n];
        Activations.TanhForward(x, y);
        for (int i = 0; i < n; i++)
        {
            float expected = MathF.Tanh(x[i]);
            int ulps = y[i] == expected ? 0 : Math.Abs(BitConverter.SingleToInt32Bits(y[i]) - BitConverter.SingleToInt32Bits(expected));
            Assert.True(ulps <= 3, $"tanh({x[i]:R}) = {y[i]:R}, MathF.Tanh gives {expected:R} ({ulps} ulp)");
        }
    }

    private static void AssertLeakyReluMatchesLoops(float[] x, float[] dy)
    {
        int n = x.Length;
        var y = new float[n];
        var dx = new float[n];
        Activations.LeakyReluForward(x, y, 0.3f);
        Activations.LeakyReluBackward(x, dy, dx, 0.3f);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(x[i] > 0 ? x[i] : 0.3f * x[i], y[i]);
            Assert.Equal(x[i] > 0 ? dy[i] : 0.3f * dy[i], dx[i]);
        }
    }

    [Fact]
    public void LeakyReluOverManyParallelChunksMatchesTheScalarTwin()
    {
        const int n = 70_001;
        float[] x = Random(n, 3), dy = Random(n, 4);
        AssertLeakyReluMatchesLoops(x, dy);
    }

    [Fact]
    public void TanhOfSpecialValues()
    {
        float[] x = [0f, 0.55f, -0.55f, 0.5499999f, 20f, -20f, 100f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-30f, -3f];
        var y = new float[x.Length];
        Activations.TanhForward(x, y);
        Assert.Equal([0f, MathF.Tanh(0.55f), -MathF.Tanh(0.55f)], y[..3]);
        Assert.Equal([1f, -1f, 1f, 1f, -1f], y[4..9]);
        Assert.True(float.IsNaN(y[9]), "NaN must stay NaN (divergence is detected from it)");
        Assert.Equal(1e-30f, y[10]);
        // Large batches run in parallel chunks: the same value gives the same result wherever it sits.
        var big = new float[100_003];
        big.AsSpan().Fill(-3f);
        var bigY = new float[big.Length];
        Activations.TanhForward(big, bigY);
        Assert.All(bigY, v => Assert.Equal(y[11], v));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 17)]
    [InlineData(5, 67)]
    [InlineData(40, 33)]
    [InlineData(67, 1)]
    [InlineData(100, 16)]
    public void RowAndColumnHelpersMatchLoops(int rows, int cols)
    {
        float[] m = Random(rows * cols, 5), bias = Random(cols, 6);
        var withBias = (float[])m.Clone();
        VectorMath.AddRowVector(withBias, bias);
        var sums = new float[cols];
        VectorMath.AddColumnSums(m, sums);
        float[] rowScales = Random(rows, 7);
        var scaledRows = new float[rows * cols];
        VectorMath.ScaleRows(m, rowScales, scaledRows);
        for (int c = 0; c < cols; c++)
        {
            double s = 0;
            for (int r = 0; r < rows; r++)
            {
                Assert.Equal(m[r * cols + c] + bias[c], withBias[r * cols + c]);
                Assert.Equal(m[r * cols + c] * rowScales[r], scaledRows[r * cols + c]);
                s += m[r * cols + c];
            }
            Close(s, sums[c], 1e-5);
        }
        // One float more than the rows hold: it does not split into rows (or, for one row, outruns the source).
        Assert.Throws<ArgumentException>(() => VectorMath.ScaleRows(m, rowScales, new float[rows * cols + 1]));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(7, 17)]
    [InlineData(33, 5)]
    [InlineData(64, 67)]
    [InlineData(300, 16)]
    public void BatchNormKernelsMatchADoubleTwin(int rows, int c)
    {
        float[] x = Random(rows * c, 11, 3f), gamma = Random(c, 12), beta = Random(c, 13), dy = Random(rows * c, 14);
        var mean = new float[c];
        var variance = new float[c];
        var invStd = new float[c];
        var xhat = new float[rows * c];
        var y = new float[rows * c];
        var scratch = new float[BatchNormKernels.ScratchFloats(c)];
        BatchNormKernels.ForwardTraining(rows, c, x, gamma, beta, 1e-3f, mean, variance, invStd, xhat, y, scratch);
        var dgamma = new float[c];
        var dbeta = new float[c];
        var dx = new float[rows * c];
        BatchNormKernels.BackwardTraining(rows, c, xhat, dy, gamma, invStd, dgamma, dbeta, dx, scratch, new float[c], new float[c]);
        // Without the parameters' gradients (empty dgamma and dbeta): the same dx, bit for bit.
        var dxAlone = new float[rows * c];
        BatchNormKernels.BackwardTraining(rows, c, xhat, dy, gamma, invStd, default, default, dxAlone, scratch, new float[c], new float[c]);
        Assert.Equal(dx, dxAlone);
        for (int j = 0; j < c; j++)
        {
            double m = 0, v = 0, sdy = 0, sdyh = 0;
            for (int r = 0; r < rows; r++)
            {
                m += x[r * c + j];
            }
            m /= rows;
            for (int r = 0; r < rows; r++)
            {
                v += (x[r * c + j] - m) * (x[r * c + j] - m);
            }
            v /= rows;
            double inv = 1 / Math.Sqrt(v + 1e-3);
            for (int r = 0; r < rows; r++)
            {
                double h = (x[r * c + j] - m) * inv;
                Close(gamma[j] * h + beta[j], y[r * c + j], 1e-4);
                sdy += dy[r * c + j];
                sdyh += dy[r * c + j] * h;
            }
            Close(m, mean[j], 1e-5);
            Close(v, variance[j], 1e-5);
            Close(sdy, dbeta[j], 1e-5);
            Close(sdyh, dgamma[j], 1e-4);
            for (int r = 0; r < rows; r++)
            {
                double h = (x[r * c + j] - m) * inv;
                double expected = gamma[j] * inv * (dy[r * c + j] - sdy / rows - h * sdyh / rows);
                Assert.True(Math.Abs(expected - dx[r * c + j]) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"dx[{r},{j}] {dx[r * c + j]} vs {expected}");
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(67)]
    [InlineData(70000)]
    public void AdamKernelMatchesTheKerasFormula(int n)
    {
        float[] theta = Random(n, 21), grad = Random(n, 22), m = Random(n, 23, 0.1f), v = Random(n, 24, 0.1f);
        for (int i = 0; i < n; i++)
        {
            v[i] = Math.Abs(v[i]);
        }
        float[] t0 = (float[])theta.Clone(), m0 = (float[])m.Clone(), v0 = (float[])v.Clone();
        AdamKernel.Step(theta, grad, m, v, step: 4, learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7);
        double alpha = 1e-3 * Math.Sqrt(1 - Math.Pow(0.999, 5)) / (1 - Math.Pow(0.9, 5));
        for (int i = 0; i < n; i++)
        {
            double mi = m0[i] + (grad[i] - m0[i]) * 0.1;
            double vi = v0[i] + (grad[i] * (double)grad[i] - v0[i]) * 0.001;
            double ti = t0[i] - alpha * mi / (Math.Sqrt(vi) + 1e-7);
            Close(mi, m[i], 1e-6);
            Close(vi, v[i], 1e-6);
            Assert.True(Math.Abs(ti - theta[i]) <= 1e-6 * Math.Max(1, Math.Abs(ti)), $"theta[{i}]");
        }
    }

    [Theory]
    [InlineData(5, 4, 1, 3, 1, true)]
    [InlineData(8, 8, 2, 5, 2, true)]
    [InlineData(9, 7, 3, 5, 2, true)]
    [InlineData(7, 7, 2, 3, 2, false)]
    [InlineData(6, 5, 17, 3, 1, true)]
    [InlineData(28, 28, 1, 5, 2, true)]
    [InlineData(9, 8, 1, 4, 3, false)]
    public void Im2ColGatherAndScatterMatchLoopsAndAreAdjoint(int h, int w, int c, int k, int s, bool same)
    {
        var g = ConvGeometry.ForConv(h, w, c, k, k, s, same);
        int n = 2;
        float[] x = Random(n * h * w * c, 31);
        var cols = new float[n * g.OutPixels * g.PatchSize];
        Im2Col.Gather(g, n, x, cols);
        for (int img = 0; img < n; img++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int a = 0; a < k; a++)
                    {
                        for (int b = 0; b < k; b++)
                        {
                            for (int ch = 0; ch < c; ch++)
                            {
                                int ih = oh * s + a - g.PadTop, iw = ow * s + b - g.PadLeft;
                                float expected = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[((img * h + ih) * w + iw) * c + ch] : 0f;
                                int row = (img * g.OutH + oh) * g.OutW + ow;
                                Assert.Equal(expected, cols[row * g.PatchSize + (a * k + b) * c + ch]);
                            }
                        }
                    }
                }
            }
        }
        // <Gather(x), r> == <x, Scatter(r)>: the scatter is the exact adjoint of the gather.
        float[] r = Random(cols.Length, 32);
        var back = new float[x.Length];
        Im2Col.Scatter(g, n, r, back, accumulate: false);
        double left = 0, right = 0;
        for (int i = 0; i < cols.Length; i++)
        {
            left += (double)cols[i] * r[i];
        }
        for (int i = 0; i < x.Length; i++)
        {
            right += (double)x[i] * back[i];
        }
        Close(left, right, 1e-5);
    }

    [Fact]
    public void TensorFlowSamePaddingPutsTheOddPixelAfter()
    {
        var g = ConvGeometry.ForConv(28, 28, 1, 5, 5, 2, same: true);
        Assert.Equal((14, 14, 1, 1), (g.OutH, g.OutW, g.PadTop, g.PadLeft)); // total 3: 1 before, 2 after
        var g2 = ConvGeometry.ForConv(14, 14, 64, 5, 5, 2, same: true);
        Assert.Equal((7, 7, 1), (g2.OutH, g2.OutW, g2.PadTop));
        var t1 = ConvGeometry.ForConvTranspose(7, 7, 128, 5, 5, 1, same: true);
        Assert.Equal((7, 7, 2), (t1.InH, t1.InW, t1.PadTop));
        var t2 = ConvGeometry.ForConvTranspose(14, 14, 1, 5, 5, 2, same: true);
        Assert.Equal((28, 28, 1), (t2.InH, t2.InW, t2.PadTop));
    }
}
