// The class-conditional scale and shift (the class half of conditional BatchNorm): finite-difference
// gradients for input and parameters, and that each sample reads only its own class's row.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

public sealed class ClassAffineTests
{
    [Fact]
    public void GradientsMatchFiniteDifferences4D()
    {
        var labels = new ClassLabels(4);
        labels.Set([2, 0, 2]);
        GradientCheck.Check(new ClassAffine(labels), [3, 3, 5], batch: 3, probes: 200);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences2D()
    {
        var labels = new ClassLabels(3);
        labels.Set([1, 2]);
        GradientCheck.Check(new ClassAffine(labels), [6], batch: 2, probes: 100);
    }

    [Fact]
    public void EachSampleUsesItsClassRowOnly()
    {
        var labels = new ClassLabels(3);
        var model = new Sequential("m", [2, 2], [new ClassAffine(labels)]);
        model.Initialize(new Rng(1));
        // gamma (3 x 2) then beta (3 x 2) in the flat buffer: class 1 scales by 2 and 3 and shifts by 10 and 20.
        var values = model.Values;
        values[2] = 2f;
        values[3] = 3f;
        values[6 + 2] = 10f;
        values[6 + 3] = 20f;
        labels.Set([1, 0]);
        var x = Tensor.From([1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f], [2, 2, 2]);
        var y = model.Forward(x, training: true).Span.ToArray();
        Assert.Equal([12f, 23f, 14f, 26f, 1f, 1f, 2f, 2f], y);

        model.ZeroGradients();
        model.Backward(Tensor.From([1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], [2, 2, 2]), GradientNeeds.Parameters);
        var grads = model.Gradients.ToArray();
        Assert.Equal([3f, 3f, 3f, 3f, 0f, 0f], grads[..6]); // d gamma: sum of x per class and channel
        Assert.Equal([2f, 2f, 2f, 2f, 0f, 0f], grads[6..]); // d beta: class 2 was not in the batch

        labels.Set([1]);
        Assert.Throws<InvalidOperationException>(() => model.Forward(x, training: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => labels.Set([3]));
    }
}
