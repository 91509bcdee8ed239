// What every named series of a Chart has: its name, its x and y values (as many of one as of the other) and a colour.
namespace Dcgan.Reporting;

/// <summary>A named series of (x, y) values; <see cref="LineSeries"/> and <see cref="BarSeries"/> add how it is drawn.</summary>
public abstract class XySeries
{
    protected XySeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
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

    /// <summary>Colour as "#rrggbb"; null picks the next colour of <see cref="Chart.Palette"/>.</summary>
    public string? Color { get; init; }
}
