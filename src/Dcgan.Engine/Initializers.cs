// The initializers' formulas: Keras's glorot_uniform for kernels (fans per Keras's rule; biases start at zero), and
// the normal distribution the DCGAN paper draws its weights from (pytorch/examples' weights_init).
namespace Dcgan.Engine;

using Dcgan.Kernels;

/// <summary>Weight initializers with Keras's fan conventions; layers pick one through <see cref="Initializer"/>.</summary>
public static class Initializers
{
    /// <summary>
    /// Keras fans: rank 2 -> (shape[0], shape[1]); rank >= 3 (conv) -> receptive field rf = product of
    /// all but the last two dims, fan_in = shape[^2] * rf, fan_out = shape[^1] * rf.
    /// </summary>
    public static (double FanIn, double FanOut) Fans(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
        {
            return (shape.Length == 1 ? shape[0] : 1, shape.Length == 1 ? shape[0] : 1);
        }
        if (shape.Length == 2)
        {
            return (shape[0], shape[1]);
        }
        double rf = 1;
        for (int i = 0; i < shape.Length - 2; i++)
        {
            rf *= shape[i];
        }
        return (shape[^2] * rf, shape[^1] * rf);
    }

    /// <summary>The glorot_uniform limit sqrt(6 / (fan_in + fan_out)).</summary>
    public static double GlorotLimit(ReadOnlySpan<int> shape)
    {
        var (fanIn, fanOut) = Fans(shape);
        return Math.Sqrt(6.0 / (fanIn + fanOut));
    }

    /// <summary>Fills with U(-limit, limit), limit = <see cref="GlorotLimit"/>.</summary>
    public static void GlorotUniform(Span<float> values, ReadOnlySpan<int> shape, Rng rng)
    {
        float limit = (float)GlorotLimit(shape);
        rng.FillUniform(values, -limit, limit);
    }

    /// <summary>Fills with N(mean, stdDev^2): a standard normal from <paramref name="rng"/> per value, scaled and shifted.</summary>
    public static void Normal(Span<float> values, double mean, double stdDev, Rng rng)
    {
        rng.FillNormal(values);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(mean + stdDev * values[i]);
        }
    }
}
