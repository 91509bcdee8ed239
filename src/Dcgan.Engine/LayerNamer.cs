// Keras-style automatic layer names: the first dense layer is "dense", the next "dense_1", and so on,
// counted across every model built with the same namer (as Keras counts across a session).
namespace Dcgan.Engine;

/// <summary>Hands out unique layer names per stem.</summary>
public sealed class LayerNamer
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public string Next(string stem)
    {
        _counts.TryGetValue(stem, out int used);
        _counts[stem] = used + 1;
        return used == 0 ? stem : $"{stem}_{used}";
    }
}
