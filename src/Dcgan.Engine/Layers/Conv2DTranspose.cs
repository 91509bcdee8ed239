// Transposed 2-D convolution in NHWC with TensorFlow 'same'/'valid' output sizes, as GEMM + col2im:
// y[n, i*s+a-P, j*s+b-P, oc] += x[n, i, j, ic] * W[a, b, oc, ic]. Kernel (kh, kw, out, in).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Keras Conv2DTranspose: glorot_uniform kernel (fans from (kh, kw, out, in)), zero bias.</summary>
public sealed class Conv2DTranspose : Layer
{
    private readonly int _filters;
    private readonly int _kernelSize;
    private readonly int _stride;
    private readonly bool _same;
    private readonly bool _useBias;
    private Parameter _kernel = null!;
    private Parameter? _bias;
    // The conv this layer is the transpose of: its input is our output and its output our input.
    private ConvGeometry _g;
    private float[] _cols = [];
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _dInput;

    public Conv2DTranspose(int filters, int kernelSize, int stride = 1, string padding = "same", bool useBias = true, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        _filters = filters;
        _kernelSize = kernelSize;
        _stride = stride;
        _same = Conv2D.ParsePadding(padding);
        _useBias = useBias;
    }

    public override string ClassName => "Conv2DTranspose";

    public override string NameStem => "conv2d_transpose";

    protected override int[] OnBuild(int[] inputShape)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"Conv2DTranspose takes (H, W, C) samples, got ({string.Join(", ", inputShape)})");
        }
        _g = ConvGeometry.ForConvTranspose(inputShape[0], inputShape[1], _filters, _kernelSize, _kernelSize, _stride, _same);
        _kernel = AddParameter("kernel", [_kernelSize, _kernelSize, _filters, inputShape[2]], trainable: true);
        _bias = _useBias ? AddParameter("bias", [_filters], trainable: true) : null;
        return [_g.InH, _g.InW, _filters];
    }

    public override void Initialize(Rng rng)
    {
        Initializers.GlorotUniform(_kernel.Value, _kernel.Shape, rng);
        _bias?.Value.Clear();
    }

    private int InChannels => InputShape[2];

    private Span<float> Cols(int length)
    {
        if (_cols.Length < length)
        {
            _cols = new float[length];
        }
        return _cols.AsSpan(0, length);
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _input = input;
        int n = input.Batch, rows = n * _g.OutPixels, patch = _g.PatchSize, ic = InChannels;
        var cols = Cols(rows * patch);
        // cols[N*H*W, kh*kw*F] = x[N*H*W, IC] * Wm^T, with Wm = W viewed as [kh*kw*F, IC]
        Gemm.Sgemm(false, true, rows, patch, ic, input.Span, ic, _kernel.Value, ic, 0f, cols, patch);
        var y = Reuse(ref _output, n, OutputShape);
        Im2Col.Scatter(_g, n, cols, y.Span, accumulate: false);
        if (_bias is not null)
        {
            VectorMath.AddRowVector(y.Span, _bias.Value);
        }
        return y;
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        var x = _input ?? throw new InvalidOperationException("backward before forward");
        int n = x.Batch, rows = n * _g.OutPixels, patch = _g.PatchSize, ic = InChannels;
        var dCols = Cols(rows * patch);
        // dcols[N*H*W, kh*kw*F] = patches of dy: the adjoint of the forward's scatter.
        Im2Col.Gather(_g, n, dOutput.Span, dCols);
        if ((needs & GradientNeeds.Parameters) != 0)
        {
            // dWm[kh*kw*F, IC] += dcols^T * x
            Gemm.Sgemm(true, false, patch, ic, rows, dCols, patch, x.Span, ic, 1f, _kernel.Grad, ic);
            if (_bias is not null)
            {
                VectorMath.AddColumnSums(dOutput.Span, _bias.Grad);
            }
        }
        if ((needs & GradientNeeds.Input) == 0)
        {
            return null;
        }
        var dx = Reuse(ref _dInput, n, InputShape);
        // dx[N*H*W, IC] = dcols * Wm
        Gemm.Sgemm(false, false, rows, ic, patch, dCols, patch, _kernel.Value, ic, 0f, dx.Span, ic);
        return dx;
    }
}
