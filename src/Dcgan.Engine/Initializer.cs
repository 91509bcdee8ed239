// A layer's choice of initial values: Keras's glorot_uniform (the tutorial's layers), a constant (Keras's BatchNorm gamma),
// or a normal distribution (the DCGAN paper's N(0, 0.02) weights and N(1, 0.02) BatchNorm scales, pytorch/examples' weights_init).
namespace Dcgan.Engine;

using Dcgan.Kernels;

/// <summary>How a layer fills one of its parameter tensors from the model's seeded stream (see <see cref="Initializers"/>).</summary>
public sealed class Initializer
{
    private enum Kind
    {
        GlorotUniform,
        Constant,
        Normal,
    }

    private readonly Kind _kind;
    private readonly double _a, _b;

    private Initializer(Kind kind, double a, double b)
    {
        _kind = kind;
        _a = a;
        _b = b;
    }

    /// <summary>Keras's default for kernels: U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)).</summary>
    public static Initializer GlorotUniform { get; } = new(Kind.GlorotUniform, 0, 0);

    /// <summary>Every value <paramref name="value"/>; draws nothing from the stream.</summary>
    public static Initializer Constant(double value) => new(Kind.Constant, value, 0);

    /// <summary>N(<paramref name="mean"/>, <paramref name="stdDev"/>^2), one standard normal from the stream per value.</summary>
    public static Initializer Normal(double mean, double stdDev)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stdDev);
        return new(Kind.Normal, mean, stdDev);
    }

    /// <summary>Fills <paramref name="values"/>, a tensor of <paramref name="shape"/> (the shape sets glorot's fans).</summary>
    public void Fill(Span<float> values, ReadOnlySpan<int> shape, Rng rng)
    {
        switch (_kind)
        {
            case Kind.GlorotUniform:
                Initializers.GlorotUniform(values, shape, rng);
                break;
            case Kind.Constant:
                values.Fill((float)_a);
                break;
            default:
                Initializers.Normal(values, _a, _b, rng);
                break;
        }
    }

    public override string ToString() => _kind switch
    {
        Kind.GlorotUniform => "glorot_uniform",
        Kind.Constant => $"constant({_a})",
        _ => $"normal({_a}, {_b})",
    };
}
