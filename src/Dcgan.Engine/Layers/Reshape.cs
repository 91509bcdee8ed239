// Reshape and Flatten: views of the same buffer with another per-sample shape (row-major, like Keras NHWC).
namespace Dcgan.Engine.Layers;

/// <summary>Keras Reshape (or Flatten when built with <see cref="Flatten"/>): no arithmetic, only a new shape.</summary>
public sealed class Reshape : Layer
{
    private readonly int[]? _target;
    private Tensor? _forwardView, _backwardView;

    /// <summary>Reshape to <paramref name="targetShape"/> (per sample).</summary>
    public Reshape(int[] targetShape, string? name = null) : base(name) => _target = (int[])targetShape.Clone();

    private Reshape(string? name) : base(name) => _target = null;

    /// <summary>A Keras Flatten layer: (H, W, C) -> (H*W*C).</summary>
    public static Reshape Flatten(string? name = null) => new(name);

    public override string ClassName => _target is null ? "Flatten" : "Reshape";

    public override string NameStem => _target is null ? "flatten" : "reshape";

    protected override int[] OnBuild(int[] inputShape)
    {
        long size = 1;
        foreach (int d in inputShape)
        {
            size *= d;
        }
        if (_target is null)
        {
            return [checked((int)size)];
        }
        long target = 1;
        foreach (int d in _target)
        {
            target *= d;
        }
        if (target != size)
        {
            throw new ArgumentException($"cannot reshape ({string.Join(", ", inputShape)}) to ({string.Join(", ", _target)})");
        }
        return (int[])_target.Clone();
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        return input.ReuseView(ref _forwardView, OutputShape);
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
        => (needs & GradientNeeds.Input) != 0 ? dOutput.ReuseView(ref _backwardView, InputShape) : null;
}
