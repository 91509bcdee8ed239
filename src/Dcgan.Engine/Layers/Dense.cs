// Fully connected layer y = x W + b (Keras Dense: kernel (in, out), glorot_uniform unless another initializer is given,
// bias zeros).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Dense on the last axis of a rank-1 sample (N x in -> N x out).</summary>
public sealed class Dense : Layer
{
    private readonly int _units;
    private readonly bool _useBias;
    private readonly Initializer _kernelInitializer;
    private Parameter _kernel = null!;
    private Parameter? _bias;
    private Tensor? _input;
    private Tensor? _output;

    public Dense(int units, bool useBias = true, string? name = null, Initializer? kernelInitializer = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        _units = units;
        _useBias = useBias;
        _kernelInitializer = kernelInitializer ?? Initializer.GlorotUniform;
    }

    public override string ClassName => "Dense";

    public override string NameStem => "dense";

    protected override int[] OnBuild(int[] inputShape)
    {
        if (inputShape.Length != 1)
        {
            throw new ArgumentException($"Dense takes a flat input, got ({string.Join(", ", inputShape)}); add Flatten first");
        }
        _kernel = AddParameter("kernel", [inputShape[0], _units], trainable: true);
        _bias = _useBias ? AddParameter("bias", [_units], trainable: true) : null;
        return [_units];
    }

    public override void Initialize(Rng rng)
    {
        _kernelInitializer.Fill(_kernel.Value, _kernel.Shape, rng);
        _bias?.Value.Clear();
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        int n = input.Batch, inDim = InputShape[0];
        _input = input;
        var y = Reuse(ref _output, n, OutputShape);
        // y[N, out] = x[N, in] * W[in, out]
        Gemm.Sgemm(false, false, n, _units, inDim, input.Span, inDim, _kernel.Value, _units, 0f, y.Span, _units);
        if (_bias is not null)
        {
            VectorMath.AddRowVector(y.Span, _bias.Value);
        }
        return y;
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        var x = _input ?? throw new InvalidOperationException("backward before forward");
        int n = x.Batch, inDim = InputShape[0];
        if ((needs & GradientNeeds.Parameters) != 0)
        {
            // dW[in, out] += x^T[in, N] * dy[N, out]; db += column sums of dy.
            Gemm.Sgemm(true, false, inDim, _units, n, x.Span, inDim, dOutput.Span, _units, 1f, _kernel.Grad, _units);
            if (_bias is not null)
            {
                VectorMath.AddColumnSums(dOutput.Span, _bias.Grad);
            }
        }
        if ((needs & GradientNeeds.Input) == 0)
        {
            return null;
        }
        var dx = InputGradient(dOutput, n);
        // dx[N, in] = dy[N, out] * W^T[out, in]
        Gemm.Sgemm(false, true, n, inDim, _units, dOutput.Span, _units, _kernel.Value, _units, 0f, dx.Span, inDim);
        return dx;
    }
}
