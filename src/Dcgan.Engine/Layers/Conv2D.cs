// 2-D convolution in NHWC with TensorFlow padding ('same' pads the odd pixel after), as im2col + GEMM.
// Kernel (kh, kw, in, out) flattens to the (kh*kw*in) x out matrix the GEMM needs; batches go through in chunks of images,
// and each chunk's im2col rows are grouped in row bands (RowBands) so the GEMMs skip the kernel rows that fall on padding.
// With ConvAlgorithm.Winograd a stride-2 'same' 5x5 layer on an even size runs Winograd instead (WinogradConvolution).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Keras Conv2D: glorot_uniform kernel (unless another initializer is given), zero bias.</summary>
public sealed class Conv2D : Layer
{
    private readonly ConvSettings _conv;
    private Parameter _kernel = null!;
    private Parameter? _bias;
    private ConvGeometry _g;
    private RowBand[] _bands = [];
    private float[] _cols = [];
    private float[] _dCols = [];
    // Output (or output gradient) rows of a chunk in banded order; unused when the geometry has a single band.
    private float[] _banded = [];
    private Tensor? _input;
    private Tensor? _output;
    private readonly ConvAlgorithm _requested;
    private readonly Initializer _kernelInitializer;
    // The Winograd path (null on the direct path).
    private WinogradConvolution? _winograd;
    // Few input channels (the image layer): the products run without im2col (FewChannelConv), with the same results.
    private bool _fewChannels;
    private float[] _padded = [];

    public Conv2D(int filters, int kernelSize, int stride = 1, string padding = "same", bool useBias = true, string? name = null,
        ConvAlgorithm algorithm = ConvAlgorithm.Direct, Initializer? kernelInitializer = null) : base(name)
    {
        _conv = ConvSettings.Create(filters, kernelSize, stride, padding, useBias);
        _requested = algorithm;
        _kernelInitializer = kernelInitializer ?? Initializer.GlorotUniform;
    }

    /// <summary>The algorithm this layer runs once built: Winograd only where asked for and the geometry has it.</summary>
    public ConvAlgorithm Algorithm => _winograd is null ? ConvAlgorithm.Direct : ConvAlgorithm.Winograd;

    /// <summary>Shapes, stride and TensorFlow padding once built (for exporters; the layer itself is the reference).</summary>
    public ConvGeometry Geometry => _g;

    public override string ClassName => "Conv2D";

    public override string NameStem => "conv2d";

    protected override int[] OnBuild(int[] inputShape)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"Conv2D takes (H, W, C) samples, got ({string.Join(", ", inputShape)})");
        }
        _g = ConvGeometry.ForConv(inputShape[0], inputShape[1], inputShape[2], _conv.KernelSize, _conv.KernelSize, _conv.Stride, _conv.Same);
        _bands = RowBands.Plan(_g);
        _winograd = _requested == ConvAlgorithm.Winograd ? WinogradConvolution.For(transposed: false, _conv, inputShape[0], inputShape[1], inputShape[2]) : null;
        _fewChannels = _winograd is null && _bands.Length == 1 && FewChannelConv.Supports(_g, _conv.Filters);
        _kernel = AddParameter("kernel", [_conv.KernelSize, _conv.KernelSize, inputShape[2], _conv.Filters], trainable: true);
        _bias = _conv.UseBias ? AddParameter("bias", [_conv.Filters], trainable: true) : null;
        return [_g.OutH, _g.OutW, _conv.Filters];
    }

    public override void Initialize(Rng rng)
    {
        _kernelInitializer.Fill(_kernel.Value, _kernel.Shape, rng);
        _bias?.Value.Clear();
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        int n = input.Batch;
        _input = input;
        int patch = _g.PatchSize, inSize = InputShape[0] * InputShape[1] * InputShape[2], outSize = _g.OutPixels * _conv.Filters;
        var y = Reuse(ref _output, n, OutputShape);
        if (_winograd is not null)
        {
            _winograd.Forward(n, input.Span, _kernel.Value, y.Span, training);
            AddBias(y);
            return y;
        }
        if (_fewChannels)
        {
            FewChannelConv.Forward(_g, n, Padded(input), _kernel.Value, _bias is null ? default : _bias.Value, _conv.Filters, y.Span);
            return y;
        }
        // Chunk by chunk of images, so the im2col rows are multiplied while still in cache.
        int chunk = _g.ImagesPerChunk;
        var cols = Scratch.Floats(ref _cols, Math.Min(chunk, n) * _g.OutPixels * patch);
        int f = _conv.Filters;
        var packed = BandedKernel.PackRows(_kernel.Value, f, _bands, _g);
        for (int n0 = 0; n0 < n; n0 += chunk)
        {
            int cn = Math.Min(chunk, n - n0), rows = cn * _g.OutPixels;
            var yc = y.Span.Slice(n0 * outSize, cn * outSize);
            var yb = _bands.Length > 1 ? Scratch.Floats(ref _banded, rows * f) : yc;
            // cols[cn*OH*OW, kh*kw*C] = patches of x, banded
            Im2Col.Gather(_g, cn, input.Span.Slice(n0 * inSize, cn * inSize), cols, _bands);
            foreach (RowBand band in _bands)
            {
                // y[band rows, F] = cols[band rows, band taps] * W[band taps, F]
                int r0 = band.FirstRow(_g, cn), k0 = band.FirstColumn(_g);
                BandedKernel.MultiplyByRows(packed, _g, band, band.RowCount(_g, cn), f, cols[(r0 * patch + k0)..], patch,
                    _kernel.Value, yb[(r0 * f)..], f);
            }
            if (_bands.Length > 1)
            {
                RowBands.FromBanded(_g, _bands, cn, f, yb, yc);
            }
        }
        AddBias(y);
        return y;
    }

    /// <summary>The images padded for the direct products (FewChannelConv.Pad).</summary>
    private Span<float> Padded(Tensor images)
    {
        var padded = Scratch.Floats(ref _padded, checked((int)FewChannelConv.PaddedFloats(_g, images.Batch)));
        FewChannelConv.Pad(_g, images.Batch, images.Span, padded);
        return padded;
    }

    private void AddBias(Tensor y)
    {
        if (_bias is not null)
        {
            VectorMath.AddRowVector(y.Span, _bias.Value);
        }
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        var x = _input ?? throw new InvalidOperationException("backward before forward");
        int n = x.Batch, patch = _g.PatchSize, inSize = InputShape[0] * InputShape[1] * InputShape[2], outSize = _g.OutPixels * _conv.Filters;
        bool parameters = (needs & GradientNeeds.Parameters) != 0, input = (needs & GradientNeeds.Input) != 0;
        if (parameters && _bias is not null)
        {
            VectorMath.AddColumnSums(dOutput.Span, _bias.Grad);
        }
        var dx = input ? InputGradient(dOutput, n) : null;
        if (_winograd is not null)
        {
            if (parameters || input)
            {
                _winograd.Backward(n, x.Span, dOutput.Span, dx is null ? default : dx.Span, parameters ? _kernel.Grad : default);
            }
            return dx;
        }
        if (parameters && _fewChannels)
        {
            FewChannelConv.AccumulateKernelGradient(_g, n, Padded(x), dOutput.Span, _conv.Filters, _kernel.Grad);
            parameters = false;
        }
        if (!parameters && !input)
        {
            return dx;
        }
        int chunk = _g.ImagesPerChunk;
        int chunkFloats = Math.Min(chunk, n) * _g.OutPixels * patch;
        var cols = parameters ? Scratch.Floats(ref _cols, chunkFloats) : default;
        var dCols = input ? Scratch.Floats(ref _dCols, chunkFloats) : default;
        int f = _conv.Filters;
        var packed = input ? BandedKernel.PackTransposed(_kernel.Value, f, _bands, _g) : default;
        for (int n0 = 0; n0 < n; n0 += chunk)
        {
            int cn = Math.Min(chunk, n - n0), rows = cn * _g.OutPixels;
            var dy = dOutput.Span.Slice(n0 * outSize, cn * outSize);
            var dyb = _bands.Length > 1 ? Scratch.Floats(ref _banded, rows * f) : dy;
            if (_bands.Length > 1)
            {
                RowBands.ToBanded(_g, _bands, cn, f, dy, dyb);
            }
            if (parameters)
            {
                // dW[band taps, F] += cols[band rows, band taps]^T * dy[band rows], the patches gathered again rather than kept.
                Im2Col.Gather(_g, cn, x.Span.Slice(n0 * inSize, cn * inSize), cols, _bands);
                foreach (RowBand band in _bands)
                {
                    int r0 = band.FirstRow(_g, cn), k0 = band.FirstColumn(_g);
                    Gemm.Sgemm(true, false, band.Columns(_g), f, band.RowCount(_g, cn), cols[(r0 * patch + k0)..], patch,
                        dyb[(r0 * f)..], f, 1f, _kernel.Grad[(k0 * f)..], f);
                }
            }
            if (input)
            {
                // dcols[band rows, band taps] = dy[band rows] * W[band taps]^T, then scatter the patches back.
                foreach (RowBand band in _bands)
                {
                    int r0 = band.FirstRow(_g, cn), k0 = band.FirstColumn(_g);
                    BandedKernel.MultiplyByTransposed(packed, _g, band, band.RowCount(_g, cn), f, dyb[(r0 * f)..], f, _kernel.Value,
                        dCols[(r0 * patch + k0)..], patch);
                }
                Im2Col.Scatter(_g, cn, dCols, dx!.Span.Slice(n0 * inSize, cn * inSize), accumulate: false, _bands);
            }
        }
        return dx;
    }
}
