// Row bands of a convolution: with 'same' padding the top and bottom output rows read fewer kernel rows inside the
// image than the middle ones (a 5x5 kernel over a 7x7 image reads 3, 4, 5, 5, 5, 4, 3 of its rows). Grouping the
// im2col rows by band lets every GEMM multiply only the kernel rows a band really reads, instead of blocks of zeros:
// 17 % fewer multiply-adds in the generator's first transposed convolution, 9 % in the stride-2 layers.
namespace Dcgan.Kernels;

/// <summary>
/// Output rows [Start, End) of a <see cref="ConvGeometry"/> that all read kernel rows [KernelStart, KernelEnd) inside the
/// image (every other kernel row falls on padding for them).
/// </summary>
public readonly record struct RowBand(int Start, int End, int KernelStart, int KernelEnd)
{
    public int Rows => End - Start;

    /// <summary>First column of the band's valid taps in an im2col row ((kh, kw, c) order).</summary>
    public int FirstColumn(in ConvGeometry g) => KernelStart * g.KW * g.InC;

    /// <summary>Number of im2col columns the band reads: its kernel rows times KW * InC.</summary>
    public int Columns(in ConvGeometry g) => (KernelEnd - KernelStart) * g.KW * g.InC;

    /// <summary>
    /// First im2col row of the band in a banded chunk of <paramref name="images"/> images. The banded row order is
    /// band, then image, then output row, then output column, so each band is one contiguous block of rows.
    /// </summary>
    public int FirstRow(in ConvGeometry g, int images) => images * Start * g.OutW;

    /// <summary>im2col rows of the band in a chunk of <paramref name="images"/> images.</summary>
    public int RowCount(in ConvGeometry g, int images) => images * Rows * g.OutW;
}

/// <summary>Computes a geometry's row bands and moves pixel rows between image order and banded order.</summary>
public static unsafe class RowBands
{
    /// <summary>
    /// The bands of <paramref name="g"/>, top to bottom. 'valid' padding (or a 1-row kernel) gives a single band covering
    /// every row and the whole kernel, whose banded order is plain image order.
    /// </summary>
    public static RowBand[] Of(in ConvGeometry g)
    {
        var bands = new List<RowBand>();
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int top = oh * g.Stride - g.PadTop;
            int lo = Math.Clamp(-top, 0, g.KH);
            int hi = Math.Clamp(g.InH - top, lo, g.KH);
            if (bands.Count > 0 && bands[^1].KernelStart == lo && bands[^1].KernelEnd == hi)
            {
                bands[^1] = bands[^1] with { End = oh + 1 };
            }
            else
            {
                bands.Add(new RowBand(oh, oh + 1, lo, hi));
            }
        }
        return [.. bands];
    }

    /// <summary>
    /// Multiply-adds a band split must save per float it copies (the layers move one operand into banded order and back)
    /// before it is worth it: thin layers such as a 1-channel image's 5x5 conv save 2, wide ones hundreds.
    /// </summary>
    public const int MinSavedPerCopiedFloat = 32;

    /// <summary>
    /// The bands a layer should use: <see cref="Of"/> when skipping the padding taps saves at least
    /// <see cref="MinSavedPerCopiedFloat"/> multiply-adds per copied float (PatchSize times the skipped share of kernel
    /// rows), else one band of every row and the whole kernel, which is plain image order with no copies.
    /// </summary>
    public static RowBand[] Plan(in ConvGeometry g)
    {
        RowBand[] bands = Of(g);
        long read = 0;
        foreach (RowBand band in bands)
        {
            read += (long)band.Rows * (band.KernelEnd - band.KernelStart);
        }
        double skipped = 1.0 - (double)read / ((long)g.OutH * g.KH);
        return bands.Length > 1 && skipped * g.PatchSize >= MinSavedPerCopiedFloat ? bands : [new RowBand(0, g.OutH, 0, g.KH)];
    }

    /// <summary>
    /// Copies <paramref name="images"/> images of OutH x OutW pixels with <paramref name="channels"/> floats each from
    /// image order (n, oh, ow) to banded order (see <see cref="RowBand.FirstRow"/>).
    /// </summary>
    public static void ToBanded(in ConvGeometry g, ReadOnlySpan<RowBand> bands, int images, int channels, ReadOnlySpan<float> src, Span<float> dst)
        => Move(g, bands, images, channels, src, dst, toBanded: true);

    /// <summary>The inverse of <see cref="ToBanded"/>.</summary>
    public static void FromBanded(in ConvGeometry g, ReadOnlySpan<RowBand> bands, int images, int channels, ReadOnlySpan<float> src, Span<float> dst)
        => Move(g, bands, images, channels, src, dst, toBanded: false);

    private static void Move(in ConvGeometry g, ReadOnlySpan<RowBand> bands, int images, int channels, ReadOnlySpan<float> src, Span<float> dst, bool toBanded)
    {
        int floats = images * g.OutPixels * channels;
        if (src.Length < floats || dst.Length < floats)
        {
            throw new ArgumentException("banded copy: buffer too small for the geometry");
        }
        fixed (float* ps = src, pd = dst)
        fixed (RowBand* pb = bands)
        {
            var job = new MoveJob
            {
                G = g,
                Bands = pb,
                Images = images,
                Channels = channels,
                Src = ps,
                Dst = pd,
                ToBanded = toBanded,
            };
            // A task copies one image's rows of one band, so every thread has a share of the copy.
            Workers.For(bands.Length * images, &MoveTask, &job);
        }
    }

    private struct MoveJob
    {
        public ConvGeometry G;
        public RowBand* Bands;
        public int Images;
        public int Channels;
        public float* Src;
        public float* Dst;
        public bool ToBanded;
    }

    private static void MoveTask(void* state, int task)
    {
        ref MoveJob job = ref *(MoveJob*)state;
        RowBand band = job.Bands[task / job.Images];
        int i = task % job.Images;
        long rowFloats = (long)job.G.OutW * job.Channels;
        long block = band.Rows * rowFloats;
        long imageAt = (i * (long)job.G.OutH + band.Start) * rowFloats;
        long bandedAt = (long)band.FirstRow(job.G, job.Images) * job.Channels + i * block;
        float* from = job.Src + (job.ToBanded ? imageAt : bandedAt);
        float* to = job.Dst + (job.ToBanded ? bandedAt : imageAt);
        Buffer.MemoryCopy(from, to, block * sizeof(float), block * sizeof(float));
    }
}
