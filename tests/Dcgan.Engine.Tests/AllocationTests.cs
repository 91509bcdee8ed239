// Steady-state training allocates nothing: the tutorial models run the joint train step's calls (as Dcgan.Gan's
// TrainStep does) and, after warm-up, neither the calling thread's allocation counter nor the gen-0 count moves.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

[Collection(SerialCollection.Name)]
public class AllocationTests
{
    private sealed class Step(Sequential g, Sequential d, int batch)
    {
        private readonly Adam _adamG = new(g.TrainableCount, 1e-4);
        private readonly Adam _adamD = new(d.TrainableCount, 1e-4);
        private readonly Tensor _noise = Tensor.ForBatch(batch, [100]);
        private readonly Tensor _real = Tensor.ForBatch(batch, [28, 28, 1]);
        private readonly Tensor _dOut = Tensor.ForBatch(batch, [1]);
        private readonly Tensor _dOutG = Tensor.ForBatch(batch, [1]);
        private readonly Rng _rng = new(3);

        public void Run()
        {
            _rng.FillNormal(_noise.Span);
            _rng.FillUniform(_real.Span, -1f, 1f);
            g.ZeroGradients();
            d.ZeroGradients();
            var fake = g.Forward(_noise, training: true);
            var realOut = d.Forward(_real, training: true);
            BinaryCrossEntropy.FromLogits(realOut.Span, 1f, _dOut.Span);
            d.Backward(_dOut, GradientNeeds.Parameters);
            var fakeOut = d.Forward(fake, training: true);
            BinaryCrossEntropy.FromLogits(fakeOut.Span, 0f, _dOut.Span);
            BinaryCrossEntropy.FromLogits(fakeOut.Span, 1f, _dOutG.Span);
            d.Backward(_dOut, GradientNeeds.Parameters);
            var dFake = d.Backward(_dOutG, GradientNeeds.Input)!;
            g.Backward(dFake, GradientNeeds.Parameters);
            _adamG.Step(g);
            _adamD.Step(d);
            // Inference, as the trainer's per-epoch sample grid does.
            g.Forward(_noise, training: false);
        }
    }

    [Fact]
    public void TrainStepAllocatesNothingAfterWarmUp()
    {
        var g = TutorialModels.Generator();
        var d = TutorialModels.Discriminator();
        g.Initialize(new Rng(1));
        d.Initialize(new Rng(2));
        d.Random = new Rng(4);
        var step = new Step(g, d, batch: 8);
        for (int i = 0; i < 3; i++)
        {
            step.Run();
        }
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            step.Run();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(collections, GC.CollectionCount(0));
    }
}
