// Steady-state training allocates nothing for every model kind, through the real joint train step: after warm-up,
// the calling thread's allocation counter and the gen-0 count stay where they were. (The engine's own test covers the
// tutorial's layers called directly; these cover the DCGAN paper's models, whose BatchNorm in D runs an input-only
// backward pass, and the conditional models.)
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Kernels;
using Dcgan.Models;

// The gen-0 count is process-wide: this runs alone.
[Collection(WorkersCollection.Name)]
public class TrainStepAllocationTests
{
    public static TheoryData<string> Models => ["dcgan-16x16x3", "dcgan-32x32x1", "tutorial-conditional", "dcgan-16x16x3-conditional"];

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainStepAllocatesNothingAfterWarmUp(string model)
    {
        var options = model switch
        {
            "dcgan-16x16x3" => new ModelOptions { Architecture = Architecture.Dcgan, ImageSize = 16, Channels = 3, GeneratorFeatures = 16, DiscriminatorFeatures = 16 },
            "dcgan-32x32x1" => new ModelOptions { Architecture = Architecture.Dcgan, ImageSize = 32, Channels = 1, GeneratorFeatures = 8, DiscriminatorFeatures = 8 },
            "tutorial-conditional" => new ModelOptions { Classes = 10 },
            _ => new ModelOptions { Architecture = Architecture.Dcgan, ImageSize = 16, Channels = 3, GeneratorFeatures = 16, DiscriminatorFeatures = 16, Classes = 4 },
        };
        const int Batch = 6;
        var gan = new GanPair(options);
        gan.Initialize(new Rng(1));
        gan.Discriminator.Random = new Rng(3);
        var step = new TrainStep(gan);
        var rng = new Rng(5);
        var real = Tensor.ForBatch(Batch, [options.ImageSize, options.ImageSize, options.Channels]);
        var noise = Tensor.ForBatch(Batch, [options.NoiseDim]);
        int[] labels = Enumerable.Range(0, Batch).Select(i => options.Conditional ? i % options.Classes : 0).ToArray();
        void Run()
        {
            rng.FillUniform(real.Span, -1f, 1f);
            rng.FillNormal(noise.Span);
            var result = step.Run(real, noise, labels, labels);
            Assert.True(float.IsFinite((float)result.GeneratorLoss) && float.IsFinite((float)result.DiscriminatorLoss));
        }
        for (int i = 0; i < 3; i++)
        {
            Run();
        }
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 4; i++)
        {
            Run();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(collections, GC.CollectionCount(0));
    }
}
