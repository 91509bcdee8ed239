// A model's layers write their input gradients into two buffers they share, in turn, instead of one buffer each. The
// train step must be the same bit for bit as with a buffer per layer (plain and conditional models, both arithmetics),
// and the two buffers must hold no more than two of the largest input gradient.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;
using Dcgan.Models;

public class GradientBuffersTests
{
    [Theory]
    [InlineData(false, ConvAlgorithm.Winograd)]
    [InlineData(false, ConvAlgorithm.Direct)]
    [InlineData(true, ConvAlgorithm.Winograd)]
    public void SharedBuffersGiveTheStepOfABufferPerLayer(bool conditional, ConvAlgorithm algorithm)
    {
        const int batch = 12;
        (GanPair Gan, StepResult Result) Step(bool shared)
        {
            var gan = new GanPair(new ModelOptions { Classes = conditional ? 10 : 0, ConvAlgorithm = algorithm });
            gan.Initialize(new Rng(21));
            gan.Discriminator.Random = new Rng(22);
            if (!shared)
            {
                foreach (var layer in gan.Generator.Layers.Concat(gan.Discriminator.Layers))
                {
                    layer.GradientBuffers = null;
                }
            }
            var rng = new Rng(23);
            var real = Tensor.ForBatch(batch, [28, 28, 1]);
            rng.FillUniform(real.Span, -1f, 1f);
            var noise = Tensor.ForBatch(batch, [100]);
            rng.FillNormal(noise.Span);
            int[] labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
            var step = new TrainStep(gan);
            step.Run(real, noise, labels, labels);
            return (gan, step.Run(real, noise, labels, labels));
        }

        var (shared, a) = Step(shared: true);
        var (own, b) = Step(shared: false);
        Assert.Equal(b, a);
        Assert.True(own.Generator.Values.AsSpan().SequenceEqual(shared.Generator.Values));
        Assert.True(own.Discriminator.Values.AsSpan().SequenceEqual(shared.Discriminator.Values));
        Assert.Equal(0, own.Generator.GradientBuffers.Floats);

        foreach (var model in new[] { shared.Generator, shared.Discriminator })
        {
            long largest = model.Layers.Skip(1).Max(l => (long)l.InputShape.Aggregate(1, (x, y) => x * y)) * batch;
            long perLayer = model.Layers.Skip(1).Sum(l => (long)l.InputShape.Aggregate(1, (x, y) => x * y)) * batch;
            Assert.InRange(model.GradientBuffers.Floats, largest, 2 * largest);
            Assert.True(model.GradientBuffers.Floats < perLayer / 2, $"{model.Name}: {model.GradientBuffers.Floats} floats against {perLayer} with a buffer per layer");
        }
    }
}
