// One named set of bars of a Chart, e.g. seconds per epoch or each class's share of the generated images.
namespace Dcgan.Reporting;

/// <summary>Bars of height <see cref="Y"/> centred on <see cref="X"/>. Non-finite heights draw no bar.</summary>
public sealed class BarSeries
{
    public BarSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
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

    /// <summary>Bar width in x units.</summary>
    public double Width { get; init; } = 0.8;
}
