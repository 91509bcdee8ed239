// A hook around every layer call of a Sequential model, for measuring where a step's time goes (bench --profile)
// without a second copy of the forward and backward loops.
namespace Dcgan.Engine;

/// <summary>Told about each layer call a <see cref="Sequential"/> makes while it is the model's observer.</summary>
public interface ILayerObserver
{
    /// <summary>Called just before a layer runs; the value comes back to the matching End call.</summary>
    long Begin();

    /// <summary>Layer <paramref name="index"/> finished a forward pass over <paramref name="batch"/> samples.</summary>
    void EndForward(int index, Layer layer, int batch, long begun);

    /// <summary>Layer <paramref name="index"/> finished a backward pass that computed <paramref name="needs"/>.</summary>
    void EndBackward(int index, Layer layer, int batch, GradientNeeds needs, long begun);
}
