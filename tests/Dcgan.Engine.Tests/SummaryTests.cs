// The seed models' parameter counts and Keras-style summary text.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;

public class SummaryTests
{
    [Theory]
    [InlineData(2330944L, "2,330,944 (8.89 MB)")]
    [InlineData(2305472L, "2,305,472 (8.79 MB)")]
    [InlineData(25472L, "25,472 (99.50 KB)")]
    [InlineData(212865L, "212,865 (831.50 KB)")]
    [InlineData(0L, "0 (0.00 B)")]
    public void CountsAndSizesAsKeras(long count, string expected) => Assert.Equal(expected, ModelSummary.CountWithSize(count));

    [Fact]
    public void TableShowsNamesShapesAndCounts()
    {
        var model = new Sequential("tiny", [4], [new Dense(12544, useBias: false), new BatchNormalization()]);
        string text = ModelSummary.Render(model);
        Assert.Contains("Model: \"tiny\"", text);
        Assert.Contains("dense (Dense)", text);
        Assert.Contains("(None, 12544)", text);
        Assert.Contains("50,176", text);
        Assert.Contains("batch_normalization", text);
        Assert.Contains(" Total params: 100,352 (392.00 KB)", text);
        Assert.Contains(" Non-trainable params: 25,088 (98.00 KB)", text);
    }

    [Fact]
    public void NamerCountsPerStemAcrossModels()
    {
        var namer = new LayerNamer();
        var a = new Sequential("a", [3], [new Dense(2), new Activation(ActivationKind.LeakyRelu)], namer);
        var b = new Sequential("b", [2], [new Dense(2), new Activation(ActivationKind.LeakyRelu)], namer);
        Assert.Equal(["dense", "leaky_re_lu"], a.Layers.Select(l => l.Name));
        Assert.Equal(["dense_1", "leaky_re_lu_1"], b.Layers.Select(l => l.Name));
    }
}
