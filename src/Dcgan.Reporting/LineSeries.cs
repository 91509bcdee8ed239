// One named line of a Chart: x/y values plus drawing style (colour, smoothing, markers).
namespace Dcgan.Reporting;

/// <summary>A named series of (x, y) points. NaN or infinite values leave a gap.</summary>
public sealed class LineSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y) : XySeries(name, x, y)
{
    /// <summary>
    /// Exponential-moving-average weight of the history in [0, 1): 0 draws the values as they are; e.g. 0.9
    /// draws the smoothed line over a faint copy of the raw one, as TensorBoard does.
    /// </summary>
    public double Smoothing
    {
        get;
        init
        {
            if (!(value >= 0 && value < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The smoothing weight is in [0, 1).");
            }
            field = value;
        }
    }

    /// <summary>Draws a dot at every point (for sparse series such as per-epoch values).</summary>
    public bool Markers { get; init; }

    /// <summary>
    /// s[0] = first finite value, s[i] = weight * s[i-1] + (1 - weight) * y[i]; non-finite inputs stay NaN and
    /// do not disturb the average, so gaps stay gaps.
    /// </summary>
    public static double[] ExponentialMovingAverage(IReadOnlyList<double> values, double weight)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(weight >= 0 && weight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The smoothing weight is in [0, 1).");
        }
        var result = new double[values.Count];
        double state = double.NaN;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
            {
                result[i] = double.NaN;
                continue;
            }
            state = double.IsNaN(state) ? v : weight * state + (1 - weight) * v;
            result[i] = state;
        }
        return result;
    }
}
