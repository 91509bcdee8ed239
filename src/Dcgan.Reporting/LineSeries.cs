// One named line of an SvgPlot line chart: x/y values plus drawing style (colour, smoothing, markers).
namespace Dcgan.Reporting;

/// <summary>A named series of (x, y) points. NaN or infinite values leave a gap.</summary>
public sealed class LineSeries
{
    public LineSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.", nameof(y));
        }
        Name = name;
        X = x;
        Y = y;
    }

    public string Name { get; }

    public IReadOnlyList<double> X { get; }

    public IReadOnlyList<double> Y { get; }

    /// <summary>CSS colour; null picks the next colour of the default palette.</summary>
    public string? Color { get; init; }

    /// <summary>
    /// Exponential-moving-average weight of the history in [0, 1): 0 draws the values as they are; e.g. 0.9
    /// draws the smoothed line over a faint copy of the raw one, as TensorBoard does.
    /// </summary>
    public double Smoothing { get; init; }

    /// <summary>Draws a dot at every point (for sparse series such as per-epoch values).</summary>
    public bool Markers { get; init; }

    /// <summary>Draws the line dashed.</summary>
    public bool Dashed { get; init; }
}
