// Keras's glorot_uniform limits for the tutorial's layers, the normal initializer of the DCGAN paper's layers (and that a
// layer draws from the one it is given), and Dropout's training-mode behaviour.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

public class InitializerAndDropoutTests
{
    [Theory]
    [InlineData(new[] { 100, 12544 }, 0.021784)]
    [InlineData(new[] { 5, 5, 128, 256 }, 0.025)]
    [InlineData(new[] { 5, 5, 64, 128 }, 0.035355)]
    [InlineData(new[] { 5, 5, 1, 64 }, 0.060764)]
    [InlineData(new[] { 6272, 1 }, 0.030927)]
    public void GlorotLimitsAreThoseOfTheTutorial(int[] shape, double limit)
        => Assert.Equal(limit, Initializers.GlorotLimit(shape), 1e-6);

    [Fact]
    public void GlorotUniformStaysWithinItsLimitAndFillsIt()
    {
        var values = new float[100 * 12544];
        Initializers.GlorotUniform(values, [100, 12544], new Rng(3));
        float limit = (float)Initializers.GlorotLimit([100, 12544]);
        Assert.All(values, v => Assert.InRange(v, -limit, limit));
        Assert.True(values.Max() > 0.99f * limit && values.Min() < -0.99f * limit);
        Assert.InRange(values.Average(v => (double)v), -1e-4, 1e-4);
    }

    [Fact]
    public void NormalInitializerHasItsMeanAndDeviation()
    {
        // pytorch/examples' weights_init: N(0, 0.02) kernels, N(1, 0.02) BatchNorm gammas.
        foreach (double mean in new[] { 0.0, 1.0 })
        {
            var values = new float[200_000];
            Initializer.Normal(mean, 0.02).Fill(values, [values.Length], new Rng(5));
            double m = values.Average(v => (double)v);
            double s = Math.Sqrt(values.Average(v => (v - m) * (v - m)));
            Assert.InRange(m, mean - 3e-4, mean + 3e-4);          // 6.7 standard errors of the mean
            Assert.InRange(s, 0.02 * 0.99, 0.02 * 1.01);           // 3.2 standard errors of the deviation
        }
    }

    [Fact]
    public void LayersDrawTheirKernelsFromTheInitializerTheyAreGiven()
    {
        var model = new Sequential("m", [8, 8, 3],
        [
            new Conv2D(16, 4, 2, "same", useBias: false, kernelInitializer: Initializer.Normal(0, 0.02)),
            new Conv2DTranspose(3, 4, 2, "same", useBias: false, kernelInitializer: Initializer.Constant(0.5)),
            Reshape.Flatten(), new Dense(2, kernelInitializer: Initializer.Normal(0, 0.02)),
        ]);
        model.Initialize(new Rng(8));
        var conv = model.Layers[0].Parameters[0].Value.ToArray();
        Assert.InRange(conv.Average(v => (double)v), -0.005, 0.005);
        Assert.InRange(conv.Max(Math.Abs), 0.03, 0.1);               // about 4 deviations at most over 768 draws, not glorot's 0.125 limit
        Assert.All(model.Layers[1].Parameters[0].Value.ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All(model.Layers[3].Parameters[1].Value.ToArray(), v => Assert.Equal(0f, v)); // the bias stays zero
    }

    [Fact]
    public void KerasBatchNormDrawsNothingAndPyTorchsDrawsItsGamma()
    {
        // The tutorial's BatchNorm starts at gamma 1 without touching the stream, so the seeded weights after it are unchanged.
        var rng = new Rng(9);
        var keras = new Sequential("k", [4, 4, 3], [new BatchNormalization()]);
        keras.Initialize(rng);
        Assert.Equal(new Rng(9).NextUInt64(), rng.NextUInt64());
        Assert.Equal([1f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 1f, 1f], keras.Values);

        var torch = new Sequential("t", [4, 4, 64], [BatchNormalization.PyTorch(Initializer.Normal(1, 0.02))]);
        torch.Initialize(new Rng(9));
        var bn = torch.Layers[0].Parameters;
        var gamma = bn.Single(p => p.Name == "gamma").Value.ToArray();
        Assert.All(gamma, v => Assert.InRange(v, 0.9f, 1.1f));
        Assert.True(gamma.Distinct().Count() > 60);
        Assert.All(bn.Single(p => p.Name == "beta").Value.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(bn.Single(p => p.Name == "moving_variance").Value.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void DropoutZeroesAboutARateAndScalesSurvivors()
    {
        var model = new Sequential("d", [1000], [new Dropout(0.3f)]) { Random = new Rng(9) };
        var x = Tensor.From(Enumerable.Repeat(1f, 4000).ToArray(), 4, 1000);
        var y = model.Forward(x, training: true).Span.ToArray();
        int zeros = y.Count(v => v == 0f);
        Assert.InRange(zeros / 4000.0, 0.27, 0.33);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.7f, v, 5));
        // Backward uses the same mask.
        var dx = model.Backward(Tensor.From(Enumerable.Repeat(2f, 4000).ToArray(), 4, 1000), GradientNeeds.Input)!.Span.ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(y[i] == 0f ? 0f : 2f / 0.7f, dx[i], 5);
        }
        // Each call draws its own mask; inference is the identity.
        var y2 = model.Forward(x, training: true).Span.ToArray();
        Assert.False(y.AsSpan().SequenceEqual(y2));
        Assert.All(model.Forward(x, training: false).Span.ToArray(), v => Assert.Equal(1f, v));
        // The same seed gives the same masks.
        var again = new Sequential("d", [1000], [new Dropout(0.3f)]) { Random = new Rng(9) };
        Assert.True(y.AsSpan().SequenceEqual(again.Forward(x, training: true).Span));
    }
}
