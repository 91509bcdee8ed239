// The convolution layers process a batch in chunks of images (ConvGeometry.ImagesPerChunk), or on the Winograd path in
// two parts taken a group at a time (WinogradConvolution.ImagesPerGroup); a batch that spans several chunks or groups,
// with a short last one, must give what the images give one at a time.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

[Collection(WorkersCollection.Name)]
public class ConvChunkTests
{
    public static TheoryData<string> Layers() => ["conv", "convT", "convT-winograd", "conv-s2-winograd", "convT-s2-winograd"];

    private static (Sequential Model, int[] Shape) Build(string kind) => kind switch
    {
        "conv" => (new Sequential("m", [14, 14, 64], [new Conv2D(128, 5, 2, "same")]), [14, 14, 64]),
        "convT" => (new Sequential("m", [7, 7, 256], [new Conv2DTranspose(128, 5, 1, "same", useBias: true)]), [7, 7, 256]),
        "convT-winograd" => (new Sequential("m", [7, 7, 256], [new Conv2DTranspose(128, 5, 1, "same", useBias: true, algorithm: ConvAlgorithm.Winograd)]), [7, 7, 256]),
        "conv-s2-winograd" => (new Sequential("m", [14, 14, 64], [new Conv2D(128, 5, 2, "same", algorithm: ConvAlgorithm.Winograd)]), [14, 14, 64]),
        _ => (new Sequential("m", [7, 7, 128], [new Conv2DTranspose(64, 5, 2, "same", algorithm: ConvAlgorithm.Winograd)]), [7, 7, 128]),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ManyChunksMatchOneImageAtATime(string kind)
    {
        var (model, shape) = Build(kind);
        model.Initialize(new Rng(5));
        int perImage = shape[0] * shape[1] * shape[2];
        int chunk = kind switch
        {
            "conv" => ConvGeometry.ForConv(14, 14, 64, 5, 5, 2, true).ImagesPerChunk,
            "convT" => ConvGeometry.ForConvTranspose(7, 7, 128, 5, 5, 1, true).ImagesPerChunk,
            "convT-winograd" => WinogradConvolution.ImagesPerGroup(new WinogradShape(7, 7, 256, 128)),
            // The stride-2 layers' Winograd problems: 3x3 over the phases, 256 phase-stacked channels in or out, 7x4 tiles.
            "conv-s2-winograd" => WinogradConvolution.ImagesPerGroup(new WinogradShape(7, 7, 256, 128, 3) { OutputRows = 7 }),
            _ => WinogradConvolution.ImagesPerGroup(new WinogradShape(7, 7, 128, 256, 3) { OutputRows = 7 }),
        };
        // Direct: two full chunks and a short one. Winograd: each half of the batch (its kernel-gradient parts) spans two
        // full groups and a short one.
        int batch = kind.EndsWith("winograd") ? 2 * (2 * chunk + 1) + 1 : 2 * chunk + 3;
        Assert.True(chunk >= 2, "the geometry should put several images in a chunk");

        var rng = new Rng(9);
        var x = Tensor.ForBatch(batch, shape);
        rng.FillUniform(x.Span, -1f, 1f);
        var y = model.Forward(x, training: true);
        int outPerImage = y.SampleSize;
        var dy = Tensor.ForBatch(batch, model.OutputShape);
        rng.FillUniform(dy.Span, -1f, 1f);
        model.ZeroGradients();
        float[] yAll = y.Span.ToArray();
        float[] dxAll = model.Backward(dy, GradientNeeds.All)!.Span.ToArray();
        float[] gradAll = (float[])model.Gradients.Clone();
        // Once more: buffers kept from the first backward must not leak into the second.
        model.ZeroGradients();
        model.Backward(dy, GradientNeeds.All);
        Assert.Equal(gradAll, model.Gradients);

        var sum = new double[gradAll.Length];
        for (int i = 0; i < batch; i++)
        {
            var xi = Tensor.From(x.Span.Slice(i * perImage, perImage), [1, .. shape]);
            var yi = model.Forward(xi, training: true);
            Assert.Equal(yAll.AsSpan(i * outPerImage, outPerImage).ToArray(), yi.Span.ToArray());
            model.ZeroGradients();
            var dyi = Tensor.From(dy.Span.Slice(i * outPerImage, outPerImage), [1, .. model.OutputShape]);
            var dxi = model.Backward(dyi, GradientNeeds.All)!;
            Assert.Equal(dxAll.AsSpan(i * perImage, perImage).ToArray(), dxi.Span.ToArray());
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] += model.Gradients[j];
            }
        }
        double scale = sum.Max(Math.Abs);
        for (int j = 0; j < sum.Length; j++)
        {
            Assert.True(Math.Abs(gradAll[j] - sum[j]) <= 1e-4 * scale, $"gradient {j}: {gradAll[j]} vs {sum[j]}");
        }
    }

    /// <summary>
    /// A Winograd layer keeps a training forward's transformed input for its backward; the backward of an inference
    /// forward (nothing kept) transforms the input again. Both give the same bits, and a later forward replaces what the
    /// earlier one kept.
    /// </summary>
    [Theory]
    [InlineData("convT-winograd")]
    [InlineData("conv-s2-winograd")]
    [InlineData("convT-s2-winograd")]
    public void KeptTransformGivesTheBitsOfTransformingAgain(string kind)
    {
        var (model, shape) = Build(kind);
        model.Initialize(new Rng(5));
        var rng = new Rng(9);
        var x = Tensor.ForBatch(5, shape);
        var other = Tensor.ForBatch(5, shape);
        rng.FillUniform(x.Span, -1f, 1f);
        rng.FillUniform(other.Span, -1f, 1f);
        var dy = Tensor.ForBatch(5, model.OutputShape);
        rng.FillUniform(dy.Span, -1f, 1f);

        (float[] Dx, float[] Grad) Backward()
        {
            model.ZeroGradients();
            float[] dx = model.Backward(dy, GradientNeeds.All)!.Span.ToArray();
            return (dx, (float[])model.Gradients.Clone());
        }

        model.Forward(x, training: false);
        var again = Backward();
        model.Forward(x, training: true);
        var kept = Backward();
        Assert.Equal(again.Dx, kept.Dx);
        Assert.Equal(again.Grad, kept.Grad);
        Assert.Contains(kept.Grad, g => g != 0f);

        // Kept from the second forward, not the first.
        model.Forward(other, training: true);
        model.Forward(x, training: true);
        var latest = Backward();
        Assert.Equal(kept.Grad, latest.Grad);
        Assert.Equal(kept.Dx, latest.Dx);
    }

    /// <summary>
    /// D's generated batch takes two backward passes of one forward, the kernel gradient's and then the input gradient's
    /// (Layer.Backward with sample weights): the kept transformed input serves both, and a pass after the input gradient
    /// (which overwrites it) transforms the input again; every pass gives the bits of one without anything kept.
    /// </summary>
    [Theory]
    [InlineData("convT-winograd")]
    [InlineData("conv-s2-winograd")]
    [InlineData("convT-s2-winograd")]
    public void KeptTransformServesTheKernelGradientAndThenTheInputGradient(string kind)
    {
        var (model, shape) = Build(kind);
        model.Initialize(new Rng(5));
        var rng = new Rng(11);
        var x = Tensor.ForBatch(5, shape);
        rng.FillUniform(x.Span, -1f, 1f);
        var dy = Tensor.ForBatch(5, model.OutputShape);
        rng.FillUniform(dy.Span, -1f, 1f);

        float[] Gradients()
        {
            model.ZeroGradients();
            Assert.Null(model.Backward(dy, GradientNeeds.Parameters));
            return (float[])model.Gradients.Clone();
        }

        float[] InputGradient() => model.Backward(dy, GradientNeeds.Input)!.Span.ToArray();

        model.Forward(x, training: false);
        var grad = Gradients();
        var dx = InputGradient();
        Assert.Contains(grad, g => g != 0f);
        Assert.Contains(dx, v => v != 0f);

        model.Forward(x, training: true);
        Assert.Equal(grad, Gradients());
        Assert.Equal(grad, Gradients());
        Assert.Equal(dx, InputGradient());
        Assert.Equal(grad, Gradients());
        Assert.Equal(dx, InputGradient());
    }

    /// <summary>
    /// A Winograd layer transforms its kernel again only when the kernel changed (D runs forward twice a step with the
    /// same weights): a change of one weight, even +0 to -0, must reach the next forward.
    /// </summary>
    [Theory]
    [InlineData("convT-winograd")]
    [InlineData("conv-s2-winograd")]
    [InlineData("convT-s2-winograd")]
    public void WinogradSeesEveryChangeOfTheKernel(string kind)
    {
        var (model, shape) = Build(kind);
        model.Initialize(new Rng(5));
        var x = Tensor.ForBatch(3, shape);
        new Rng(9).FillUniform(x.Span, -1f, 1f);
        var kernel = model.Layers[0].Parameters[0].Value;
        float[] before = model.Forward(x, training: false).Span.ToArray();
        Assert.Equal(before, model.Forward(x, training: false).Span.ToArray());

        kernel[7] += 0.25f;
        var (fresh, _) = Build(kind);
        model.Values.CopyTo(fresh.Values, 0);
        float[] changed = model.Forward(x, training: false).Span.ToArray();
        Assert.NotEqual(before, changed);
        Assert.Equal(fresh.Forward(x, training: false).Span.ToArray(), changed);

        // A weight of +0 turned -0 compares equal as a float but not as bits: it is transformed again too.
        kernel[7] = 0f;
        model.Forward(x, training: false);
        kernel[7] = -0f;
        model.Values.CopyTo(fresh.Values, 0);
        Assert.Equal(fresh.Forward(x, training: false).Span.ToArray(), model.Forward(x, training: false).Span.ToArray());
    }

    [Theory]
    [InlineData("convT-winograd")]
    [InlineData("conv-s2-winograd")]
    [InlineData("convT-s2-winograd")]
    public void WinogradLayersGiveTheSameBitsOnOneToSixteenThreads(string kind)
    {
        float[] Run(int threads)
        {
            int saved = Workers.Threads;
            Workers.Threads = threads;
            try
            {
                var (model, shape) = Build(kind);
                model.Initialize(new Rng(5));
                var rng = new Rng(9);
                var x = Tensor.ForBatch(61, shape);
                rng.FillUniform(x.Span, -1f, 1f);
                var y = model.Forward(x, training: true);
                var dy = Tensor.ForBatch(61, model.OutputShape);
                rng.FillUniform(dy.Span, -1f, 1f);
                model.ZeroGradients();
                var dx = model.Backward(dy, GradientNeeds.All)!;
                return [.. y.Span.ToArray(), .. dx.Span.ToArray(), .. model.Gradients];
            }
            finally
            {
                Workers.Threads = saved;
            }
        }
        float[] one = Run(1);
        foreach (int threads in new[] { 2, 3, 4, 8, 16 })
        {
            Assert.True(one.AsSpan().SequenceEqual(Run(threads)), $"one and {threads} threads differ");
        }
    }
}

/// <summary>Winograd against the direct path on the seed models' three wide convolutions at a realistic batch.</summary>
[Collection(WorkersCollection.Name)]
public class WinogradLayerTests
{
    private static Layer Make(string kind, ConvAlgorithm algorithm) => kind switch
    {
        "convT-s1" => new Conv2DTranspose(128, 5, 1, "same", useBias: true, algorithm: algorithm),
        "conv-s2" => new Conv2D(128, 5, 2, "same", useBias: true, algorithm: algorithm),
        _ => new Conv2DTranspose(64, 5, 2, "same", useBias: true, algorithm: algorithm),
    };

    private static int[] InputOf(string kind) => kind switch
    {
        "convT-s1" => [7, 7, 256],
        "conv-s2" => [14, 14, 64],
        _ => [7, 7, 128],
    };

    [Theory]
    [InlineData("convT-s1")]
    [InlineData("conv-s2")]
    [InlineData("convT-s2")]
    public void WinogradMatchesTheDirectPathWithinItsRounding(string kind)
    {
        int[] shape = InputOf(kind);
        var direct = new Sequential("d", shape, [Make(kind, ConvAlgorithm.Direct)]);
        var winograd = new Sequential("w", shape, [Make(kind, ConvAlgorithm.Winograd)]);
        Assert.Equal(ConvAlgorithm.Winograd, winograd.Layers[0] switch { Conv2D c => c.Algorithm, Conv2DTranspose t => t.Algorithm, _ => ConvAlgorithm.Direct });
        direct.Initialize(new Rng(3));
        // A non-zero bias, so the bias path is compared too.
        int filters = direct.OutputShape[2];
        new Rng(4).FillUniform(direct.Values.AsSpan(direct.Values.Length - filters), -0.5f, 0.5f);
        direct.Values.CopyTo(winograd.Values, 0);
        var rng = new Rng(5);
        var x = Tensor.ForBatch(40, shape);
        rng.FillNormal(x.Span);
        var dy = Tensor.ForBatch(40, direct.OutputShape);
        rng.FillNormal(dy.Span);

        (float[] Y, float[] Dx, float[] Grads) Run(Sequential model)
        {
            var y = model.Forward(x, training: true).Span.ToArray();
            model.ZeroGradients();
            var dx = model.Backward(dy, GradientNeeds.All)!.Span.ToArray();
            return (y, dx, (float[])model.Gradients.Clone());
        }
        var a = Run(direct);
        var b = Run(winograd);
        int taps = a.Grads.Length - filters;
        Close(a.Y, b.Y, "y");
        Close(a.Dx, b.Dx, "dx");
        Close(a.Grads[..taps], b.Grads[..taps], "dkernel");
        Assert.Equal(a.Grads[taps..], b.Grads[taps..]);   // dbias: the same sums

        static void Close(float[] expected, float[] actual, string what)
        {
            double scale = expected.Max(v => Math.Abs((double)v));
            double worst = expected.Select((e, i) => Math.Abs((double)e - actual[i])).Max();
            // Measured: below 2e-5 of the scale; a wrong tap or tile would be of the order of the scale itself.
            Assert.True(worst <= 1e-4 * scale, $"{what}: worst deviation {worst:G3} against scale {scale:G3}");
            Assert.True(worst > 0, $"{what}: identical, so the Winograd path was not taken");
        }
    }
}
