// One named distribution of a Chart's histogram, e.g. discriminator outputs on real or generated images.
namespace Dcgan.Reporting;

/// <summary>A named sample of values to bin. NaN values are ignored; values outside the range land in the edge bins.</summary>
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

    /// <summary>Colour as "#rrggbb"; null picks the next colour of <see cref="Chart.Palette"/>.</summary>
    public string? Color { get; init; }
}
