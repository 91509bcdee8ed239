// Activation layers (LeakyReLU, ReLU, Tanh, Sigmoid) with Keras's class names and defaults.
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>The element-wise functions a <see cref="Activation"/> layer can apply.</summary>
public enum ActivationKind
{
    LeakyRelu,
    Relu,
    Tanh,
    Sigmoid,
}

/// <summary>
/// An element-wise activation. LeakyReLU (slope 0.3 by default, as Keras 2) and ReLU keep their input
/// for backward; Tanh and Sigmoid keep their output.
/// </summary>
public sealed class Activation : Layer
{
    private readonly ActivationKind _kind;
    private readonly float _slope;
    private Tensor? _input;
    private Tensor? _output;
    // Whether the last forward was run by the layer before, into this layer's output (TakeFusedOutput).
    private bool _fused;

    public Activation(ActivationKind kind, float slope = 0.3f, string? name = null) : base(name)
    {
        _kind = kind;
        _slope = kind == ActivationKind.LeakyRelu ? slope : 0f;
    }

    public ActivationKind Kind => _kind;

    /// <summary>LeakyReLU's slope for negative inputs (0 for the other kinds).</summary>
    public float Slope => _slope;

    public override string ClassName => _kind switch
    {
        ActivationKind.LeakyRelu => "LeakyReLU",
        ActivationKind.Relu => "ReLU",
        _ => "Activation",
    };

    public override string NameStem => _kind switch
    {
        ActivationKind.LeakyRelu => "leaky_re_lu",
        ActivationKind.Relu => "re_lu",
        _ => "activation",
    };

    protected override int[] OnBuild(int[] inputShape) => inputShape;

    /// <summary>
    /// Whether a BatchNormalization right before this layer may apply it in its own pass (<see cref="Sequential"/> fuses
    /// them): a LeakyReLU or ReLU, whose backward then tells the sign of its input from its output, the same for a slope
    /// of zero or more.
    /// </summary>
    internal bool FusesIntoBatchNorm => IsLeakyRelu && _slope >= 0f;

    /// <summary>A LeakyReLU, or a ReLU (a LeakyReLU of slope 0).</summary>
    private bool IsLeakyRelu => _kind is ActivationKind.LeakyRelu or ActivationKind.Relu;

    /// <summary>
    /// This forward run by the layer before (<see cref="FusesIntoBatchNorm"/>): the buffer it writes this layer's output
    /// into. The backward then reads the output, not the input, which the layer before never wrote.
    /// </summary>
    internal Tensor TakeFusedOutput(int batch)
    {
        _input = null;
        _fused = true;
        return Reuse(ref _output, batch, OutputShape);
    }

    /// <summary>
    /// A LeakyReLU or ReLU with a training dropout next applies both in one pass, written into the dropout's output; its
    /// own output is not written (its backward reads its input).
    /// </summary>
    internal override Tensor? ForwardWithNext(Tensor input, bool training, Layer next)
    {
        if (!IsLeakyRelu || next is not Dropout dropout)
        {
            return null;
        }
        CheckInput(input);
        if (dropout.TakeFusedOutput(input.Batch, training, out ulong key) is not { } y)
        {
            return null;
        }
        _input = input;
        _fused = false;
        DropoutKernel.Forward(key, dropout.Rate, input.Span, default, y.Span, _slope);
        return y;
    }

    /// <summary>
    /// A LeakyReLU or ReLU with a training dropout next runs the dropout's backward in its own, from the dropout's output
    /// gradient: the dropout's input gradient is never written.
    /// </summary>
    internal override bool TryBackwardWithNext(Tensor dOutput, GradientNeeds needs, Layer next, out Tensor? dInput)
    {
        dInput = null;
        if (!IsLeakyRelu || next is not Dropout dropout || !dropout.TryGetMaskKey(out ulong key))
        {
            return false;
        }
        var x = SignSource();
        if ((needs & GradientNeeds.Input) != 0)
        {
            dInput = InputGradient(dOutput, x.Batch);
            DropoutKernel.Backward(key, dropout.Rate, dOutput.Span, dInput.Span, x.Span, _slope);
        }
        return true;
    }

    /// <summary>
    /// What the backward reads: the input, or after a fused forward (a LeakyReLU's) the output, which is positive exactly
    /// where the input is.
    /// </summary>
    private Tensor SignSource() => (_fused ? _output : _input) ?? throw new InvalidOperationException("backward before forward");

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _input = input;
        _fused = false;
        var y = Reuse(ref _output, input.Batch, OutputShape);
        switch (_kind)
        {
            case ActivationKind.LeakyRelu:
            case ActivationKind.Relu:
                Activations.LeakyReluForward(input.Span, y.Span, _slope);
                break;
            case ActivationKind.Tanh:
                Activations.TanhForward(input.Span, y.Span);
                break;
            default:
                Activations.SigmoidForward(input.Span, y.Span);
                break;
        }
        return y;
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        var x = SignSource();
        if ((needs & GradientNeeds.Input) == 0)
        {
            return null;
        }
        var dx = InputGradient(dOutput, x.Batch);
        switch (_kind)
        {
            case ActivationKind.LeakyRelu:
            case ActivationKind.Relu:
                Activations.LeakyReluBackward(x.Span, dOutput.Span, dx.Span, _slope);
                break;
            case ActivationKind.Tanh:
                Activations.TanhBackward(_output!.Span, dOutput.Span, dx.Span);
                break;
            default:
                Activations.SigmoidBackward(_output!.Span, dOutput.Span, dx.Span);
                break;
        }
        return dx;
    }
}
