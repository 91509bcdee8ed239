// A model runs a BatchNormalization and the LeakyReLU (or ReLU) after it in one pass, and a LeakyReLU and the dropout after
// it, forward and backward; the same layers run one at a time must give the same bits: outputs, input gradients, parameter
// gradients and moving statistics, training and inference, weighted per sample or not.
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

    /// <summary>
    /// The model's layers one at a time, forward then backward, as a model without fusion runs them; the first layer's
    /// backward gives its input gradient only when <paramref name="inputGradient"/> says.
    /// </summary>
    private static (float[] Y, float[]? Dx) OneByOne(Sequential model, Tensor x, Tensor dy, bool training, bool inputGradient = true,
        float[]? sampleWeights = null)
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
            var needs = i > 0 || inputGradient ? GradientNeeds.All : GradientNeeds.Parameters;
            d = model.Layers[i].Backward(d!, needs, sampleWeights);
        }
        return (y, d?.Span.ToArray());
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

    [Fact]
    public void EachLayerRunsTheBackwardOfTheLayerAfterItOnlyAfterTheForwardItRanWithIt()
    {
        var model = Build(0.2f, ActivationKind.LeakyRelu);
        model.Initialize(new Rng(11));
        var x = Tensor.ForBatch(2, [3, 3, 24]);
        new Rng(12).FillUniform(x.Span, -1f, 1f);
        var dy = Tensor.ForBatch(2, [3, 3, 16]);
        new Rng(13).FillUniform(dy.Span, -1f, 1f);
        Layer batchNorm = model.Layers[1], leakyRelu = model.Layers[2], tanh = model.Layers[5];

        model.Forward(x, training: true);
        Assert.True(batchNorm.TryBackwardWithNext(dy, GradientNeeds.All, leakyRelu, out var dx));
        Assert.Equal([2, 3, 3, 16], dx!.Shape);
        // Another activation than the one its forward ran, or a LeakyReLU with no dropout after it: nothing done.
        Assert.False(model.Layers[4].TryBackwardWithNext(dy, GradientNeeds.All, tanh, out _));
        Assert.False(leakyRelu.TryBackwardWithNext(dy, GradientNeeds.All, model.Layers[3], out _));
        // Inference: the BatchNormalization's backward is the affine map's, and runs apart.
        model.Forward(x, training: false);
        Assert.False(batchNorm.TryBackwardWithNext(dy, GradientNeeds.All, leakyRelu, out _));

        var activation = new Activation(ActivationKind.LeakyRelu, 0.2f);
        var dropout = new Dropout(0.4f) { Random = new Rng(14) };
        activation.Build([5]);
        dropout.Build([5]);
        var v = Tensor.ForBatch(1, [5]);
        dropout.Forward(activation.Forward(v, training: true), training: false);
        Assert.False(activation.TryBackwardWithNext(v, GradientNeeds.All, dropout, out _));
        dropout.Forward(activation.Forward(v, training: true), training: true);
        Assert.True(activation.TryBackwardWithNext(v, GradientNeeds.All, dropout, out var dv));
        Assert.Equal([1, 5], dv!.Shape);
    }

    [Fact]
    public void AModelThatStartsWithAFusedPairAddsItsParameterGradientsWithoutAnInputGradient()
    {
        static Sequential Model() => new("m", [4, 4, 8],
        [
            new BatchNormalization(),
            new Activation(ActivationKind.LeakyRelu, 0.2f),
            new Conv2D(4, 3, 1, "same"),
        ]);
        Sequential fused = Model(), apart = Model();
        fused.Initialize(new Rng(15));
        apart.Initialize(new Rng(15));
        var x = Tensor.ForBatch(3, [4, 4, 8]);
        new Rng(16).FillUniform(x.Span, -1f, 1f);
        var dy = Tensor.ForBatch(3, [4, 4, 4]);
        new Rng(17).FillUniform(dy.Span, -1f, 1f);

        fused.ZeroGradients();
        fused.Forward(x, training: true);
        Assert.Null(fused.Backward(dy, GradientNeeds.Parameters));
        apart.ZeroGradients();
        var (_, dx) = OneByOne(apart, x, dy, training: true, inputGradient: false);
        Assert.Null(dx);
        Assert.Equal(apart.Gradients, fused.Gradients);
        // gamma's and beta's gradients are among them, and not zero.
        Assert.Contains(fused.Gradients.AsSpan(0, 16).ToArray(), g => g != 0f);
    }

    [Fact]
    public void ADiscriminatorsBackwardWeightedPerSampleGivesTheBitsOfItsLayersOneByOne()
    {
        static Sequential Discriminator() => new("d", [6, 6, 2],
        [
            new Conv2D(8, 5, 2, "same"),
            new Activation(ActivationKind.LeakyRelu, 0.3f),
            new Dropout(0.3f),
            Reshape.Flatten(),
            new Dense(1),
        ]);
        Sequential fused = Discriminator(), apart = Discriminator();
        fused.Initialize(new Rng(18));
        apart.Initialize(new Rng(18));
        fused.Random = new Rng(19);
        apart.Random = new Rng(19);
        var x = Tensor.ForBatch(4, [6, 6, 2]);
        new Rng(20).FillUniform(x.Span, -1f, 1f);
        var ones = Tensor.ForBatch(4, [1]);
        ones.Span.Fill(1f);
        float[] weights = [0.5f, -1f, 2f, 0.25f];

        fused.ZeroGradients();
        fused.Forward(x, training: true);
        float[] dx = fused.Backward(ones, GradientNeeds.All, weights)!.Span.ToArray();
        apart.ZeroGradients();
        var (_, dxApart) = OneByOne(apart, x, ones, training: true, sampleWeights: weights);
        Assert.Equal(dxApart, dx);
        Assert.Equal(apart.Gradients, fused.Gradients);
        Assert.Contains(dx, g => g != 0f);
    }
}
