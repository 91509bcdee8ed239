// One named set of bars of a Chart, e.g. seconds per epoch or each class's share of the generated images.
namespace Dcgan.Reporting;

/// <summary>Bars of height <see cref="Y"/> centred on <see cref="X"/>. Non-finite heights draw no bar.</summary>
public sealed class BarSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y) : XySeries(name, x, y)
{
    /// <summary>Bar width in x units.</summary>
    public double Width { get; init; } = 0.8;
}
