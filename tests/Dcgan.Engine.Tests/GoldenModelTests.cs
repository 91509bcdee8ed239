// The whole tutorial generator and discriminator, forward and backward, against PyTorch goldens with
// formula weights (tests/golden/README.md): outputs, input gradients, every parameter gradient.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.TestSupport;
using Dcgan.Kernels;

[Collection(WorkersCollection.Name)]
public class GoldenModelTests
{
    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void GeneratorForwardBackwardMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var model = TutorialModels.Generator(algorithm);
        Assert.Equal(algorithm, model.Layers.OfType<Conv2DTranspose>().First().Algorithm);
        Assert.Equal(algorithm, model.Layers.OfType<Conv2DTranspose>().ElementAt(1).Algorithm);
        GoldenModel.CheckForwardBackward("generator", model, GoldenWeights.Generator, training: true);
        // Moving statistics after one training forward, Keras 2 rule (2-D biased, 4-D unbiased).
        GoldenModel.CheckMovingStatistics(GoldenFile.Load("generator"), model, ["g.bn0", "g.bn1", "g.bn2"], ".new_");
    }

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void DiscriminatorForwardBackwardMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var model = TutorialModels.Discriminator(algorithm);
        Assert.Equal(algorithm, model.Layers.OfType<Conv2D>().Last().Algorithm);
        GoldenModel.CheckForwardBackward("discriminator", model, GoldenWeights.Discriminator, training: false);
    }

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void ResultsAreBitIdenticalForOneAndTwoThreads(ConvAlgorithm algorithm)
    {
        float[] Run(int threads)
        {
            int saved = Workers.Threads;
            Workers.Threads = threads;
            try
            {
                var model = TutorialModels.Generator(algorithm);
                GoldenModel.SetFormulaWeights(model, GoldenWeights.Generator);
                var g = GoldenFile.Load("generator");
                var y = model.Forward(Tensor.From(g.Get("x"), g.Shape("x")), training: true);
                model.ZeroGradients();
                model.Backward(Tensor.From(g.Get("dy"), g.Shape("y")), GradientNeeds.All);
                return [.. y.Span.ToArray(), .. model.Gradients];
            }
            finally
            {
                Workers.Threads = saved;
            }
        }
        Assert.True(Run(1).AsSpan().SequenceEqual(Run(2)), "one and two threads differ");
    }
}
