// Direct convolution of images with few channels (the 1- and 3-channel image layers: D's first convolution, and the
// backward of G's last transposed convolution), without im2col. Their patches are short (25 taps for a 5x5 kernel on one
// channel), so the im2col GEMM spends more on gathering the patches, packing and the edges of its tiles than on the
// multiply-adds. Here each output pixel's filters sit in registers while the taps stream past.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dcgan.Kernels;

/// <summary>
/// The products a convolution with <see cref="ConvGeometry"/> g computes on the im2col path, done directly: the forward
/// y = patches * W (+ bias) and the kernel gradient dW += patches^T * dy, with W and dW (KH * KW * InC) x filters. Every
/// result has the bits the im2col GEMM gives it: one fused multiply-add chain per element over the taps in (a, b, c) order
/// (forward) or over each K slice of the GEMM's rows (kernel gradient, in the chunks of <see cref="ConvGeometry.ImagesPerChunk"/>
/// images), added to the destination once per slice; the taps that fall on padding multiply zeros, which leaves a chain as it
/// is. So the layers may take either path, and results never depend on the thread count.
/// </summary>
[SkipLocalsInit]
public static unsafe class FewChannelConv
{
    /// <summary>The most input channels this path takes.</summary>
    public const int MaxChannels = 4;

    /// <summary>
    /// Whether the loops run on Vector512 (else Vector256): the element-wise kernels' width, which is the widest the
    /// hardware runs natively unless a test lowers it.
    /// </summary>
    private static bool Wide => ElementWise.Width == VectorWidth.Vector512;

    /// <summary>Filters a block of registers holds: four vectors.</summary>
    private static int FilterBlock => Wide ? 64 : 32;

    /// <summary>Adjacent taps (b, c) of a kernel row the kernel gradient's registers sum at a time.</summary>
    private const int TapGroup = 5;

    /// <summary>
    /// Whether the direct path runs this geometry with this many filters here: few channels, filters a whole number of
    /// vectors, patches short enough to be one K slice of the GEMM, and Vector256 or Vector512 in hardware.
    /// </summary>
    public static bool Supports(in ConvGeometry g, int filters)
        => g.InC <= MaxChannels && ElementWise.Width != VectorWidth.Scalar && filters > 0 && filters % (Wide ? 16 : 8) == 0
            && GemmBlocked.SliceDepth(g.PatchSize) == g.PatchSize;

    /// <summary>Rows of an image with its padding: every row some output pixel reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PaddedRows(in ConvGeometry g) => (g.OutH - 1) * g.Stride + g.KH;

    /// <summary>Columns of an image with its padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PaddedCols(in ConvGeometry g) => (g.OutW - 1) * g.Stride + g.KW;

    /// <summary>Floats of one padded image, plus room for a tap group read past the last pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PaddedImage(in ConvGeometry g) => PaddedRows(g) * PaddedCols(g) * g.InC + TapGroup * MaxChannels;

    /// <summary>Floats of <paramref name="images"/> images padded by <see cref="Pad"/>.</summary>
    public static long PaddedFloats(in ConvGeometry g, int images) => (long)images * PaddedImage(g);

    /// <summary>
    /// Copies the images x (images x InH x InW x InC) into padded, each with zeros where a tap of the geometry reads outside
    /// it: what <see cref="Forward"/> and <see cref="AccumulateKernelGradient"/> read, so one padding serves both.
    /// </summary>
    public static void Pad(in ConvGeometry g, int images, ReadOnlySpan<float> x, Span<float> padded)
    {
        if (x.Length < (long)images * g.InH * g.InW * g.InC || padded.Length < PaddedFloats(g, images))
        {
            throw new ArgumentException("direct convolution: buffer too small for the geometry");
        }
        fixed (float* px = x, pp = padded)
        {
            var job = new Job { G = g, X = px, Padded = pp, Images = images };
            Workers.For(images, &PadImage, &job);
        }
    }

    /// <summary>
    /// y[n, oh, ow, f] = sum over taps (a, b, c) of x[n, oh * s + a - PadTop, ow * s + b - PadLeft, c] * w[(a, b, c), f],
    /// then + bias[f] when bias is not empty, from the images x as <see cref="Pad"/> left them in padded. y is images x OutH
    /// x OutW x filters (overwritten).
    /// </summary>
    public static void Forward(in ConvGeometry g, int images, ReadOnlySpan<float> padded, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int filters, Span<float> y)
    {
        Check(g, images, filters, padded, w.Length);
        if (y.Length < (long)images * g.OutPixels * filters || !bias.IsEmpty && bias.Length < filters)
        {
            throw new ArgumentException("direct convolution: output or bias too small");
        }
        fixed (float* pw = w, pb = bias, py = y, pp = padded)
        {
            var job = new Job { G = g, W = pw, Bias = bias.IsEmpty ? null : pb, Y = py, Padded = pp, Filters = filters, Images = images };
            Workers.For(images, &ForwardImage, &job);
        }
    }

    /// <summary>
    /// grad[(a, b, c), f] += sum over output pixels r = (n, oh, ow) of x[n, oh * s + a - PadTop, ow * s + b - PadLeft, c] *
    /// dy[r, f], summed as the im2col GEMM sums it (see the class), from the images x as <see cref="Pad"/> left them in
    /// padded. dy is images x OutH x OutW x filters.
    /// </summary>
    public static void AccumulateKernelGradient(in ConvGeometry g, int images, ReadOnlySpan<float> padded, ReadOnlySpan<float> dy,
        int filters, Span<float> grad)
    {
        Check(g, images, filters, padded, grad.Length);
        if (dy.Length < (long)images * g.OutPixels * filters)
        {
            throw new ArgumentException("direct convolution: output gradient too small");
        }
        fixed (float* pdy = dy, pp = padded)
        {
            int slices = Slices(g, images), slot = g.PatchSize * filters;
            int waves = (int)(((long)slices * slot * sizeof(float) + WaveBytes - 1) / WaveBytes), wave = (slices + waves - 1) / waves;
            _slots ??= [];
            var slots = CacheAligned.Floats(ref _slots, checked(wave * slot));
            var job = new Job
            {
                G = g, Y = pdy, Padded = pp, Filters = filters, Images = images,
                Slots = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(slots)),
            };
            // A wave of slices at a time: each slice's sums (every tap, every filter) to a slot of their own, a task a slice,
            // then the slots added to grad in slice order.
            for (job.FirstSlice = 0; job.FirstSlice < slices; job.FirstSlice += wave)
            {
                int count = Math.Min(wave, slices - job.FirstSlice);
                Workers.For(count, &SliceTask, &job);
                VectorMath.AddInOrder(slots[..(count * slot)], grad[..slot]);
            }
        }
    }

    /// <summary>
    /// Bytes of slots a wave of the kernel gradient's slices fills at most before they are added to the gradient: few enough
    /// that they are still in the caches then, enough for many tasks a wave (the tutorial discriminator's first layer: 4
    /// waves of 49 slices at 256 images).
    /// </summary>
    private const int WaveBytes = 400 * 1024;

    /// <summary>The kernel gradient's slots (one gradient-sized slot a slice of a wave), on the thread that calls; the tasks it hands out fill them.</summary>
    [ThreadStatic]
    private static float[]? _slots;

    /// <summary>K slices of the kernel gradient's sums over all images: each im2col chunk's rows cut by <see cref="GemmBlocked.SliceDepth"/>.</summary>
    private static int Slices(in ConvGeometry g, int images)
    {
        int slices = 0, chunk = g.ImagesPerChunk;
        for (int n0 = 0; n0 < images; n0 += chunk)
        {
            int rows = Math.Min(chunk, images - n0) * g.OutPixels;
            slices += (rows + GemmBlocked.SliceDepth(rows) - 1) / GemmBlocked.SliceDepth(rows);
        }
        return slices;
    }

    private static void Check(in ConvGeometry g, int images, int filters, ReadOnlySpan<float> padded, int kernelFloats)
    {
        if (!Supports(g, filters))
        {
            throw new ArgumentException($"direct convolution: {g.InC} channels and {filters} filters are not supported here");
        }
        if (padded.Length < PaddedFloats(g, images) || kernelFloats < g.PatchSize * filters)
        {
            throw new ArgumentException("direct convolution: buffer too small for the geometry");
        }
    }

    private struct Job
    {
        public ConvGeometry G;
        // The images, for the padding.
        public float* X;
        // Forward: the kernel.
        public float* W;
        public float* Bias;
        // Forward: the output; kernel gradient: the output's gradient.
        public float* Y;
        public float* Padded;
        public int Filters;
        public int Images;
        // The wave of K slices the kernel gradient's tasks sum now: the first, and their slots (one gradient-sized slot a slice).
        public int FirstSlice;
        public float* Slots;
    }

    /// <summary>Image n copied into its padded slot: zeros where a tap reads outside the image.</summary>
    private static void PadImage(void* state, int n)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        int rows = PaddedRows(g), cols = PaddedCols(g), c = g.InC, rowFloats = cols * c;
        float* padded = job.Padded + (long)n * PaddedImage(g);
        float* x = job.X + (long)n * g.InH * g.InW * c;
        new Span<float>(padded, PaddedImage(g)).Clear();
        int w0 = Math.Max(0, g.PadLeft), w1 = Math.Min(cols, g.PadLeft + g.InW);
        for (int r = 0; r < rows; r++)
        {
            int ih = r - g.PadTop;
            if ((uint)ih < (uint)g.InH && w1 > w0)
            {
                new ReadOnlySpan<float>(x + ((long)ih * g.InW + (w0 - g.PadLeft)) * c, (w1 - w0) * c)
                    .CopyTo(new Span<float>(padded + (long)r * rowFloats + w0 * c, (w1 - w0) * c));
            }
        }
    }

    private static void ForwardImage(void* state, int n)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        float* padded = job.Padded + (long)n * PaddedImage(g);
        int f = job.Filters, block = FilterBlock;
        float* y = job.Y + (long)n * g.OutPixels * f;
        for (int f0 = 0; f0 < f; f0 += block)
        {
            int width = Math.Min(block, f - f0);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                float* yRow = y + (long)oh * g.OutW * f + f0;
                int ow = 0;
                if (width == block)
                {
                    if (Wide)
                    {
                        for (; ow + 6 <= g.OutW; ow += 6)
                        {
                            Pixels6x64(g, padded, oh, ow, job.W + f0, f, job.Bias == null ? null : job.Bias + f0, yRow + (long)ow * f);
                        }
                    }
                    else
                    {
                        for (; ow + 3 <= g.OutW; ow += 3)
                        {
                            Pixels3x32(g, padded, oh, ow, job.W + f0, f, job.Bias == null ? null : job.Bias + f0, yRow + (long)ow * f);
                        }
                    }
                }
                for (; ow < g.OutW; ow++)
                {
                    float* bias = job.Bias == null ? null : job.Bias + f0;
                    if (width != block)
                    {
                        Pixel(g, padded, oh, ow, job.W + f0, f, width, bias, yRow + (long)ow * f);
                    }
                    else if (Wide)
                    {
                        Pixel1x64(g, padded, oh, ow, job.W + f0, f, bias, yRow + (long)ow * f);
                    }
                    else
                    {
                        Pixel1x32(g, padded, oh, ow, job.W + f0, f, bias, yRow + (long)ow * f);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Six output pixels of row oh from column ow, 64 filters: 24 accumulators, 4 kernel loads and 6 broadcasts a tap. Here
    /// and in the other register-blocked loops everything is worked out before the accumulators exist: every vector register
    /// is caller-saved, so a call while they are live (PaddedCols was one, not inlined) made the JIT keep all of them on the
    /// stack, a load and a store around each multiply-add: D's first layer took 2.4x as long (4.7 ms against 1.9 a step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixels6x64(in ConvGeometry g, float* padded, int oh, int ow, float* w, int f, float* bias, float* y)
    {
        int c = g.InC, taps = g.KW * c, rowFloats = PaddedCols(g) * c;
        nint step = g.Stride * c;
        var z = Vector512<float>.Zero;
        Vector512<float> a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z, a23 = z;
        Vector512<float> a30 = z, a31 = z, a32 = z, a33 = z, a40 = z, a41 = z, a42 = z, a43 = z, a50 = z, a51 = z, a52 = z, a53 = z;
        for (int a = 0; a < g.KH; a++)
        {
            float* xr = padded + (long)(oh * g.Stride + a) * rowFloats + (long)ow * step;
            float* wr = w + (long)a * taps * f;
            for (int t = 0; t < taps; t++, xr++, wr += f)
            {
                var w0 = Vector512.Load(wr);
                var w1 = Vector512.Load(wr + 16);
                var w2 = Vector512.Load(wr + 32);
                var w3 = Vector512.Load(wr + 48);
                var x = Vector512.Create(xr[0]);
                a00 = Vector512.FusedMultiplyAdd(x, w0, a00); a01 = Vector512.FusedMultiplyAdd(x, w1, a01);
                a02 = Vector512.FusedMultiplyAdd(x, w2, a02); a03 = Vector512.FusedMultiplyAdd(x, w3, a03);
                x = Vector512.Create(xr[step]);
                a10 = Vector512.FusedMultiplyAdd(x, w0, a10); a11 = Vector512.FusedMultiplyAdd(x, w1, a11);
                a12 = Vector512.FusedMultiplyAdd(x, w2, a12); a13 = Vector512.FusedMultiplyAdd(x, w3, a13);
                x = Vector512.Create(xr[2 * step]);
                a20 = Vector512.FusedMultiplyAdd(x, w0, a20); a21 = Vector512.FusedMultiplyAdd(x, w1, a21);
                a22 = Vector512.FusedMultiplyAdd(x, w2, a22); a23 = Vector512.FusedMultiplyAdd(x, w3, a23);
                x = Vector512.Create(xr[3 * step]);
                a30 = Vector512.FusedMultiplyAdd(x, w0, a30); a31 = Vector512.FusedMultiplyAdd(x, w1, a31);
                a32 = Vector512.FusedMultiplyAdd(x, w2, a32); a33 = Vector512.FusedMultiplyAdd(x, w3, a33);
                x = Vector512.Create(xr[4 * step]);
                a40 = Vector512.FusedMultiplyAdd(x, w0, a40); a41 = Vector512.FusedMultiplyAdd(x, w1, a41);
                a42 = Vector512.FusedMultiplyAdd(x, w2, a42); a43 = Vector512.FusedMultiplyAdd(x, w3, a43);
                x = Vector512.Create(xr[5 * step]);
                a50 = Vector512.FusedMultiplyAdd(x, w0, a50); a51 = Vector512.FusedMultiplyAdd(x, w1, a51);
                a52 = Vector512.FusedMultiplyAdd(x, w2, a52); a53 = Vector512.FusedMultiplyAdd(x, w3, a53);
            }
        }
        Store4(y, bias, a00, a01, a02, a03);
        Store4(y + f, bias, a10, a11, a12, a13);
        Store4(y + 2 * f, bias, a20, a21, a22, a23);
        Store4(y + 3 * f, bias, a30, a31, a32, a33);
        Store4(y + 4 * f, bias, a40, a41, a42, a43);
        Store4(y + 5 * f, bias, a50, a51, a52, a53);
    }

    /// <summary>
    /// One output pixel, 64 filters (the row ends past the last six): four accumulators, so the pixel does not wait on one
    /// chain of multiply-adds per vector of filters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel1x64(in ConvGeometry g, float* padded, int oh, int ow, float* w, int f, float* bias, float* y)
    {
        int c = g.InC, taps = g.KW * c, rowFloats = PaddedCols(g) * c;
        var z = Vector512<float>.Zero;
        Vector512<float> a0 = z, a1 = z, a2 = z, a3 = z;
        for (int a = 0; a < g.KH; a++)
        {
            float* xr = padded + (long)(oh * g.Stride + a) * rowFloats + (long)ow * g.Stride * c;
            float* wr = w + (long)a * taps * f;
            for (int t = 0; t < taps; t++, wr += f)
            {
                var x = Vector512.Create(xr[t]);
                a0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(wr), a0);
                a1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(wr + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(wr + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(wr + 48), a3);
            }
        }
        Store4(y, bias, a0, a1, a2, a3);
    }

    /// <summary>Pixel1x64 on Vector256: one output pixel, 32 filters, four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel1x32(in ConvGeometry g, float* padded, int oh, int ow, float* w, int f, float* bias, float* y)
    {
        int c = g.InC, taps = g.KW * c, rowFloats = PaddedCols(g) * c;
        var z = Vector256<float>.Zero;
        Vector256<float> a0 = z, a1 = z, a2 = z, a3 = z;
        for (int a = 0; a < g.KH; a++)
        {
            float* xr = padded + (long)(oh * g.Stride + a) * rowFloats + (long)ow * g.Stride * c;
            float* wr = w + (long)a * taps * f;
            for (int t = 0; t < taps; t++, wr += f)
            {
                var x = Vector256.Create(xr[t]);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(wr), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(wr + 8), a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(wr + 16), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(wr + 24), a3);
            }
        }
        Store4(y, bias, a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* y, float* bias, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        if (bias != null)
        {
            v0 += Vector512.Load(bias);
            v1 += Vector512.Load(bias + 16);
            v2 += Vector512.Load(bias + 32);
            v3 += Vector512.Load(bias + 48);
        }
        v0.Store(y);
        v1.Store(y + 16);
        v2.Store(y + 32);
        v3.Store(y + 48);
    }

    /// <summary>Three output pixels, 32 filters, on Vector256: 12 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixels3x32(in ConvGeometry g, float* padded, int oh, int ow, float* w, int f, float* bias, float* y)
    {
        int c = g.InC, taps = g.KW * c, rowFloats = PaddedCols(g) * c;
        nint step = g.Stride * c;
        var z = Vector256<float>.Zero;
        Vector256<float> a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z, a23 = z;
        for (int a = 0; a < g.KH; a++)
        {
            float* xr = padded + (long)(oh * g.Stride + a) * rowFloats + (long)ow * step;
            float* wr = w + (long)a * taps * f;
            for (int t = 0; t < taps; t++, xr++, wr += f)
            {
                var w0 = Vector256.Load(wr);
                var w1 = Vector256.Load(wr + 8);
                var w2 = Vector256.Load(wr + 16);
                var w3 = Vector256.Load(wr + 24);
                var x = Vector256.Create(xr[0]);
                a00 = Vector256.FusedMultiplyAdd(x, w0, a00); a01 = Vector256.FusedMultiplyAdd(x, w1, a01);
                a02 = Vector256.FusedMultiplyAdd(x, w2, a02); a03 = Vector256.FusedMultiplyAdd(x, w3, a03);
                x = Vector256.Create(xr[step]);
                a10 = Vector256.FusedMultiplyAdd(x, w0, a10); a11 = Vector256.FusedMultiplyAdd(x, w1, a11);
                a12 = Vector256.FusedMultiplyAdd(x, w2, a12); a13 = Vector256.FusedMultiplyAdd(x, w3, a13);
                x = Vector256.Create(xr[2 * step]);
                a20 = Vector256.FusedMultiplyAdd(x, w0, a20); a21 = Vector256.FusedMultiplyAdd(x, w1, a21);
                a22 = Vector256.FusedMultiplyAdd(x, w2, a22); a23 = Vector256.FusedMultiplyAdd(x, w3, a23);
            }
        }
        Store4(y, bias, a00, a01, a02, a03);
        Store4(y + f, bias, a10, a11, a12, a13);
        Store4(y + 2 * f, bias, a20, a21, a22, a23);
    }

    /// <summary>Store4 on Vector256: one pixel's 32 filters, plus the bias when there is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* y, float* bias, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        if (bias != null)
        {
            v0 += Vector256.Load(bias);
            v1 += Vector256.Load(bias + 8);
            v2 += Vector256.Load(bias + 16);
            v3 += Vector256.Load(bias + 24);
        }
        v0.Store(y);
        v1.Store(y + 8);
        v2.Store(y + 16);
        v3.Store(y + 24);
    }

    /// <summary>One output pixel, width filters (a whole number of vectors), one vector at a time: the row ends of a block narrower than four vectors.</summary>
    private static void Pixel(in ConvGeometry g, float* padded, int oh, int ow, float* w, int f, int width, float* bias, float* y)
    {
        int c = g.InC, taps = g.KW * c, rowFloats = PaddedCols(g) * c, lanes = Wide ? 16 : 8;
        for (int j = 0; j < width; j += lanes)
        {
            if (lanes == 16)
            {
                var acc = Vector512<float>.Zero;
                for (int a = 0; a < g.KH; a++)
                {
                    float* xr = padded + (long)(oh * g.Stride + a) * rowFloats + (long)ow * g.Stride * c;
                    float* wr = w + (long)a * taps * f + j;
                    for (int t = 0; t < taps; t++, wr += f)
                    {
                        acc = Vector512.FusedMultiplyAdd(Vector512.Create(xr[t]), Vector512.Load(wr), acc);
                    }
                }
                (bias == null ? acc : acc + Vector512.Load(bias + j)).Store(y + j);
            }
            else
            {
                var acc = Vector256<float>.Zero;
                for (int a = 0; a < g.KH; a++)
                {
                    float* xr = padded + (long)(oh * g.Stride + a) * rowFloats + (long)ow * g.Stride * c;
                    float* wr = w + (long)a * taps * f + j;
                    for (int t = 0; t < taps; t++, wr += f)
                    {
                        acc = Vector256.FusedMultiplyAdd(Vector256.Create(xr[t]), Vector256.Load(wr), acc);
                    }
                }
                (bias == null ? acc : acc + Vector256.Load(bias + j)).Store(y + j);
            }
        }
    }

    /// <summary>
    /// K slice FirstSlice + task: its rows' sums for every tap and filter, from zero, to its slot, a row of taps, five taps and
    /// a block of filters at a time, while the slice's rows of dy stay in the core's caches.
    /// </summary>
    private static void SliceTask(void* state, int task)
    {
        ref Job job = ref *(Job*)state;
        ConvGeometry g = job.G;
        // The slice's chunk of images and its rows in the chunk's im2col matrix.
        int slice = job.FirstSlice + task, chunk = g.ImagesPerChunk, n0 = 0, rows, depth;
        while (true)
        {
            rows = Math.Min(chunk, job.Images - n0) * g.OutPixels;
            depth = GemmBlocked.SliceDepth(rows);
            int count = (rows + depth - 1) / depth;
            if (slice < count)
            {
                break;
            }
            slice -= count;
            n0 += chunk;
        }
        int r0 = slice * depth, r1 = Math.Min(rows, r0 + depth);
        int f = job.Filters, taps = g.KW * g.InC;
        float* slot = job.Slots + (long)task * g.PatchSize * f;
        new Span<float>(slot, g.PatchSize * f).Clear();
        for (int a = 0; a < g.KH; a++)
        {
            for (int t0 = 0; t0 < taps; t0 += TapGroup)
            {
                int count = Math.Min(TapGroup, taps - t0);
                for (int f0 = 0; f0 < f; f0 += FilterBlock)
                {
                    int width = Math.Min(FilterBlock, f - f0);
                    float* grad = slot + ((long)a * taps + t0) * f + f0;
                    if (Wide && width == 64)
                    {
                        Slice5x64(ref job, a, t0, count, n0, r0, r1, f0, grad);
                        continue;
                    }
                    int j = 0;
                    if (!Wide)
                    {
                        for (; j + 16 <= width; j += 16)
                        {
                            Slice5x16(ref job, a, t0, count, n0, r0, r1, f0 + j, grad + j);
                        }
                    }
                    if (j < width)
                    {
                        SliceNarrow(ref job, a, t0, count, n0, r0, r1, f0 + j, width - j, grad + j);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Walks the output pixels r = (n, oh, ow) of a slice in order and points at each one's patch values for kernel row a
    /// from tap t0, without a division per pixel.
    /// </summary>
    private struct PatchCursor
    {
        private float* _origin;
        private readonly int _outW;
        private readonly int _outH;
        private readonly long _image;
        private readonly long _row;
        private readonly long _col;
        private float* _rowStart;
        private int _oh;
        private int _ow;

        public PatchCursor(ref Job job, int n0, int r, int a, int t0)
        {
            ConvGeometry g = job.G;
            _outW = g.OutW;
            _outH = g.OutH;
            _image = PaddedImage(g);
            _row = (long)g.Stride * PaddedCols(g) * g.InC;
            _col = (long)g.Stride * g.InC;
            int n = n0 + r / g.OutPixels, p = r % g.OutPixels;
            _oh = p / g.OutW;
            _ow = p % g.OutW;
            _origin = job.Padded + (long)n * _image + (long)a * PaddedCols(g) * g.InC + t0;
            _rowStart = _origin + _oh * _row;
        }

        /// <summary>The current pixel's patch values.</summary>
        public readonly float* Current => _rowStart + _ow * _col;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Next()
        {
            if (++_ow < _outW)
            {
                return;
            }
            _ow = 0;
            if (++_oh < _outH)
            {
                _rowStart += _row;
                return;
            }
            _oh = 0;
            _origin += _image;
            _rowStart = _origin;
        }
    }

    /// <summary>
    /// One K slice [r0, r1) for up to five taps and 64 filters: 20 accumulators from zero, one fused multiply-add per row,
    /// then added to the gradient (taps past count are summed from the next pixel's values and dropped).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Slice5x64(ref Job job, int a, int t0, int count, int n0, int r0, int r1, int f0, float* grad)
    {
        int f = job.Filters;
        float* dy = job.Y + ((long)n0 * job.G.OutPixels + r0) * f + f0;
        var cursor = new PatchCursor(ref job, n0, r0, a, t0);
        var z = Vector512<float>.Zero;
        Vector512<float> a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z, a23 = z;
        Vector512<float> a30 = z, a31 = z, a32 = z, a33 = z, a40 = z, a41 = z, a42 = z, a43 = z;
        for (int r = r0; r < r1; r++, dy += f, cursor.Next())
        {
            float* x = cursor.Current;
            var d0 = Vector512.Load(dy);
            var d1 = Vector512.Load(dy + 16);
            var d2 = Vector512.Load(dy + 32);
            var d3 = Vector512.Load(dy + 48);
            var v = Vector512.Create(x[0]);
            a00 = Vector512.FusedMultiplyAdd(v, d0, a00); a01 = Vector512.FusedMultiplyAdd(v, d1, a01);
            a02 = Vector512.FusedMultiplyAdd(v, d2, a02); a03 = Vector512.FusedMultiplyAdd(v, d3, a03);
            v = Vector512.Create(x[1]);
            a10 = Vector512.FusedMultiplyAdd(v, d0, a10); a11 = Vector512.FusedMultiplyAdd(v, d1, a11);
            a12 = Vector512.FusedMultiplyAdd(v, d2, a12); a13 = Vector512.FusedMultiplyAdd(v, d3, a13);
            v = Vector512.Create(x[2]);
            a20 = Vector512.FusedMultiplyAdd(v, d0, a20); a21 = Vector512.FusedMultiplyAdd(v, d1, a21);
            a22 = Vector512.FusedMultiplyAdd(v, d2, a22); a23 = Vector512.FusedMultiplyAdd(v, d3, a23);
            v = Vector512.Create(x[3]);
            a30 = Vector512.FusedMultiplyAdd(v, d0, a30); a31 = Vector512.FusedMultiplyAdd(v, d1, a31);
            a32 = Vector512.FusedMultiplyAdd(v, d2, a32); a33 = Vector512.FusedMultiplyAdd(v, d3, a33);
            v = Vector512.Create(x[4]);
            a40 = Vector512.FusedMultiplyAdd(v, d0, a40); a41 = Vector512.FusedMultiplyAdd(v, d1, a41);
            a42 = Vector512.FusedMultiplyAdd(v, d2, a42); a43 = Vector512.FusedMultiplyAdd(v, d3, a43);
        }
        AddTo(grad, a00, a01, a02, a03);
        if (count > 1)
        {
            AddTo(grad + f, a10, a11, a12, a13);
        }
        if (count > 2)
        {
            AddTo(grad + 2 * f, a20, a21, a22, a23);
        }
        if (count > 3)
        {
            AddTo(grad + 3 * f, a30, a31, a32, a33);
        }
        if (count > 4)
        {
            AddTo(grad + 4 * f, a40, a41, a42, a43);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(float* grad, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        (Vector512.Load(grad) + v0).Store(grad);
        (Vector512.Load(grad + 16) + v1).Store(grad + 16);
        (Vector512.Load(grad + 32) + v2).Store(grad + 32);
        (Vector512.Load(grad + 48) + v3).Store(grad + 48);
    }

    /// <summary>
    /// Slice5x64 on Vector256, whose 16 registers hold five taps of 16 filters: 10 accumulators, 2 loads of dy and 5
    /// broadcasts a row (one vector of filters at a time would load 6 values for 5 multiply-adds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Slice5x16(ref Job job, int a, int t0, int count, int n0, int r0, int r1, int f0, float* grad)
    {
        int f = job.Filters;
        float* dy = job.Y + ((long)n0 * job.G.OutPixels + r0) * f + f0;
        var cursor = new PatchCursor(ref job, n0, r0, a, t0);
        var z = Vector256<float>.Zero;
        Vector256<float> a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z, a40 = z, a41 = z;
        for (int r = r0; r < r1; r++, dy += f, cursor.Next())
        {
            float* x = cursor.Current;
            var d0 = Vector256.Load(dy);
            var d1 = Vector256.Load(dy + 8);
            var v = Vector256.Create(x[0]);
            a00 = Vector256.FusedMultiplyAdd(v, d0, a00); a01 = Vector256.FusedMultiplyAdd(v, d1, a01);
            v = Vector256.Create(x[1]);
            a10 = Vector256.FusedMultiplyAdd(v, d0, a10); a11 = Vector256.FusedMultiplyAdd(v, d1, a11);
            v = Vector256.Create(x[2]);
            a20 = Vector256.FusedMultiplyAdd(v, d0, a20); a21 = Vector256.FusedMultiplyAdd(v, d1, a21);
            v = Vector256.Create(x[3]);
            a30 = Vector256.FusedMultiplyAdd(v, d0, a30); a31 = Vector256.FusedMultiplyAdd(v, d1, a31);
            v = Vector256.Create(x[4]);
            a40 = Vector256.FusedMultiplyAdd(v, d0, a40); a41 = Vector256.FusedMultiplyAdd(v, d1, a41);
        }
        AddTo(grad, a00, a01);
        if (count > 1)
        {
            AddTo(grad + f, a10, a11);
        }
        if (count > 2)
        {
            AddTo(grad + 2 * f, a20, a21);
        }
        if (count > 3)
        {
            AddTo(grad + 3 * f, a30, a31);
        }
        if (count > 4)
        {
            AddTo(grad + 4 * f, a40, a41);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(float* grad, Vector256<float> v0, Vector256<float> v1)
    {
        (Vector256.Load(grad) + v0).Store(grad);
        (Vector256.Load(grad + 8) + v1).Store(grad + 8);
    }

    /// <summary>
    /// One K slice for up to five taps and width filters, one vector of filters at a time (blocks narrower than 64 filters,
    /// or on Vector256 than 16): 5 accumulators.
    /// </summary>
    private static void SliceNarrow(ref Job job, int a, int t0, int count, int n0, int r0, int r1, int f0, int width, float* grad)
    {
        int f = job.Filters, lanes = Wide ? 16 : 8;
        for (int j = 0; j < width; j += lanes)
        {
            float* dy = job.Y + ((long)n0 * job.G.OutPixels + r0) * f + f0 + j;
            if (lanes == 16)
            {
                var z = Vector512<float>.Zero;
                Vector512<float> s0 = z, s1 = z, s2 = z, s3 = z, s4 = z;
                var cursor = new PatchCursor(ref job, n0, r0, a, t0);
                for (int r = r0; r < r1; r++, dy += f, cursor.Next())
                {
                    float* x = cursor.Current;
                    var d = Vector512.Load(dy);
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[0]), d, s0);
                    s1 = Vector512.FusedMultiplyAdd(Vector512.Create(x[1]), d, s1);
                    s2 = Vector512.FusedMultiplyAdd(Vector512.Create(x[2]), d, s2);
                    s3 = Vector512.FusedMultiplyAdd(Vector512.Create(x[3]), d, s3);
                    s4 = Vector512.FusedMultiplyAdd(Vector512.Create(x[4]), d, s4);
                }
                Span<Vector512<float>> sums = [s0, s1, s2, s3, s4];
                for (int t = 0; t < count; t++)
                {
                    float* p = grad + (long)t * f + j;
                    (Vector512.Load(p) + sums[t]).Store(p);
                }
            }
            else
            {
                var z = Vector256<float>.Zero;
                Vector256<float> s0 = z, s1 = z, s2 = z, s3 = z, s4 = z;
                var cursor = new PatchCursor(ref job, n0, r0, a, t0);
                for (int r = r0; r < r1; r++, dy += f, cursor.Next())
                {
                    float* x = cursor.Current;
                    var d = Vector256.Load(dy);
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Create(x[0]), d, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.Create(x[1]), d, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.Create(x[2]), d, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.Create(x[3]), d, s3);
                    s4 = Vector256.FusedMultiplyAdd(Vector256.Create(x[4]), d, s4);
                }
                Span<Vector256<float>> sums = [s0, s1, s2, s3, s4];
                for (int t = 0; t < count; t++)
                {
                    float* p = grad + (long)t * f + j;
                    (Vector256.Load(p) + sums[t]).Store(p);
                }
            }
        }
    }
}
