// Backward with per-sample weights on the parameter gradients (Layer.Backward(dOutput, needs, sampleWeights)), which the
// train step uses to take both gradients of the generated batch from one pass through the discriminator.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine.Layers;
using Dcgan.Kernels;

public class SampleWeightTests
{
    /// <summary>The seed discriminator's layer kinds (both convolution arithmetics), with dropout active.</summary>
    private static Sequential Discriminator(ConvAlgorithm algorithm) => new("d", [28, 28, 1],
    [
        new Conv2D(8, 5, 2, "same"),
        new Activation(ActivationKind.LeakyRelu, 0.3f),
        new Dropout(0.3f),
        new Conv2D(8, 5, 2, "same", algorithm: algorithm),
        new Activation(ActivationKind.LeakyRelu, 0.3f),
        Reshape.Flatten(),
        new Dense(1),
    ]);

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void WeightedPassEqualsAPassFromTheWeightedOutputGradient(ConvAlgorithm algorithm)
    {
        const int batch = 5;
        var model = Discriminator(algorithm);
        Assert.Equal(algorithm, ((Conv2D)model.Layers[3]).Algorithm);
        model.Initialize(new Rng(2));
        model.Random = new Rng(3);
        var rng = new Rng(4);
        var x = Tensor.ForBatch(batch, [28, 28, 1]);
        rng.FillUniform(x.Span, -1f, 1f);
        model.Forward(x, training: true);
        var dy = Tensor.ForBatch(batch, [1]);
        rng.FillUniform(dy.Span, -1f, 1f);
        float[] weights = [0.5f, -2f, 0f, 3f, 1.25f];

        // Reference: the input gradient from dy, the parameter gradients from weights[i] * dy[i].
        model.ZeroGradients();
        float[] dxExpected = model.Backward(dy, GradientNeeds.Input)!.Span.ToArray();
        var weighted = Tensor.ForBatch(batch, [1]);
        for (int i = 0; i < batch; i++)
        {
            weighted.Span[i] = weights[i] * dy.Span[i];
        }
        model.Backward(weighted, GradientNeeds.Parameters);
        float[] gradExpected = (float[])model.Gradients.Clone();

        model.ZeroGradients();
        float[] dx = model.Backward(dy, GradientNeeds.All, weights)!.Span.ToArray();
        Assert.Equal(dxExpected, dx);
        double scale = gradExpected.Max(v => Math.Abs((double)v));
        Assert.True(scale > 0);
        // The reference's weights pass through the layers' input gradients, and Winograd's rounding (up to about 3e-5 of a
        // gradient's scale) is not the same for w dy as w times that for dy when w is not a power of two.
        double tolerance = algorithm == ConvAlgorithm.Winograd ? 1e-4 : 1e-6;
        for (int j = 0; j < gradExpected.Length; j++)
        {
            Assert.True(Math.Abs(model.Gradients[j] - gradExpected[j]) <= tolerance * scale, $"gradient {j}: {model.Gradients[j]} vs {gradExpected[j]}");
        }
    }

    [Fact]
    public void EmptyWeightsArePlainBackward()
    {
        var model = Discriminator(ConvAlgorithm.Direct);
        model.Initialize(new Rng(2));
        var x = Tensor.ForBatch(3, [28, 28, 1]);
        new Rng(5).FillUniform(x.Span, -1f, 1f);
        model.Forward(x, training: false);
        var dy = Tensor.ForBatch(3, [1]);
        dy.Span.Fill(1f);
        model.ZeroGradients();
        model.Backward(dy, GradientNeeds.Parameters);
        float[] plain = (float[])model.Gradients.Clone();
        model.ZeroGradients();
        model.Backward(dy, GradientNeeds.Parameters, default);
        Assert.Equal(plain, model.Gradients);
    }

    [Fact]
    public void BatchNormalizationRefusesWeightsAndAWrongCountIsRejected()
    {
        var model = new Sequential("m", [4], [new Dense(3), new BatchNormalization(), new Dense(1)]);
        model.Initialize(new Rng(1));
        var x = Tensor.ForBatch(2, [4]);
        new Rng(6).FillUniform(x.Span, -1f, 1f);
        model.Forward(x, training: true);
        var dy = Tensor.ForBatch(2, [1]);
        dy.Span.Fill(1f);
        Assert.False(model.Layers[1].SamplesAreIndependent);
        var e = Assert.Throws<NotSupportedException>(() => model.Backward(dy, GradientNeeds.All, [1f, 2f]));
        Assert.Contains("batch_normalization", e.Message);
        var plain = new Sequential("p", [4], [new Dense(1)]);
        plain.Forward(x, training: true);
        Assert.Throws<ArgumentException>(() => plain.Backward(dy, GradientNeeds.All, [1f, 2f, 3f]));
    }
}
