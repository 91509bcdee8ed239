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
        int rowFloats = g.OutW * channels;
        foreach (RowBand band in bands)
        {
            int block = band.Rows * rowFloats;
            for (int i = 0; i < images; i++)
            {
                int imageAt = (i * g.OutH + band.Start) * rowFloats;
                int bandedAt = band.FirstRow(g, images) * channels + i * block;
                if (toBanded)
                {
                    src.Slice(imageAt, block).CopyTo(dst.Slice(bandedAt, block));
                }
                else
                {
                    src.Slice(bandedAt, block).CopyTo(dst.Slice(imageAt, block));
                }
            }
        }
    }
}
