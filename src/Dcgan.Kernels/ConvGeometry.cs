// Shapes and padding of a 2-D convolution in NHWC, with TensorFlow's 'same'/'valid' rules
// (the odd padding pixel goes after: bottom/right), shared by Conv2D and Conv2DTranspose.
namespace Dcgan.Kernels;

/// <summary>
/// The geometry of a convolution that reads an input image (InH x InW x InC) and writes an output
/// image (OutH x OutW): output pixel (oh, ow) with kernel offset (a, b) reads input pixel
/// (oh*Stride + a - PadTop, ow*Stride + b - PadLeft). A transposed convolution uses the same
/// geometry with the roles swapped: its output is this geometry's input, and it scatters.
/// </summary>
public readonly record struct ConvGeometry(
    int InH, int InW, int InC, int KH, int KW, int Stride, int PadTop, int PadLeft, int OutH, int OutW)
{
    /// <summary>Columns of one im2col row: KH * KW * InC (the kernel's (kh, kw, c) order).</summary>
    public int PatchSize => KH * KW * InC;

    /// <summary>Rows of the im2col matrix for one image.</summary>
    public int OutPixels => OutH * OutW;

    /// <summary>Target size of one chunk of the im2col matrix: about 8 MB, so it is reused from cache, not memory.</summary>
    public const int ChunkFloats = 1 << 21;

    /// <summary>
    /// Images per im2col chunk. Layers gather, multiply and scatter this many images at a time instead of the whole
    /// batch; it depends only on the geometry, so results never depend on the thread count.
    /// </summary>
    public int ImagesPerChunk => Math.Max(1, ChunkFloats / (OutPixels * PatchSize));

    /// <summary>Conv2D geometry for padding "same" (out = ceil(in / s)) or "valid" (out = floor((in - k) / s) + 1).</summary>
    public static ConvGeometry ForConv(int inH, int inW, int inC, int kh, int kw, int stride, bool same)
    {
        Validate(inH, inW, inC, kh, kw, stride);
        if (same)
        {
            int outH = (inH + stride - 1) / stride;
            int outW = (inW + stride - 1) / stride;
            int padH = Math.Max(0, (outH - 1) * stride + kh - inH);
            int padW = Math.Max(0, (outW - 1) * stride + kw - inW);
            return new ConvGeometry(inH, inW, inC, kh, kw, stride, padH / 2, padW / 2, outH, outW);
        }
        if (inH < kh || inW < kw)
        {
            throw new ArgumentException($"a {kh}x{kw} 'valid' convolution needs an input of at least that size, got {inH}x{inW}");
        }
        return new ConvGeometry(inH, inW, inC, kh, kw, stride, 0, 0, (inH - kh) / stride + 1, (inW - kw) / stride + 1);
    }

    /// <summary>
    /// Geometry of a Conv2DTranspose from (inH, inW, inC) to outC channels, expressed as the conv it
    /// is the transpose of: the returned geometry's input is the transposed conv's OUTPUT image and its
    /// output is the transposed conv's INPUT image. 'same': out = in * s, P = floor(max(0, (in-1)*s + k - out) / 2);
    /// 'valid': out = in * s + max(k - s, 0), P = 0 (Keras's deconv_output_length).
    /// </summary>
    public static ConvGeometry ForConvTranspose(int inH, int inW, int outC, int kh, int kw, int stride, bool same)
    {
        Validate(inH, inW, outC, kh, kw, stride);
        int outH, outW, padH, padW;
        if (same)
        {
            outH = inH * stride;
            outW = inW * stride;
            padH = Math.Max(0, (inH - 1) * stride + kh - outH) / 2;
            padW = Math.Max(0, (inW - 1) * stride + kw - outW) / 2;
        }
        else
        {
            outH = inH * stride + Math.Max(kh - stride, 0);
            outW = inW * stride + Math.Max(kw - stride, 0);
            padH = 0;
            padW = 0;
        }
        return new ConvGeometry(outH, outW, outC, kh, kw, stride, padH, padW, inH, inW);
    }

    private static void Validate(int h, int w, int c, int kh, int kw, int stride)
    {
        if (h < 1 || w < 1 || c < 1 || kh < 1 || kw < 1 || stride < 1)
        {
            throw new ArgumentException($"bad convolution geometry: input {h}x{w}x{c}, kernel {kh}x{kw}, stride {stride}");
        }
    }
}
