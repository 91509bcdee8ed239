// One-sided label smoothing (ModelOptions.RealTarget = 1 - s): only D's loss on real images changes. With the same
// weights and batch, the step's D loss moves by exactly s * mean(D's real logits) (BCE from logits is linear in its
// target), D's update changes, and G's loss and update stay bit for bit what they were.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Kernels;
using Dcgan.Models;

public class LabelSmoothingTests
{
    [Fact]
    public void OnlyTheDiscriminatorsRealTargetMoves()
    {
        const float smoothing = 0.1f;
        var rng = new Rng(3);
        var real = Tensor.ForBatch(8, [28, 28, 1]);
        rng.FillUniform(real.Span, -1f, 1f);
        var noise = Tensor.ForBatch(8, [100]);
        rng.FillNormal(noise.Span);

        (GanPair Gan, StepResult Result) Step(float realTarget)
        {
            var gan = new GanPair(new ModelOptions { DropoutRate = 0, RealTarget = realTarget });
            gan.Initialize(new Rng(11));
            return (gan, new TrainStep(gan).Run(real, noise));
        }

        // D's real logits at the starting weights (BatchNorm-free D, no dropout: the step's own forward gives the same).
        var probe = new GanPair(new ModelOptions { DropoutRate = 0 });
        probe.Initialize(new Rng(11));
        double meanLogit = probe.Discriminator.Forward(real, training: true).Span.ToArray().Average(v => (double)v);

        var (plain, p) = Step(1f);
        var (smoothed, s) = Step(1f - smoothing);
        Assert.Equal(p.GeneratorLoss, s.GeneratorLoss);
        Assert.Equal(p.DiscriminatorLoss + smoothing * meanLogit, s.DiscriminatorLoss, 1e-5);
        Assert.True(plain.Generator.Values.AsSpan().SequenceEqual(smoothed.Generator.Values));
        Assert.False(plain.Discriminator.Values.AsSpan().SequenceEqual(smoothed.Discriminator.Values));
    }
}
