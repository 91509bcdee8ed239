// Inverted dropout (Keras Dropout): in training each element is zeroed with probability `rate` and the
// survivors scaled by 1/(1 - rate); in inference it is the identity. Masks are keyed by one draw of the model's seeded stream,
// and the backward draws the forward's mask again from that key rather than storing it.
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Keras Dropout with a seeded mask per forward call.</summary>
public sealed class Dropout : Layer
{
    private readonly float _rate;
    // The key of the last training forward's mask.
    private ulong _key;
    private bool _lastTraining;
    private Tensor? _output;

    public Dropout(float rate, string? name = null) : base(name)
    {
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), "dropout rate must be in [0, 1)");
        }
        _rate = rate;
    }

    public float Rate => _rate;

    public override string ClassName => "Dropout";

    public override string NameStem => "dropout";

    protected override int[] OnBuild(int[] inputShape) => inputShape;

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        if (TakeFusedOutput(input.Batch, training, out ulong key) is not { } y)
        {
            return input;
        }
        DropoutKernel.Forward(key, _rate, input.Span, default, y.Span);
        return y;
    }

    /// <summary>
    /// The start of a forward, this layer's own or one run by the layer before (an <see cref="Activation"/> that applies
    /// itself and this dropout in one pass): in training, draws this call's mask key and hands it out with the buffer the
    /// output goes in; else null, the forward being the identity.
    /// </summary>
    internal Tensor? TakeFusedOutput(int batch, bool training, out ulong key)
    {
        key = 0;
        _lastTraining = training && _rate > 0f;
        if (!_lastTraining)
        {
            return null;
        }
        var rng = Random ?? throw new InvalidOperationException($"{Name}: no random stream set for dropout");
        // One draw from the model's stream per call keys a counter-based mask, so masks fill in parallel and the
        // stream (which checkpoints save) advances the same whatever the tensor size or thread count.
        _key = key = rng.NextUInt64();
        return Reuse(ref _output, batch, OutputShape);
    }

    /// <summary>
    /// Whether the last forward dropped anything (a training forward at a rate above 0), with the key its mask was drawn
    /// from: what the layer before needs to run this layer's backward in its own (<see cref="Activation"/>).
    /// </summary>
    internal bool TryGetMaskKey(out ulong key)
    {
        key = _key;
        return _lastTraining;
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        if ((needs & GradientNeeds.Input) == 0)
        {
            return null;
        }
        if (!_lastTraining)
        {
            return dOutput;
        }
        var dx = InputGradient(dOutput, dOutput.Batch);
        DropoutKernel.Backward(_key, _rate, dOutput.Span, dx.Span);
        return dx;
    }
}
