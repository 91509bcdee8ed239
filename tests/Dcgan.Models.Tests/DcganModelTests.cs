// The DCGAN paper's models (DcganModels, --arch dcgan): the whole dcgan-64 generator and discriminator against
// pytorch/examples' modules (tests/golden/make_golden.py), their shapes and parameter counts at every image size,
// pytorch/examples' initial weights, and the one-line errors for image sizes an architecture does not take.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;
using Dcgan.Models;
using Dcgan.TestSupport;

public sealed class DcganModelTests
{
    private static readonly ModelOptions Paper64 = new() { Architecture = Architecture.Dcgan, ImageSize = 64, Channels = 3 };

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void GeneratorForwardBackwardMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var model = DcganModels.Generator(GoldenWeights.DcganOptions with { ConvAlgorithm = algorithm });
        // Winograd has no 4x4 form: asked for, it leaves every layer on im2col + GEMM.
        Assert.All(model.Layers.OfType<Conv2DTranspose>(), l => Assert.Equal(ConvAlgorithm.Direct, l.Algorithm));
        GoldenModel.CheckForwardBackward("dcgan_generator", model, GoldenWeights.DcganGenerator, training: true);
        // PyTorch's running statistics after one training forward: momentum 0.1, the unbiased batch variance.
        GoldenModel.CheckMovingStatistics(GoldenFile.Load("dcgan_generator"), model, GoldenWeights.DcganGeneratorNorms, ".new_");
    }

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void DiscriminatorForwardBackwardMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var model = DcganModels.Discriminator(GoldenWeights.DcganOptions with { ConvAlgorithm = algorithm });
        Assert.All(model.Layers.OfType<Conv2D>(), l => Assert.Equal(ConvAlgorithm.Direct, l.Algorithm));
        GoldenModel.CheckForwardBackward("dcgan_discriminator", model, GoldenWeights.DcganDiscriminator, training: true);
        GoldenModel.CheckMovingStatistics(GoldenFile.Load("dcgan_discriminator"), model, GoldenWeights.DcganDiscriminatorNorms, ".new_");
    }

    [Fact]
    public void ParameterCountsAreThoseOfPyTorchExamples()
    {
        // pytorch/examples' dcgan at 64x64x3 with nz 100 and ngf = ndf = 64: netG 3,576,704 and netD 2,765,568 parameters
        // (its last Conv2d is our Dense; BatchNorm's running statistics are buffers there, non-trainable here).
        var gan = new GanPair(Paper64);
        Assert.Equal(3_576_704, gan.Generator.TrainableCount);
        Assert.Equal(2_765_568, gan.Discriminator.TrainableCount);
        Assert.Equal(2 * (512 + 256 + 128 + 64), gan.Generator.NonTrainableCount);
        Assert.Equal(2 * (128 + 256 + 512), gan.Discriminator.NonTrainableCount);
        Assert.Equal([100], gan.Generator.InputShape);
        Assert.Equal([64, 64, 3], gan.Generator.OutputShape);
        Assert.Equal([1], gan.Discriminator.OutputShape);
    }

    [Theory]
    [InlineData(16, 2)]
    [InlineData(32, 3)]
    [InlineData(64, 4)]
    [InlineData(128, 5)]
    [InlineData(256, 6)]
    public void DepthFollowsTheImageSize(int size, int depth)
    {
        Assert.Equal(depth, DcganModels.Depth(size));
        var options = new ModelOptions { Architecture = Architecture.Dcgan, ImageSize = size, GeneratorFeatures = 4, DiscriminatorFeatures = 4 };
        var g = DcganModels.Generator(options);
        var d = DcganModels.Discriminator(options);
        var ups = g.Layers.OfType<Conv2DTranspose>().ToList();
        Assert.Equal(depth, ups.Count);
        // 4x4 with ngf * 2^(L-1) maps from the Dense, halved per layer up to ngf, then the image's channels.
        Assert.Equal([4, 4, 4 << (depth - 1)], g.Layers.OfType<Reshape>().Single().OutputShape);
        Assert.Equal([size / 2, size / 2, 4], ups[^2].OutputShape);
        Assert.Equal([size, size, 1], g.OutputShape);
        var downs = d.Layers.OfType<Conv2D>().ToList();
        Assert.Equal(depth, downs.Count);
        Assert.Equal([4, 4, 4 << (depth - 1)], downs[^1].OutputShape);
        // BatchNorm after every layer of G but the last, after every convolution of D but the first.
        Assert.Equal(depth, g.Layers.OfType<BatchNormalization>().Count());
        Assert.Equal(depth - 1, d.Layers.OfType<BatchNormalization>().Count());
        Assert.All(g.Layers.OfType<BatchNormalization>().Concat(d.Layers.OfType<BatchNormalization>()), bn =>
        {
            Assert.Equal(0.9f, bn.Momentum);
            Assert.Equal(1e-5f, bn.Epsilon);
            Assert.Equal(MovingVarianceRule.Unbiased, bn.Rule);
        });
        Assert.Empty(d.Layers.OfType<Dropout>());
        Assert.Equal(ActivationKind.Tanh, g.Layers.OfType<Activation>().Last().Kind);
        Assert.IsType<Dense>(d.Layers[^1]);
    }

    [Fact]
    public void ConditionalModelsTakeTheLabelAndWidenTheOutput()
    {
        var options = Paper64 with { Classes = 10, Scheme = ConditionalScheme.ProjectionAc, ClassNormInGenerator = true, GeneratorFeatures = 8, DiscriminatorFeatures = 8 };
        var gan = new GanPair(options);
        Assert.Equal([110], gan.Generator.InputShape);
        Assert.Equal([21], gan.Discriminator.OutputShape);
        // A class-conditional scale and shift after each of G's BatchNorms.
        Assert.Equal(4, gan.Generator.Layers.OfType<ClassAffine>().Count());
        gan.Initialize(new Rng(3));
        var noise = Tensor.ForBatch(2, [100]);
        new Rng(4).FillNormal(noise.Span);
        Assert.Equal([2, 64, 64, 3], gan.Generate(noise, [3, 7]).Shape);
    }

    [Fact]
    public void WeightsStartAsPyTorchExamplesDrawsThem()
    {
        var gan = new GanPair(Paper64);
        gan.Initialize(new Rng(7));
        foreach (var model in new[] { gan.Generator, gan.Discriminator })
        {
            foreach (var (layer, p) in model.NamedParameters())
            {
                var values = p.Value.ToArray();
                switch (layer, p.Name)
                {
                    case (BatchNormalization, "gamma"):
                        AssertNormal(values, 1, 0.02, $"{layer.Name} gamma");
                        break;
                    case (BatchNormalization, "beta" or "moving_mean"):
                        Assert.All(values, v => Assert.Equal(0f, v));
                        break;
                    case (BatchNormalization, "moving_variance"):
                        Assert.All(values, v => Assert.Equal(1f, v));
                        break;
                    default:
                        Assert.Equal("kernel", p.Name);
                        AssertNormal(values, 0, 0.02, $"{layer.Name} kernel");
                        break;
                }
            }
        }
        // One seeded stream: the same seed gives the same weights.
        var again = new GanPair(Paper64);
        again.Initialize(new Rng(7));
        Assert.Equal(gan.Generator.Values, again.Generator.Values);
        Assert.Equal(gan.Discriminator.Values, again.Discriminator.Values);
    }

    private static void AssertNormal(float[] values, double mean, double stdDev, string what)
    {
        double m = values.Average(v => (double)v);
        double s = Math.Sqrt(values.Average(v => (v - m) * (v - m)));
        // Standard errors: stdDev / sqrt(n) for the mean, about stdDev / sqrt(2n) for the deviation; 64 values at least.
        double n = values.Length;
        Assert.True(Math.Abs(m - mean) < 5 * stdDev / Math.Sqrt(n), $"{what}: mean {m} of {n} values, expected {mean}");
        Assert.True(Math.Abs(s - stdDev) < 5 * stdDev / Math.Sqrt(2 * n), $"{what}: deviation {s} of {n} values, expected {stdDev}");
    }

    [Theory]
    [InlineData(Architecture.Dcgan, 48, "image size 48 does not fit the dcgan architecture (tutorial takes 28; dcgan takes 16, 32, 64, 128 or 256)")]
    [InlineData(Architecture.Dcgan, 28, "image size 28 does not fit the dcgan architecture")]
    [InlineData(Architecture.Dcgan, 512, "image size 512 does not fit the dcgan architecture")]
    [InlineData(Architecture.Tutorial, 64, "image size 64 does not fit the tutorial architecture (tutorial takes 28; dcgan takes 16, 32, 64, 128 or 256)")]
    [InlineData(Architecture.Tutorial, 32, "image size 32 does not fit the tutorial architecture")]
    public void ImageSizesAnArchitectureDoesNotTakeGetOneLine(Architecture architecture, int size, string message)
    {
        var options = new ModelOptions { Architecture = architecture, ImageSize = size };
        foreach (Action build in new Action[] { () => ModelBuilder.Validate(options), () => _ = new GanPair(options),
            () => ModelBuilder.Generator(options), () => ModelBuilder.Discriminator(options) })
        {
            var e = Assert.Throws<ArgumentException>(build);
            Assert.StartsWith(message, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void BuildersRefuseOptionsOfTheOtherArchitecture()
    {
        Assert.Throws<ArgumentException>(() => SeedModels.Generator(Paper64));
        Assert.Throws<ArgumentException>(() => DcganModels.Discriminator(new ModelOptions()));
        var sigmoid = Assert.Throws<ArgumentException>(() => new GanPair(Paper64 with { DiscriminatorOutput = DiscriminatorOutput.Sigmoid }));
        Assert.Contains("ends in logits", sigmoid.Message);
    }

    [Fact]
    public void OneTrainStepRunsAndMovesBothModels()
    {
        var options = new ModelOptions { Architecture = Architecture.Dcgan, ImageSize = 16, Channels = 3, GeneratorFeatures = 4, DiscriminatorFeatures = 4 };
        var gan = new GanPair(options, 2e-4, 2e-4, 0.5);
        gan.Initialize(new Rng(11));
        float[] g0 = (float[])gan.Generator.Values.Clone(), d0 = (float[])gan.Discriminator.Values.Clone();
        var real = Tensor.ForBatch(3, [16, 16, 3]);
        new Rng(12).FillUniform(real.Span, -1f, 1f);
        var noise = Tensor.ForBatch(5, [100]);
        new Rng(13).FillNormal(noise.Span);
        var result = new TrainStep(gan).Run(real, noise);
        Assert.True(float.IsFinite(result.GeneratorLoss) && float.IsFinite(result.DiscriminatorLoss));
        Assert.NotEqual(g0, gan.Generator.Values);
        Assert.NotEqual(d0, gan.Discriminator.Values);
    }
}
