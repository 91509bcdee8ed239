// 2-D convolution in NHWC with TensorFlow padding ('same' pads the odd pixel after), as im2col + GEMM.
// Kernel (kh, kw, in, out) flattens to the (kh*kw*in) x out matrix the GEMM needs.
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Keras Conv2D: glorot_uniform kernel, zero bias.</summary>
public sealed class Conv2D : Layer
{
    private readonly int _filters;
    private readonly int _kernelSize;
    private readonly int _stride;
    private readonly bool _same;
    private readonly bool _useBias;
    private Parameter _kernel = null!;
    private Parameter? _bias;
    private ConvGeometry _g;
    private float[] _cols = [];
    private Tensor? _output;
    private Tensor? _dInput;
    private int _batch;

    public Conv2D(int filters, int kernelSize, int stride = 1, string padding = "same", bool useBias = true, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        _filters = filters;
        _kernelSize = kernelSize;
        _stride = stride;
        _same = ParsePadding(padding);
        _useBias = useBias;
    }

    public override string ClassName => "Conv2D";

    public override string NameStem => "conv2d";

    internal static bool ParsePadding(string padding) => padding switch
    {
        "same" => true,
        "valid" => false,
        _ => throw new ArgumentException($"padding must be 'same' or 'valid', got '{padding}'"),
    };

    protected override int[] OnBuild(int[] inputShape)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"Conv2D takes (H, W, C) samples, got ({string.Join(", ", inputShape)})");
        }
        _g = ConvGeometry.ForConv(inputShape[0], inputShape[1], inputShape[2], _kernelSize, _kernelSize, _stride, _same);
        _kernel = AddParameter("kernel", [_kernelSize, _kernelSize, inputShape[2], _filters], trainable: true);
        _bias = _useBias ? AddParameter("bias", [_filters], trainable: true) : null;
        return [_g.OutH, _g.OutW, _filters];
    }

    public override void Initialize(Rng rng)
    {
        Initializers.GlorotUniform(_kernel.Value, _kernel.Shape, rng);
        _bias?.Value.Clear();
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        int n = input.Batch;
        _batch = n;
        int rows = n * _g.OutPixels, patch = _g.PatchSize;
        if (_cols.Length < rows * patch)
        {
            _cols = new float[rows * patch];
        }
        var cols = _cols.AsSpan(0, rows * patch);
        // cols[N*OH*OW, kh*kw*C] = patches of x
        Im2Col.Gather(_g, n, input.Span, cols);
        var y = Reuse(ref _output, n, OutputShape);
        // y[N*OH*OW, F] = cols * W[kh*kw*C, F]
        Gemm.Sgemm(false, false, rows, _filters, patch, cols, patch, _kernel.Value, _filters, 0f, y.Span, _filters);
        if (_bias is not null)
        {
            VectorMath.AddRowVector(y.Span, _bias.Value);
        }
        return y;
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        int n = _batch;
        if (n == 0)
        {
            throw new InvalidOperationException("backward before forward");
        }
        int rows = n * _g.OutPixels, patch = _g.PatchSize;
        var cols = _cols.AsSpan(0, rows * patch);
        if ((needs & GradientNeeds.Parameters) != 0)
        {
            // dW[kh*kw*C, F] += cols^T * dy[N*OH*OW, F]
            Gemm.Sgemm(true, false, patch, _filters, rows, cols, patch, dOutput.Span, _filters, 1f, _kernel.Grad, _filters);
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
        // dcols = dy * W^T, then scatter the patches back. The forward's cols are no longer needed
        // after the weight gradient, but Backward may run again, so use a separate buffer.
        var dCols = ScratchCols(rows * patch);
        Gemm.Sgemm(false, true, rows, patch, _filters, dOutput.Span, _filters, _kernel.Value, _filters, 0f, dCols, patch);
        Im2Col.Scatter(_g, n, dCols, dx.Span, accumulate: false);
        return dx;
    }

    private float[] _dCols = [];

    private Span<float> ScratchCols(int length)
    {
        if (_dCols.Length < length)
        {
            _dCols = new float[length];
        }
        return _dCols.AsSpan(0, length);
    }
}
