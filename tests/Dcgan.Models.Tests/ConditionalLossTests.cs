// The conditional schemes' losses (AC-GAN, projection discriminator, both): the gradient written into
// every column of D's output against central finite differences of the loss, for the real batch, the
// generated batch as D sees it, and the generator's loss; and one train step per scheme.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Models;
using Dcgan.Kernels;

public sealed class ConditionalLossTests
{
    private const int Classes = 10;

    public static TheoryData<ConditionalScheme, string> Cases()
    {
        var data = new TheoryData<ConditionalScheme, string>();
        foreach (var scheme in Enum.GetValues<ConditionalScheme>())
        {
            foreach (string batch in new[] { "real", "fake-for-d", "generator" })
            {
                data.Add(scheme, batch);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientMatchesFiniteDifferences(ConditionalScheme scheme, string batch)
    {
        var options = new ModelOptions { Classes = Classes, Scheme = scheme };
        var loss = new ConditionalLoss(options);
        int n = 5, width = options.DiscriminatorOutputs;
        var rng = new Rng(11);
        float[] output = new float[n * width];
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = 3f * (rng.NextFloat() - 0.5f);
        }
        int[] labels = [3, 0, 9, 3, 7];
        // The three calls TrainStep makes: D(real) with the class loss, D(fake) for D without it, D(fake) for G.
        (float target, bool classLoss, float weight) = batch switch
        {
            "real" => (1f, true, 1f),
            "fake-for-d" => (0f, false, 1f),
            _ => (1f, true, 2.5f),
        };
        float[] grad = new float[output.Length];
        loss.Compute(output, n, target, labels, classLoss, grad, weight);

        float[] scratch = new float[output.Length];
        double At(int index, float delta)
        {
            float saved = output[index];
            output[index] = saved + delta;
            float value = loss.Compute(output, n, target, labels, classLoss, scratch, weight);
            output[index] = saved;
            return value;
        }
        const float h = 1e-2f;
        int nonZero = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double numeric = (At(i, h) - At(i, -h)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[i]) < 2e-3, $"{scheme} {batch}: column {i % width} of row {i / width}: analytic {grad[i]}, numeric {numeric}");
            nonZero += grad[i] != 0 ? 1 : 0;
        }

        // Which columns each scheme trains: psi always; the asked class's projection; the K class logits
        // only when a class loss applies.
        bool projection = scheme != ConditionalScheme.AcGan;
        bool classHead = scheme != ConditionalScheme.Projection && classLoss;
        Assert.Equal(n * (1 + (projection ? 1 : 0) + (classHead ? Classes : 0)), nonZero);
    }

    [Fact]
    public void ProjectionLogitIsPsiPlusTheClassColumn()
    {
        var options = new ModelOptions { Classes = Classes, Scheme = ConditionalScheme.Projection };
        float[] output = new float[options.DiscriminatorOutputs];
        output[0] = 0.5f;
        output[1 + 4] = 1.5f; // class 4's projection
        output[1 + 2] = -9f;
        float[] grad = new float[output.Length];
        float real = new ConditionalLoss(options).Compute(output, 1, 1f, [4], classLoss: true, grad);
        Assert.Equal(-Math.Log(1 / (1 + Math.Exp(-2.0))), real, 5); // BCE(1, sigmoid(0.5 + 1.5))
        float other = new ConditionalLoss(options).Compute(output, 1, 1f, [2], classLoss: true, grad);
        Assert.Equal(-Math.Log(1 / (1 + Math.Exp(8.5))), other, 3);
    }

    [Fact]
    public void OutOfRangeLabelsAreRefused()
    {
        var loss = new ConditionalLoss(new ModelOptions { Classes = Classes, Scheme = ConditionalScheme.Projection });
        float[] output = new float[11];
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(output, 1, 1f, [10], false, new float[11]));
        Assert.Throws<ArgumentException>(() => loss.Compute(output, 1, 1f, [], false, new float[11]));
    }

    [Theory]
    [InlineData(ConditionalScheme.AcGan, false, 11)]
    [InlineData(ConditionalScheme.Projection, false, 11)]
    [InlineData(ConditionalScheme.ProjectionAc, false, 21)]
    [InlineData(ConditionalScheme.Projection, true, 11)]
    public void ATrainStepRunsAndChangesBothModels(ConditionalScheme scheme, bool classNorm, int width)
    {
        var options = new ModelOptions { Classes = Classes, Scheme = scheme, DropoutRate = 0, ClassNormInGenerator = classNorm };
        var gan = new GanPair(options);
        // Conditional BatchNorm: a ClassAffine (10 x C gamma and beta) after each of the generator's three BNs.
        Assert.Equal(classNorm ? 3 : 0, gan.Generator.Layers.Count(l => l is Dcgan.Engine.Layers.ClassAffine));
        Assert.Equal(width, gan.Discriminator.OutputShape[0]);
        gan.Initialize(new Rng(5));
        float[] g0 = gan.Generator.Values.ToArray(), d0 = gan.Discriminator.Values.ToArray();
        var rng = new Rng(6);
        var real = Tensor.ForBatch(6, [28, 28, 1]);
        var noise = Tensor.ForBatch(6, [100]);
        for (int i = 0; i < real.Length; i++)
        {
            real.Span[i] = rng.NextFloat() * 2f - 1f;
        }
        for (int i = 0; i < noise.Length; i++)
        {
            noise.Span[i] = rng.NextFloat() * 2f - 1f;
        }
        int[] realLabels = [0, 1, 2, 3, 4, 5], fakeLabels = [9, 8, 7, 6, 5, 4];
        var step = new TrainStep(gan);
        var result = step.Run(real, noise, realLabels, fakeLabels);
        Assert.True(float.IsFinite(result.GeneratorLoss) && float.IsFinite(result.DiscriminatorLoss));
        Assert.False(g0.AsSpan().SequenceEqual(gan.Generator.Values), "generator unchanged");
        Assert.False(d0.AsSpan().SequenceEqual(gan.Discriminator.Values), "discriminator unchanged");
        // The projection's D sees the fake labels: other asked labels give another loss.
        var again = new GanPair(options);
        again.Initialize(new Rng(5));
        var other = new TrainStep(again).Run(real, noise, realLabels, [0, 0, 0, 0, 0, 0]);
        Assert.NotEqual(result.DiscriminatorLoss, other.DiscriminatorLoss);
        if (classNorm)
        {
            // The class rows of the asked labels (4..9) moved; classes 1..3 were never asked for.
            var affine = (Dcgan.Engine.Layers.ClassAffine)gan.Generator.Layers.First(l => l is Dcgan.Engine.Layers.ClassAffine);
            var gamma = affine.Parameters[0].Value;
            int c = gamma.Length / Classes;
            Assert.Contains(gamma.Slice(9 * c, c).ToArray(), v => v != 1f);
            Assert.All(gamma.Slice(1 * c, 3 * c).ToArray(), v => Assert.Equal(1f, v));
        }
    }
}
