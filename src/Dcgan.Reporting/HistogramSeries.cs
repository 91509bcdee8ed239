// One named distribution of an SvgPlot histogram, e.g. discriminator outputs on real or generated images.
namespace Dcgan.Reporting;

/// <summary>A named sample of values to bin. NaN values are ignored.</summary>
public sealed class HistogramSeries
{
    public HistogramSeries(string name, ReadOnlyMemory<float> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Values = values;
    }

    public string Name { get; }

    public ReadOnlyMemory<float> Values { get; }

    /// <summary>CSS colour; null picks the next colour of the default palette.</summary>
    public string? Color { get; init; }
}
