// GeneratorModel.Generate draws a large request in slices of InferenceRows rows; the images must be exactly those one pass
// over the whole batch gives, for plain and class-conditional generators (labels and class-conditional BatchNorm follow
// their rows), and the layer buffers must stay at the slice's size.
namespace Dcgan.Models.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;
using Dcgan.Models;

// Alone: the memory check reads the process-wide allocation counter, which other tests would move.
[Collection(WorkersCollection.Name)]
public class InferenceSliceTests
{
    private static readonly int Rows = new GeneratorModel(new ModelOptions()).InferenceRows * 2 + 37;

    [Theory]
    [InlineData(false, false, ConvAlgorithm.Winograd)]
    [InlineData(false, false, ConvAlgorithm.Direct)]
    [InlineData(true, false, ConvAlgorithm.Winograd)]
    [InlineData(true, true, ConvAlgorithm.Winograd)]
    public void SlicesDrawTheImagesOfOnePass(bool conditional, bool classNorm, ConvAlgorithm algorithm)
    {
        var options = new ModelOptions
        {
            Classes = conditional ? 10 : 0,
            Scheme = classNorm ? ConditionalScheme.ProjectionAc : ConditionalScheme.AcGan,
            ClassNormInGenerator = classNorm,
            ConvAlgorithm = algorithm,
        };
        var generator = new GeneratorModel(options);
        generator.Network.Initialize(new Rng(5));
        var rng = new Rng(6);
        var noise = Tensor.ForBatch(Rows, [options.NoiseDim]);
        rng.FillNormal(noise.Span);
        int[] labels = Enumerable.Range(0, Rows).Select(i => (i * 7) % 10).ToArray();

        float[] sliced = generator.Generate(noise, labels).Span.ToArray();

        // The same rows in one pass of the network, built the way Generate builds its input.
        Tensor input = noise;
        if (conditional)
        {
            input = new Conditioning(10).NoiseWithLabels(noise, labels);
            generator.Labels?.Set(labels);
        }
        float[] whole = generator.Network.Forward(input, training: false).Span.ToArray();

        Assert.Equal(Rows * 28 * 28, sliced.Length);
        Assert.Contains(sliced, v => v != 0f);
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(whole[i]) == BitConverter.SingleToInt32Bits(sliced[i]),
                $"value {i} (row {i / 784}): {sliced[i]} sliced vs {whole[i]} in one pass");
        }
    }

    [Fact]
    public void TheSliceFollowsTheGeneratorsSize()
    {
        // Below the tutorial's training batch (256), so drawing never grows the buffers training holds.
        Assert.Equal(232, new GeneratorModel(new ModelOptions()).InferenceRows);
        var paper = new GeneratorModel(new ModelOptions { Architecture = Architecture.Dcgan, ImageSize = 64, Channels = 3 });
        Assert.Equal(62, paper.InferenceRows);
        // Below the DCGAN paper's training batch (128), so drawing never grows the buffers training holds.
        Assert.True(paper.InferenceRows < 128);
    }

    [Fact]
    public void LayerBuffersStayAtTheSliceSize()
    {
        static long Allocated(int rows)
        {
            var generator = new GeneratorModel(new ModelOptions());
            generator.Network.Initialize(new Rng(5));
            var noise = Tensor.ForBatch(rows, [100]);
            new Rng(7).FillNormal(noise.Span);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var images = generator.Generate(noise);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.Equal([rows, 28, 28, 1], images.Shape);
            return allocated;
        }

        long oneSlice = Allocated(new GeneratorModel(new ModelOptions()).InferenceRows);
        long slices = Allocated(Rows);
        // Every layer buffer is sized for one slice; what more rows add is the output and the noise slice.
        long extra = (long)Rows * (28 * 28 + 100) * sizeof(float) + (1 << 20);
        Assert.True(oneSlice > 50_000_000, $"{oneSlice / 1e6:F0} MB for one slice");
        Assert.True(slices <= oneSlice + extra, $"{slices / 1e6:F0} MB for {Rows} images against {oneSlice / 1e6:F0} MB for one slice");
    }
}
