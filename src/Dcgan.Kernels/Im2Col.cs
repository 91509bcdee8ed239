// im2col / col2im for NHWC images: the gather that turns a convolution into one GEMM, and its
// transpose, the scatter-add (which is also the forward pass of a transposed convolution).
namespace Dcgan.Kernels;

/// <summary>
/// Gathers image patches into rows and scatters them back, per <see cref="ConvGeometry"/>. Without bands the rows are in
/// image order and every column is written; with the geometry's <see cref="RowBands"/> the rows are in banded order and
/// only the columns of a band's valid kernel rows are touched (the others are never read by the banded GEMMs).
/// </summary>
public static unsafe class Im2Col
{
    /// <summary>
    /// Effectively computes cols[(n, oh, ow), (a, b, c)] = x[n, oh*s + a - PadTop, ow*s + b - PadLeft, c],
    /// or 0 outside the image. x is N x InH x InW x InC; cols is (N * OutH * OutW) x PatchSize.
    /// </summary>
    public static void Gather(in ConvGeometry g, int n, ReadOnlySpan<float> x, Span<float> cols, ReadOnlySpan<RowBand> bands = default)
        => Run(g, n, x, cols, bands, scatter: false, accumulate: false);

    /// <summary>
    /// The transpose of <see cref="Gather"/>: effectively x[n, ih, iw, c] (+)= sum of every cols entry that
    /// Gather would have read from that pixel. With accumulate false, x is overwritten.
    /// </summary>
    public static void Scatter(in ConvGeometry g, int n, ReadOnlySpan<float> cols, Span<float> x, bool accumulate, ReadOnlySpan<RowBand> bands = default)
        => Run(g, n, x, cols, bands, scatter: true, accumulate);

    private static void Run(in ConvGeometry g, int n, ReadOnlySpan<float> x, ReadOnlySpan<float> cols, ReadOnlySpan<RowBand> bands, bool scatter, bool accumulate)
    {
        int inSize = g.InH * g.InW * g.InC;
        int colSize = g.OutPixels * g.PatchSize;
        if (x.Length < n * inSize || cols.Length < n * colSize)
        {
            throw new ArgumentException(scatter ? "col2im: buffer too small for the geometry" : "im2col: buffer too small for the geometry");
        }
        // No bands: one band of every row and the whole kernel, whose banded order is image order.
        RowBand whole = new(0, g.OutH, 0, g.KH);
        // A task per image, or, with fewer images than two a thread, per part of an image's rows: a gather writes its
        // part's output rows, a scatter its part's input rows (taking, in the same order, every sum the whole image's
        // scatter would add there, so the bits do not depend on the parts).
        int threads = Workers.RunsInParallel ? Workers.Threads : 1;
        int parts = n >= 2 * threads ? 1 : Math.Min((2 * threads + n - 1) / n, scatter ? g.InH : g.OutH);
        fixed (float* px = x, pc = cols)
        fixed (RowBand* pb = bands)
        {
            var job = new Job
            {
                G = g,
                X = px,
                Cols = pc,
                Images = n,
                Bands = bands.IsEmpty ? &whole : pb,
                BandCount = bands.IsEmpty ? 1 : bands.Length,
                Accumulate = accumulate,
                Parts = parts,
            };
            Workers.For(n * parts, scatter ? &ScatterPart : &GatherPart, &job);
        }
    }

    private struct Job
    {
        public ConvGeometry G;
        public float* X;
        public float* Cols;
        public int Images;
        public RowBand* Bands;
        public int BandCount;
        public bool Accumulate;
        public int Parts;
    }

    /// <summary>The first im2col row of an image's part of a band.</summary>
    private static float* FirstRow(ref Job job, in RowBand band, int image)
        => job.Cols + ((long)band.FirstRow(job.G, job.Images) + (long)image * band.Rows * job.G.OutW) * job.G.PatchSize;

    /// <summary>Rows [first, end) of part <paramref name="part"/> of <paramref name="rows"/> rows cut in <paramref name="parts"/>.</summary>
    private static (int First, int End) PartRows(int rows, int part, int parts) => (rows * part / parts, rows * (part + 1) / parts);

    /// <summary>Gathers the patches of one image's output rows in a part (<see cref="Job.Parts"/>) of them.</summary>
    private static void GatherPart(void* state, int task)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        int c = g.InC;
        int rowLen = g.PatchSize;
        int image = task / job.Parts;
        var (first, end) = PartRows(g.OutH, task % job.Parts, job.Parts);
        float* x = job.X + (long)image * g.InH * g.InW * c;
        for (int bi = 0; bi < job.BandCount; bi++)
        {
            RowBand band = job.Bands[bi];
            int top = Math.Max(band.Start, first), bottom = Math.Min(band.End, end);
            float* row = FirstRow(ref job, band, image) + (long)(top - band.Start) * g.OutW * rowLen;
            for (int oh = top; oh < bottom; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++, row += rowLen)
                {
                    float* dst = row + band.KernelStart * g.KW * c;
                    for (int a = band.KernelStart; a < band.KernelEnd; a++)
                    {
                        int ih = oh * g.Stride + a - g.PadTop;
                        if ((uint)ih >= (uint)g.InH)
                        {
                            new Span<float>(dst, g.KW * c).Clear();
                            dst += g.KW * c;
                            continue;
                        }
                        if (c == 1)
                        {
                            // One channel (the images themselves): a span copy per float would cost ten times the copy.
                            float* line = x + (long)ih * g.InW;
                            for (int b = 0, iw = ow * g.Stride - g.PadLeft; b < g.KW; b++, iw++)
                            {
                                dst[b] = (uint)iw < (uint)g.InW ? line[iw] : 0f;
                            }
                            dst += g.KW;
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
    }

    /// <summary>Channels below which a pixel's adds run inline rather than as a vector call.</summary>
    private const int FewChannels = 8;

    /// <summary>
    /// Scatters into one image's input rows in a part (<see cref="Job.Parts"/>) of them: every output row whose patches
    /// reach the part, in the whole image's order, adding only what lands there.
    /// </summary>
    private static void ScatterPart(void* state, int task)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        int c = g.InC;
        int rowLen = g.PatchSize;
        int image = task / job.Parts;
        var (first, end) = PartRows(g.InH, task % job.Parts, job.Parts);
        float* x = job.X + (long)image * g.InH * g.InW * c;
        if (!job.Accumulate)
        {
            new Span<float>(x + (long)first * g.InW * c, (end - first) * g.InW * c).Clear();
        }
        for (int bi = 0; bi < job.BandCount; bi++)
        {
            RowBand band = job.Bands[bi];
            float* row = FirstRow(ref job, band, image);
            for (int oh = band.Start; oh < band.End; oh++, row += (long)g.OutW * rowLen)
            {
                int lowest = oh * g.Stride - g.PadTop;
                if (lowest + band.KernelEnd <= first || lowest + band.KernelStart >= end)
                {
                    continue;
                }
                float* patch = row;
                for (int ow = 0; ow < g.OutW; ow++, patch += rowLen)
                {
                    float* src = patch + band.KernelStart * g.KW * c;
                    for (int a = band.KernelStart; a < band.KernelEnd; a++)
                    {
                        int ih = lowest + a;
                        if ((uint)(ih - first) >= (uint)(end - first))
                        {
                            src += g.KW * c;
                            continue;
                        }
                        if (c == 1)
                        {
                            float* line = x + (long)ih * g.InW;
                            for (int b = 0, iw = ow * g.Stride - g.PadLeft; b < g.KW; b++, iw++)
                            {
                                if ((uint)iw < (uint)g.InW)
                                {
                                    line[iw] += src[b];
                                }
                            }
                            src += g.KW;
                            continue;
                        }
                        for (int b = 0; b < g.KW; b++, src += c)
                        {
                            int iw = ow * g.Stride + b - g.PadLeft;
                            if ((uint)iw >= (uint)g.InW)
                            {
                                continue;
                            }
                            float* dst = x + ((long)ih * g.InW + iw) * c;
                            if (c < FewChannels)
                            {
                                // A colour image's 3 channels: a call per pixel would cost more than its adds.
                                for (int ch = 0; ch < c; ch++)
                                {
                                    dst[ch] += src[ch];
                                }
                            }
                            else
                            {
                                VectorMath.AddInPlace(new Span<float>(dst, c), new ReadOnlySpan<float>(src, c));
                            }
                        }
                    }
                }
            }
        }
    }
}
