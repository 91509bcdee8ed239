// The whole train step, both models and both optimizers, gives the same bits whatever the number of worker threads,
// fewer or more than this machine's cores: every kernel cuts its work by shape and batch, never by thread count.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

/// <summary>Tests that set <see cref="Workers.Threads"/> or read process-wide counters: they run alone, never beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkersCollection
{
    public const string Name = "Workers";
}

[Collection(WorkersCollection.Name)]
public class ThreadCountTests
{
    public static TheoryData<ConvAlgorithm, bool> Models() => new()
    {
        { ConvAlgorithm.Winograd, false },
        { ConvAlgorithm.Direct, false },
        { ConvAlgorithm.Winograd, true },
    };

    /// <summary>Two train steps at batch 70 (several Winograd groups and a short one), then every value and moment.</summary>
    private static float[] TwoSteps(int threads, ConvAlgorithm algorithm, bool conditional)
    {
        int saved = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            var options = new ModelOptions { ConvAlgorithm = algorithm, Classes = conditional ? 10 : 0 };
            var gan = new GanPair(options);
            gan.Initialize(new Rng(21));
            gan.Discriminator.Random = new Rng(22);
            var step = new TrainStep(gan);
            var rng = new Rng(23);
            const int Batch = 70;
            var real = Tensor.ForBatch(Batch, [28, 28, 1]);
            var noise = Tensor.ForBatch(Batch, [100]);
            int[] labels = [.. Enumerable.Range(0, Batch).Select(i => i % 10)];
            var losses = new List<float>();
            for (int s = 0; s < 2; s++)
            {
                rng.FillUniform(real.Span, -1f, 1f);
                rng.FillNormal(noise.Span);
                var result = conditional ? step.Run(real, noise, labels, labels) : step.Run(real, noise);
                losses.Add(result.GeneratorLoss);
                losses.Add(result.DiscriminatorLoss);
            }
            return
            [
                .. losses, .. gan.Generator.Values, .. gan.Discriminator.Values,
                .. gan.GeneratorOptimizer.M, .. gan.GeneratorOptimizer.V, .. gan.DiscriminatorOptimizer.M, .. gan.DiscriminatorOptimizer.V,
            ];
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainStepsAreBitIdenticalOnOneToSixteenThreads(ConvAlgorithm algorithm, bool conditional)
    {
        float[] one = TwoSteps(1, algorithm, conditional);
        Assert.Contains(one, v => v != 0f);
        foreach (int threads in new[] { 2, 3, 4, 8, 16 })
        {
            float[] other = TwoSteps(threads, algorithm, conditional);
            Assert.Equal(one.Length, other.Length);
            int first = Enumerable.Range(0, one.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(one[i]) != BitConverter.SingleToInt32Bits(other[i]), -1);
            Assert.True(first < 0, $"{threads} threads differ from one at value {first}: {(first < 0 ? 0 : other[first])} vs {(first < 0 ? 0 : one[first])}");
        }
    }
}
