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
    private static void SetFormulaWeights(Sequential model, IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> spec)
    {
        model.Initialize(new Rng(1));
        var trainable = model.NamedParameters().Where(x => x.Parameter.Trainable).Select(x => x.Parameter).ToList();
        Assert.Equal(spec.Count, trainable.Count);
        for (int t = 0; t < spec.Count; t++)
        {
            Assert.Equal(spec[t].Shape, trainable[t].Shape);
            GoldenWeights.Values(t, spec[t].Shape, spec[t].Kind).CopyTo(trainable[t].Value);
        }
    }

    private static void CheckModel(string caseName, Sequential model, IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> spec, bool training)
    {
        var g = GoldenFile.Load(caseName);
        SetFormulaWeights(model, spec);
        var x = Tensor.From(g.Get("x"), g.Shape("x"));
        var y = model.Forward(x, training);
        float[] yExpected = g.Get("y");
        GoldenAssert.Close(yExpected, y.Span, relTol: 1e-3, absTol: 1e-4 * yExpected.Max(Math.Abs), what: $"{caseName} y");
        model.ZeroGradients();
        var dx = model.Backward(Tensor.From(g.Get("dy"), g.Shape("y")), GradientNeeds.All)!;
        float[] dxExpected = g.Get("dx");
        GoldenAssert.Close(dxExpected, dx.Span, relTol: 1e-3, absTol: 1e-4 * dxExpected.Max(Math.Abs), what: $"{caseName} dx");
        var trainable = model.NamedParameters().Where(p => p.Parameter.Trainable).Select(p => p.Parameter).ToList();
        for (int t = 0; t < spec.Count; t++)
        {
            string name = spec[t].Name;
            var grad = trainable[t].Grad;
            float[] sample = g.Get(name + ".sample");
            double absSum = g.Scalar(name + ".abs_sum");
            double scale = sample.Max(Math.Abs);
            GoldenAssert.Close(sample, GoldenWeights.Sample(grad), relTol: 1e-3, absTol: 1e-4 * Math.Max(scale, 1e-12), what: $"{name} gradient sample");
            double sum = 0, abs = 0;
            foreach (float v in grad)
            {
                sum += v;
                abs += Math.Abs(v);
            }
            Assert.True(Math.Abs(abs - absSum) <= 1e-3 * absSum, $"{name}: |grad| sum {abs} vs {absSum}");
            Assert.True(Math.Abs(sum - g.Scalar(name + ".sum")) <= 1e-4 * absSum + 1e-9, $"{name}: grad sum {sum} vs {g.Scalar(name + ".sum")}");
        }
    }

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void GeneratorForwardBackwardMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var model = TutorialModels.Generator(algorithm);
        Assert.Equal(algorithm, model.Layers.OfType<Conv2DTranspose>().First().Algorithm);
        Assert.Equal(algorithm, model.Layers.OfType<Conv2DTranspose>().ElementAt(1).Algorithm);
        CheckModel("generator", model, GoldenWeights.Generator, training: true);
        // Moving statistics after one training forward, Keras 2 rule (2-D biased, 4-D unbiased).
        var g = GoldenFile.Load("generator");
        var bns = model.Layers.OfType<BatchNormalization>().ToList();
        for (int i = 0; i < 3; i++)
        {
            var p = bns[i].Parameters;
            GoldenAssert.Close(g.Get($"g.bn{i}.new_moving_mean.sample"), GoldenWeights.Sample(p.Single(q => q.Name == "moving_mean").Value), relTol: 1e-3, absTol: 1e-6, what: $"bn{i} moving mean");
            GoldenAssert.Close(g.Get($"g.bn{i}.new_moving_variance.sample"), GoldenWeights.Sample(p.Single(q => q.Name == "moving_variance").Value), relTol: 1e-3, absTol: 1e-6, what: $"bn{i} moving variance");
        }
    }

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void DiscriminatorForwardBackwardMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var model = TutorialModels.Discriminator(algorithm);
        Assert.Equal(algorithm, model.Layers.OfType<Conv2D>().Last().Algorithm);
        CheckModel("discriminator", model, GoldenWeights.Discriminator, training: false);
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
                SetFormulaWeights(model, GoldenWeights.Generator);
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
