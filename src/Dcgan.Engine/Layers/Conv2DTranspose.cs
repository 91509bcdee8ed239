// Transposed 2-D convolution in NHWC with TensorFlow 'same'/'valid' output sizes, as GEMM + col2im:
// y[n, i*s+a-P, j*s+b-P, oc] += x[n, i, j, ic] * W[a, b, oc, ic]. Kernel (kh, kw, out, in); batches go in chunks of images,
// whose input pixels are grouped in row bands (RowBands) so the GEMMs skip the kernel rows that land outside the output.
// With ConvAlgorithm.Winograd the 'same' 5x5 layers of stride 1 and 2 run Winograd instead (WinogradConvolution).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Keras Conv2DTranspose: glorot_uniform kernel (fans from (kh, kw, out, in)) unless another initializer is given, zero bias.</summary>
public sealed class Conv2DTranspose : Layer
{
    private readonly ConvSettings _conv;
    private Parameter _kernel = null!;
    private Parameter? _bias;
    // The conv this layer is the transpose of: its input is our output and its output our input.
    private ConvGeometry _g;
    private RowBand[] _bands = [];
    private float[] _cols = [];
    // A chunk of the input (and of its gradient) in banded order; unused when the geometry has a single band.
    private float[] _banded = [];
    private float[] _dBanded = [];
    private Tensor? _input;
    private Tensor? _output;
    private readonly ConvAlgorithm _requested;
    private readonly Initializer _kernelInitializer;
    // The Winograd path (null on the direct path).
    private WinogradConvolution? _winograd;
    // Few output channels (the image layer): the backward's products run without im2col (FewChannelConv), same results.
    private bool _fewChannels;
    private float[] _padded = [];

    public Conv2DTranspose(int filters, int kernelSize, int stride = 1, string padding = "same", bool useBias = true, string? name = null,
        ConvAlgorithm algorithm = ConvAlgorithm.Direct, Initializer? kernelInitializer = null) : base(name)
    {
        _conv = ConvSettings.Create(filters, kernelSize, stride, padding, useBias);
        _requested = algorithm;
        _kernelInitializer = kernelInitializer ?? Initializer.GlorotUniform;
    }

    /// <summary>The algorithm this layer runs once built: Winograd only where asked for and the geometry has it.</summary>
    public ConvAlgorithm Algorithm => _winograd is null ? ConvAlgorithm.Direct : ConvAlgorithm.Winograd;

    /// <summary>
    /// Shapes, stride and TensorFlow padding once built, as the convolution this layer is the transpose of (its input is
    /// this layer's output); for exporters.
    /// </summary>
    public ConvGeometry Geometry => _g;

    public override string ClassName => "Conv2DTranspose";

    public override string NameStem => "conv2d_transpose";

    protected override int[] OnBuild(int[] inputShape)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"Conv2DTranspose takes (H, W, C) samples, got ({string.Join(", ", inputShape)})");
        }
        _g = ConvGeometry.ForConvTranspose(inputShape[0], inputShape[1], _conv.Filters, _conv.KernelSize, _conv.KernelSize, _conv.Stride, _conv.Same);
        _bands = RowBands.Plan(_g);
        _winograd = _requested == ConvAlgorithm.Winograd ? WinogradConvolution.For(transposed: true, _conv, inputShape[0], inputShape[1], inputShape[2]) : null;
        _fewChannels = _winograd is null && _bands.Length == 1 && FewChannelConv.Supports(_g, inputShape[2]);
        _kernel = AddParameter("kernel", [_conv.KernelSize, _conv.KernelSize, _conv.Filters, inputShape[2]], trainable: true);
        _bias = _conv.UseBias ? AddParameter("bias", [_conv.Filters], trainable: true) : null;
        return [_g.InH, _g.InW, _conv.Filters];
    }

    public override void Initialize(Rng rng)
    {
        _kernelInitializer.Fill(_kernel.Value, _kernel.Shape, rng);
        _bias?.Value.Clear();
    }

    private int InChannels => InputShape[2];

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _input = input;
        var y = Reuse(ref _output, input.Batch, OutputShape);
        if (_winograd is not null)
        {
            _winograd.Forward(input.Batch, input.Span, _kernel.Value, y.Span, training);
        }
        else
        {
            DirectForward(input, y);
        }
        if (_bias is not null)
        {
            VectorMath.AddRowVector(y.Span, _bias.Value);
        }
        return y;
    }

    private void DirectForward(Tensor input, Tensor y)
    {
        int n = input.Batch, patch = _g.PatchSize, ic = InChannels, inSize = _g.OutPixels * ic, outSize = _g.InH * _g.InW * _conv.Filters;
        // Chunk by chunk of images, so the columns are scattered while still in cache.
        int chunk = _g.ImagesPerChunk;
        var cols = Scratch.Floats(ref _cols, Math.Min(chunk, n) * _g.OutPixels * patch);
        var packed = BandedKernel.PackTransposed(_kernel.Value, ic, _bands, _g);
        for (int n0 = 0; n0 < n; n0 += chunk)
        {
            int cn = Math.Min(chunk, n - n0);
            var xb = InputInBandedOrder(input.Span.Slice(n0 * inSize, cn * inSize), cn);
            foreach (RowBand band in _bands)
            {
                // cols[band rows, band taps] = x[band rows, IC] * Wm[band taps]^T, with Wm = W viewed as [kh*kw*F, IC]
                int r0 = band.FirstRow(_g, cn), k0 = band.FirstColumn(_g);
                BandedKernel.MultiplyByTransposed(packed, _g, band, band.RowCount(_g, cn), ic, xb[(r0 * ic)..], ic, _kernel.Value,
                    cols[(r0 * patch + k0)..], patch);
            }
            Im2Col.Scatter(_g, cn, cols, y.Span.Slice(n0 * outSize, cn * outSize), accumulate: false, _bands);
        }
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        var x = _input ?? throw new InvalidOperationException("backward before forward");
        int n = x.Batch, patch = _g.PatchSize, ic = InChannels, inSize = _g.OutPixels * ic, outSize = _g.InH * _g.InW * _conv.Filters;
        bool parameters = (needs & GradientNeeds.Parameters) != 0, input = (needs & GradientNeeds.Input) != 0;
        if (parameters && _bias is not null)
        {
            VectorMath.AddColumnSums(dOutput.Span, _bias.Grad);
        }
        var dx = input ? InputGradient(dOutput, n) : null;
        if (!parameters && !input)
        {
            return null;
        }
        if (_winograd is not null)
        {
            _winograd.Backward(n, x.Span, dOutput.Span, dx is null ? default : dx.Span, parameters ? _kernel.Grad : default);
            return dx;
        }
        if (_fewChannels)
        {
            // The output gradient is the image the conv this layer transposes reads: dW and dx are that conv's kernel
            // gradient and forward, both reading one padding of it.
            var padded = Scratch.Floats(ref _padded, checked((int)FewChannelConv.PaddedFloats(_g, n)));
            FewChannelConv.Pad(_g, n, dOutput.Span, padded);
            if (parameters)
            {
                FewChannelConv.AccumulateKernelGradient(_g, n, padded, x.Span, ic, _kernel.Grad);
            }
            if (input)
            {
                FewChannelConv.Forward(_g, n, padded, _kernel.Value, default, ic, dx!.Span);
            }
            return dx;
        }
        int chunk = _g.ImagesPerChunk;
        var dCols = Scratch.Floats(ref _cols, Math.Min(chunk, n) * _g.OutPixels * patch);
        bool banded = _bands.Length > 1;
        var packed = input ? BandedKernel.PackRows(_kernel.Value, ic, _bands, _g) : default;
        for (int n0 = 0; n0 < n; n0 += chunk)
        {
            int cn = Math.Min(chunk, n - n0), rows = cn * _g.OutPixels;
            // dcols[band rows, band taps] = patches of dy: the adjoint of the forward's scatter, gathered once for both GEMMs.
            Im2Col.Gather(_g, cn, dOutput.Span.Slice(n0 * outSize, cn * outSize), dCols, _bands);
            if (parameters)
            {
                var xb = InputInBandedOrder(x.Span.Slice(n0 * inSize, cn * inSize), cn);
                foreach (RowBand band in _bands)
                {
                    // dWm[band taps, IC] += dcols[band rows, band taps]^T * x[band rows]
                    int r0 = band.FirstRow(_g, cn), k0 = band.FirstColumn(_g);
                    Gemm.Sgemm(true, false, band.Columns(_g), ic, band.RowCount(_g, cn), dCols[(r0 * patch + k0)..], patch,
                        xb[(r0 * ic)..], ic, 1f, _kernel.Grad[(k0 * ic)..], ic);
                }
            }
            if (input)
            {
                var dxc = dx!.Span.Slice(n0 * inSize, cn * inSize);
                var dxb = banded ? Scratch.Floats(ref _dBanded, rows * ic) : dxc;
                foreach (RowBand band in _bands)
                {
                    // dx[band rows, IC] = dcols[band rows, band taps] * Wm[band taps]
                    int r0 = band.FirstRow(_g, cn), k0 = band.FirstColumn(_g);
                    BandedKernel.MultiplyByRows(packed, _g, band, band.RowCount(_g, cn), ic, dCols[(r0 * patch + k0)..], patch,
                        _kernel.Value, dxb[(r0 * ic)..], ic);
                }
                if (banded)
                {
                    RowBands.FromBanded(_g, _bands, cn, ic, dxb, dxc);
                }
            }
        }
        return dx;
    }

    /// <summary>A chunk of input images with its pixel rows in banded order: a copy, or the chunk itself with one band.</summary>
    private ReadOnlySpan<float> InputInBandedOrder(ReadOnlySpan<float> chunk, int images)
    {
        if (_bands.Length == 1)
        {
            return chunk;
        }
        var banded = Scratch.Floats(ref _banded, chunk.Length);
        RowBands.ToBanded(_g, _bands, images, InChannels, chunk, banded);
        return banded;
    }
}
