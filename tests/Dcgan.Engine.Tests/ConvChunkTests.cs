// The convolution layers process a batch in chunks of images (ConvGeometry.ImagesPerChunk); a batch that spans
// several chunks, with a short last one, must give what the images give one at a time.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

public class ConvChunkTests
{
    public static TheoryData<string> Layers() => ["conv", "convT"];

    private static (Sequential Model, int[] Shape) Build(string kind) => kind == "conv"
        ? (new Sequential("m", [14, 14, 64], [new Conv2D(128, 5, 2, "same")]), [14, 14, 64])
        : (new Sequential("m", [7, 7, 256], [new Conv2DTranspose(128, 5, 1, "same", useBias: true)]), [7, 7, 256]);

    [Theory]
    [MemberData(nameof(Layers))]
    public void ManyChunksMatchOneImageAtATime(string kind)
    {
        var (model, shape) = Build(kind);
        model.Initialize(new Rng(5));
        int perImage = shape[0] * shape[1] * shape[2];
        int chunk = kind == "conv"
            ? ConvGeometry.ForConv(14, 14, 64, 5, 5, 2, true).ImagesPerChunk
            : ConvGeometry.ForConvTranspose(7, 7, 128, 5, 5, 1, true).ImagesPerChunk;
        int batch = 2 * chunk + 3;
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
}
