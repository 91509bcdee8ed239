// im2col / col2im for NHWC images: the gather that turns a convolution into one GEMM, and its
// transpose, the scatter-add (which is also the forward pass of a transposed convolution).
namespace Dcgan.Kernels;

/// <summary>Gathers image patches into rows and scatters them back, per <see cref="ConvGeometry"/>.</summary>
public static unsafe class Im2Col
{
    /// <summary>
    /// Effectively computes cols[(n, oh, ow), (a, b, c)] = x[n, oh*s + a - PadTop, ow*s + b - PadLeft, c],
    /// or 0 outside the image. x is N x InH x InW x InC; cols is (N * OutH * OutW) x PatchSize.
    /// </summary>
    public static void Gather(in ConvGeometry g, int n, ReadOnlySpan<float> x, Span<float> cols)
    {
        int inSize = g.InH * g.InW * g.InC;
        int colSize = g.OutPixels * g.PatchSize;
        if (x.Length < n * inSize || cols.Length < n * colSize)
        {
            throw new ArgumentException("im2col: buffer too small for the geometry");
        }
        fixed (float* px = x, pc = cols)
        {
            var job = new Job { G = g, X = px, Cols = pc };
            Workers.For(n, &GatherImage, &job);
        }
    }

    /// <summary>
    /// The transpose of <see cref="Gather"/>: effectively x[n, ih, iw, c] (+)= sum of every cols entry that
    /// Gather would have read from that pixel. With accumulate false, x is overwritten.
    /// </summary>
    public static void Scatter(in ConvGeometry g, int n, ReadOnlySpan<float> cols, Span<float> x, bool accumulate)
    {
        int inSize = g.InH * g.InW * g.InC;
        int colSize = g.OutPixels * g.PatchSize;
        if (x.Length < n * inSize || cols.Length < n * colSize)
        {
            throw new ArgumentException("col2im: buffer too small for the geometry");
        }
        fixed (float* px = x, pc = cols)
        {
            var job = new Job { G = g, X = px, Cols = pc, Accumulate = accumulate };
            Workers.For(n, &ScatterImage, &job);
        }
    }

    private struct Job
    {
        public ConvGeometry G;
        public float* X;
        public float* Cols;
        public bool Accumulate;
    }

    private static void GatherImage(void* state, int image)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        int c = g.InC;
        int rowLen = g.PatchSize;
        float* x = job.X + (long)image * g.InH * g.InW * c;
        float* row = job.Cols + (long)image * g.OutPixels * rowLen;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++, row += rowLen)
            {
                float* dst = row;
                for (int a = 0; a < g.KH; a++)
                {
                    int ih = oh * g.Stride + a - g.PadTop;
                    if ((uint)ih >= (uint)g.InH)
                    {
                        new Span<float>(dst, g.KW * c).Clear();
                        dst += g.KW * c;
                        continue;
                    }
                    for (int b = 0; b < g.KW; b++, dst += c)
                    {
                        int iw = ow * g.Stride + b - g.PadLeft;
                        if ((uint)iw >= (uint)g.InW)
                        {
                            new Span<float>(dst, c).Clear();
                        }
                        else
                        {
                            new ReadOnlySpan<float>(x + ((long)ih * g.InW + iw) * c, c).CopyTo(new Span<float>(dst, c));
                        }
                    }
                }
            }
        }
    }

    private static void ScatterImage(void* state, int image)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        int c = g.InC;
        int rowLen = g.PatchSize;
        float* x = job.X + (long)image * g.InH * g.InW * c;
        float* row = job.Cols + (long)image * g.OutPixels * rowLen;
        if (!job.Accumulate)
        {
            new Span<float>(x, g.InH * g.InW * c).Clear();
        }
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++, row += rowLen)
            {
                float* src = row;
                for (int a = 0; a < g.KH; a++)
                {
                    int ih = oh * g.Stride + a - g.PadTop;
                    if ((uint)ih >= (uint)g.InH)
                    {
                        src += g.KW * c;
                        continue;
                    }
                    for (int b = 0; b < g.KW; b++, src += c)
                    {
                        int iw = ow * g.Stride + b - g.PadLeft;
                        if ((uint)iw < (uint)g.InW)
                        {
                            VectorMath.AddInPlace(new Span<float>(x + ((long)ih * g.InW + iw) * c, c), new ReadOnlySpan<float>(src, c));
                        }
                    }
                }
            }
        }
    }
}
