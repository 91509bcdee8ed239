// A named weight tensor living in a slice of its model's flat parameter buffer (llm.c style),
// so the optimizer and the checkpoint each see one contiguous array.
namespace Dcgan.Engine;

/// <summary>One parameter tensor (kernel, bias, gamma, moving mean, ...) with its gradient slice.</summary>
public sealed class Parameter
{
    private float[] _values = [];
    private float[] _grads = [];

    public Parameter(string name, int[] shape, bool trainable)
    {
        Name = name;
        Shape = shape;
        Trainable = trainable;
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        Length = checked((int)n);
    }

    /// <summary>The name inside its layer: kernel, bias, gamma, beta, moving_mean, moving_variance.</summary>
    public string Name { get; }

    /// <summary>Keras layout (Dense (in, out); Conv2D (kh, kw, in, out); Conv2DTranspose (kh, kw, out, in)).</summary>
    public int[] Shape { get; }

    /// <summary>Trained by the optimizer (false for BatchNorm moving statistics).</summary>
    public bool Trainable { get; }

    public int Length { get; }

    /// <summary>Offset of this tensor in its flat buffer.</summary>
    public int Offset { get; private set; }

    public Span<float> Value => _values.AsSpan(Offset, Length);

    /// <summary>The gradient (trainable parameters only; empty otherwise).</summary>
    public Span<float> Grad => Trainable ? _grads.AsSpan(Offset, Length) : Span<float>.Empty;

    /// <summary>Points this parameter at its slice of the model's flat buffers.</summary>
    internal void Bind(float[] values, float[] grads, int offset)
    {
        _values = values;
        _grads = grads;
        Offset = offset;
    }
}
