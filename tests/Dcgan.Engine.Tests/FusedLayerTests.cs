// A model runs a BatchNormalization and the LeakyReLU (or ReLU) after it in one pass, and a LeakyReLU and the dropout after
// it; the same layers run one at a time must give the same bits: outputs, input gradients, parameter gradients and moving
// statistics, training and inference.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

[Collection(WorkersCollection.Name)]
public class FusedLayerTests
{
    private static Sequential Build(float slope, ActivationKind kind) => new("m", [3, 3, 24],
    [
        new Conv2D(16, 3, 1, "same"),
        new BatchNormalization(),
        new Activation(kind, slope),
        new Conv2D(8, 3, 1, "same"),
        new BatchNormalization(),
        new Activation(ActivationKind.Tanh),
    ]);

    /// <summary>
    /// A step of fused through the model and of apart through its layers one at a time (as a model without fusion runs
    /// them), both from zero gradients: the same output, input gradient, parameter gradients and values, bit for bit.
    /// </summary>
    private static (float[] Y, float[] Dx) AssertSameStep(Sequential fused, Sequential apart, Tensor x, Tensor dy, bool training)
    {
        fused.ZeroGradients();
        float[] y = fused.Forward(x, training).Span.ToArray();
        float[] dx = fused.Backward(dy, GradientNeeds.All)!.Span.ToArray();
        apart.ZeroGradients();
        var (yApart, dxApart) = OneByOne(apart, x, dy, training);
        Assert.Equal(yApart, y);
        Assert.Equal(dxApart, dx);
        Assert.Equal(apart.Gradients, fused.Gradients);
        // The moving statistics (non-trainable values) too.
        Assert.Equal(apart.Values, fused.Values);
        return (y, dx);
    }

    /// <summary>The model's layers one at a time, forward then backward, as a model without fusion runs them.</summary>
    private static (float[] Y, float[] Dx) OneByOne(Sequential model, Tensor x, Tensor dy, bool training)
    {
        var t = x;
        foreach (var layer in model.Layers)
        {
            t = layer.Forward(t, training);
        }
        float[] y = t.Span.ToArray();
        Tensor? d = dy;
        for (int i = model.Layers.Count - 1; i >= 0; i--)
        {
            d = model.Layers[i].Backward(d!, GradientNeeds.All);
        }
        return (y, d!.Span.ToArray());
    }

    [Theory]
    [InlineData(0.3f, ActivationKind.LeakyRelu, true)]
    [InlineData(0.3f, ActivationKind.LeakyRelu, false)]
    [InlineData(0f, ActivationKind.Relu, true)]
    public void BatchNormWithTheLeakyReluAfterItGivesTheBitsOfTheLayersOneByOne(float slope, ActivationKind kind, bool training)
    {
        Sequential fused = Build(slope, kind), apart = Build(slope, kind);
        fused.Initialize(new Rng(3));
        apart.Initialize(new Rng(3));
        var rng = new Rng(4);
        var x = Tensor.ForBatch(5, [3, 3, 24]);
        rng.FillUniform(x.Span, -1f, 1f);
        var dy = Tensor.ForBatch(5, fused.OutputShape);
        rng.FillUniform(dy.Span, -1f, 1f);

        var (y, dx) = AssertSameStep(fused, apart, x, dy, training);
        Assert.Contains(dx, v => v != 0f);
        // Some activations are negative and some positive, so both sides of the LeakyReLU are exercised.
        Assert.Contains(y, v => v > 0f);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LeakyReluWithTheDropoutAfterItGivesTheBitsOfTheLayersOneByOne(bool training)
    {
        static Sequential Discriminator() => new("d", [6, 6, 2],
        [
            new Conv2D(16, 5, 2, "same"),
            new Activation(ActivationKind.LeakyRelu, 0.3f),
            new Dropout(0.3f),
            new Conv2D(4, 3, 1, "same"),
            new Activation(ActivationKind.LeakyRelu, 0.2f),
            new Dropout(0.5f),
        ]);
        Sequential fused = Discriminator(), apart = Discriminator();
        fused.Initialize(new Rng(8));
        apart.Initialize(new Rng(8));
        // The same stream for both: each dropout draws its mask's key from it, in the same order.
        fused.Random = new Rng(10);
        apart.Random = new Rng(10);
        var rng = new Rng(9);
        var x = Tensor.ForBatch(3, [6, 6, 2]);
        rng.FillUniform(x.Span, -1f, 1f);
        var dy = Tensor.ForBatch(3, fused.OutputShape);
        rng.FillUniform(dy.Span, -1f, 1f);
        for (int call = 0; call < 2; call++)
        {
            var (y, _) = AssertSameStep(fused, apart, x, dy, training);
            // Dropped and kept elements both, when training.
            Assert.Equal(training, y.Count(v => v == 0f) > y.Length / 10);
        }
    }

    [Fact]
    public void AnActivationThatIsNotALeakyReluStaysALayerOfItsOwn()
    {
        // Tanh after the second BatchNormalization: the model runs it apart, and its backward still reads its own output.
        Sequential fused = Build(0.2f, ActivationKind.LeakyRelu), apart = Build(0.2f, ActivationKind.LeakyRelu);
        fused.Initialize(new Rng(6));
        apart.Initialize(new Rng(6));
        var x = Tensor.ForBatch(2, [3, 3, 24]);
        new Rng(7).FillUniform(x.Span, -2f, 2f);
        var dy = Tensor.ForBatch(2, fused.OutputShape);
        dy.Span.Fill(1f);
        float[] y = fused.Forward(x, training: true).Span.ToArray();
        Assert.All(y, v => Assert.InRange(v, -1f, 1f));
        float[] dx = fused.Backward(dy, GradientNeeds.All)!.Span.ToArray();
        var (yApart, dxApart) = OneByOne(apart, x, dy, training: true);
        Assert.Equal(yApart, y);
        Assert.Equal(dxApart, dx);

        // The BatchNormalization takes a LeakyReLU into its pass and declines a Tanh, doing nothing then.
        var probe = Build(0.2f, ActivationKind.LeakyRelu);
        probe.Initialize(new Rng(6));
        var h = probe.Layers[0].Forward(x, training: true);
        Assert.Null(probe.Layers[1].ForwardWithNext(h, true, probe.Layers[5]));
        var activated = probe.Layers[1].ForwardWithNext(h, true, probe.Layers[2]);
        Assert.NotNull(activated);
        Assert.Equal(apart.Layers[2].Forward(apart.Layers[1].Forward(apart.Layers[0].Forward(x, true), true), true).Span.ToArray(),
            activated.Span.ToArray());
    }
}
