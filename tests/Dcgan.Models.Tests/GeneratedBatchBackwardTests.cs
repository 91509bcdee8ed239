// TrainStep takes both gradients of the generated batch from one backward pass through D when D allows it; this checks
// that against the two passes the tutorial's tape implies, on the seed models with dropout on.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Models;
using Dcgan.Kernels;

public class GeneratedBatchBackwardTests
{
    [Theory]
    [InlineData(DiscriminatorOutput.Logits, ConvAlgorithm.Direct)]
    [InlineData(DiscriminatorOutput.Logits, ConvAlgorithm.Winograd)]
    [InlineData(DiscriminatorOutput.Sigmoid, ConvAlgorithm.Winograd)]
    public void OnePassGivesTheGradientsOfTwo(DiscriminatorOutput output, ConvAlgorithm algorithm)
    {
        (GanPair Gan, StepResult Result) Step(bool onePass)
        {
            var gan = new GanPair(new ModelOptions { DiscriminatorOutput = output, ConvAlgorithm = algorithm });
            gan.Initialize(new Rng(11));
            gan.Discriminator.Random = new Rng(12);
            var rng = new Rng(13);
            var real = Tensor.ForBatch(6, [28, 28, 1]);
            rng.FillUniform(real.Span, -1f, 1f);
            var noise = Tensor.ForBatch(5, [100]);
            rng.FillNormal(noise.Span);
            var step = new TrainStep(gan, onePass);
            Assert.Equal(onePass, step.OneBackwardForGenerated);
            return (gan, step.Run(real, noise));
        }

        var (one, r1) = Step(onePass: true);
        var (two, r2) = Step(onePass: false);
        // The forward passes are the same calls: losses and D's outputs agree bit for bit.
        Assert.Equal(r2, r1);
        // The two ways sum the same terms in another order; Winograd's layers round more (up to about 3e-5 of a gradient's
        // scale), and G's gradients pass through D's input gradients (seen: 1.2e-5 of the largest with 7x4 tiles).
        double tolerance = algorithm == ConvAlgorithm.Winograd ? 5e-5 : 1e-5;
        foreach ((Sequential a, Sequential b) in new[] { (one.Generator, two.Generator), (one.Discriminator, two.Discriminator) })
        {
            double scale = b.Gradients.Max(v => Math.Abs((double)v));
            Assert.True(scale > 0);
            for (int j = 0; j < b.Gradients.Length; j++)
            {
                Assert.True(Math.Abs(a.Gradients[j] - b.Gradients[j]) <= tolerance * scale,
                    $"{a.Name} gradient {j}: {a.Gradients[j]} vs {b.Gradients[j]} (largest {scale})");
            }
        }
    }

    [Fact]
    public void AConditionalDiscriminatorKeepsTwoPasses()
    {
        // Its output is 1 + K numbers per image, and the two losses' gradients are not multiples of one another.
        var gan = new GanPair(new ModelOptions { Classes = 10 });
        Assert.False(new TrainStep(gan).OneBackwardForGenerated);
        Assert.True(new TrainStep(new GanPair(new ModelOptions())).OneBackwardForGenerated);
    }
}
