// A Winograd layer transforms its kernel again only when the weights differ, bit for bit, from the ones it transformed
// last (WinogradConvolution.Forward): a change anywhere in the kernel (its first or its last float) must reach
// the next forward, and an unchanged kernel must give the same output again.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

[Collection(WorkersCollection.Name)]
public class WinogradKernelCacheTests
{
    private static Sequential Build() => new("m", [7, 7, 256], [new Conv2DTranspose(128, 5, 1, "same", useBias: false, algorithm: ConvAlgorithm.Winograd)]);

    [Theory]
    [InlineData(0)]
    [InlineData(819_199)]
    public void AChangedKernelIsTransformedAgain(int changed)
    {
        var model = Build();
        model.Initialize(new Rng(7));
        var x = Tensor.ForBatch(3, [7, 7, 256]);
        new Rng(8).FillUniform(x.Span, -1f, 1f);
        float[] first = model.Forward(x, training: false).Span.ToArray();
        Assert.Equal(first, model.Forward(x, training: false).Span.ToArray());

        var kernel = model.Layers[0].Parameters.Single(p => p.Name == "kernel");
        Assert.Equal(819_200, kernel.Length);
        kernel.Value[changed] += 0.5f;
        float[] second = model.Forward(x, training: false).Span.ToArray();
        Assert.NotEqual(first, second);

        // The same weights in a fresh layer give the same output.
        var fresh = Build();
        kernel.Value.CopyTo(fresh.Layers[0].Parameters.Single(p => p.Name == "kernel").Value);
        Assert.Equal(fresh.Forward(x, training: false).Span.ToArray(), second);
    }
}
