// Keras's glorot_uniform limits for the tutorial's layers, and Dropout's training-mode behaviour.
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
