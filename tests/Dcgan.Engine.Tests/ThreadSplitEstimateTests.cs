// ThreadSplitEstimate (behind `dcgan bench --estimate-threads`): one row per layer and one for the rest of the step; on one
// thread the estimate is the measured time, on more it is less but never below an even share; a task held up in one step
// does not count (each task at its median over the steps); and it puts back the
// thread count, the pool's recorder and the models' observers it took.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

[Collection(WorkersCollection.Name)]
public class ThreadSplitEstimateTests
{
    private static Sequential Build() => new("m", [8, 8, 3],
    [
        new Conv2D(16, 3, 1, "same"),
        new BatchNormalization(),
        new Activation(ActivationKind.LeakyRelu, 0.2f),
        Reshape.Flatten(),
        new Dense(4),
    ]);

    private static void Step(Sequential model, Tensor x, Tensor dy)
    {
        model.ZeroGradients();
        model.Forward(x, training: true);
        model.Backward(dy, GradientNeeds.All);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void RowsCoverEveryLayerAndTheStep(int threads)
    {
        var model = Build();
        model.Initialize(new Rng(3));
        var x = Tensor.ForBatch(64, [8, 8, 3]);
        new Rng(4).FillUniform(x.Span, -1f, 1f);
        var dy = Tensor.ForBatch(64, [4]);
        new Rng(5).FillUniform(dy.Span, -1f, 1f);
        int saved = Workers.Threads;
        using (var estimate = new ThreadSplitEstimate(threads, model))
        {
            Assert.Equal(threads, Workers.Threads);
            Assert.Same(estimate, Workers.Recorder);
            Assert.Same(estimate, model.Observer);
            estimate.Step(() => Step(model, x, dy));
            estimate.Reset();
            for (int i = 0; i < 3; i++)
            {
                estimate.Step(() => Step(model, x, dy));
            }
            Assert.Equal(3, estimate.Steps);
            var rows = estimate.Rows().ToList();
            Assert.Equal(["conv2d", "batch_normalization", "leaky_re_lu", "flatten", "dense", "rest of the step"], rows.Select(r => r.Layer));
            var (measured, estimated) = estimate.StepSeconds();
            Assert.True(measured > 0);
            // The rows add up to the step.
            Assert.Equal(measured, rows.Sum(r => r.Measured), 1e-9);
            Assert.Equal(estimated, rows.Sum(r => r.Estimated), 1e-9);
            // The convolution's products are parallel calls: measured time in them.
            Assert.True(rows[0].Measured > 0);
            if (threads == 1)
            {
                Assert.Equal(measured, estimated, 1e-12);
            }
            else
            {
                Assert.True(estimated < measured, $"estimated {estimated} on {threads} threads, measured {measured} on one");
                Assert.True(estimated >= measured / threads, $"estimated {estimated} below an even share of {measured}");
            }
        }
        Assert.Equal(saved, Workers.Threads);
        Assert.Null(Workers.Recorder);
        Assert.Null(model.Observer);
    }

    /// <summary>Spins for the microseconds in state (a task of known length; one step makes one of them far longer).</summary>
    private static unsafe void Spin(void* state, int i)
    {
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + ((long*)state)[i] * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
        }
    }

    [Fact]
    public unsafe void ATaskTheMachineHeldUpInOneStepDoesNotCount()
    {
        var model = Build();
        using var estimate = new ThreadSplitEstimate(2, model);
        for (int step = 0; step < 5; step++)
        {
            // Four tasks of 300 us, one of them 200 ms in the third step.
            long[] micros = [300, 300, step == 2 ? 200_000 : 300, 300];
            estimate.Step(() =>
            {
                fixed (long* p = micros)
                {
                    Workers.For(4, &Spin, p);
                }
            });
        }
        var (measured, estimated) = estimate.StepSeconds();
        // Each task at its median over the five steps: about 1.2 ms one at a time, 0.6 ms on two threads (a mean would
        // give 41 and 40 ms).
        Assert.InRange(measured, 1.2e-3, 20e-3);
        Assert.InRange(estimated, 0.6e-3, 10e-3);
        Assert.True(estimated < measured);
        // Calls outside every layer are the rest of the step.
        Assert.Equal(measured, estimate.Rows().Single(r => r.Layer == "rest of the step").Measured, 1e-9);
    }

    [Fact]
    public void AModelWithAnObserverIsRefused()
    {
        var model = Build();
        using var profile = new LayerProfile(model);
        int saved = Workers.Threads;
        Assert.Throws<InvalidOperationException>(() => new ThreadSplitEstimate(2, model));
        Assert.Null(Workers.Recorder);
        Assert.Equal(saved, Workers.Threads);
    }
}
