// The exporter on any Sequential of the layer kinds it knows (ONNX Runtime against the engine's inference forward), and
// its one-line refusals: an unknown layer kind, class-conditional layers without a label, an output that is no image.
namespace Dcgan.Export.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;
using Dcgan.TestSupport;

public sealed class EveryLayerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void OnnxRuntimeMatchesTheEngineOnEveryLayerKind(int count)
    {
        var model = new EveryLayerModel();
        string path = _dir.File("every-layer.onnx");
        model.Export(path);
        var noise = new float[count * EveryLayerModel.NoiseDim];
        new Rng((ulong)count).FillNormal(noise);
        int[] labels = Enumerable.Range(0, count).Select(i => (i * 7 + 1) % EveryLayerModel.Classes).ToArray();

        using var onnx = new OnnxRunner(path);
        var (images, shape) = onnx.Run(noise, EveryLayerModel.NoiseDim, labels.Select(l => (long)l).ToArray());
        float[] expected = model.Forward(noise, labels);

        Assert.Equal(new long[] { count, 4, 16, 2 }, shape);
        float worst = OnnxRuntimeTests.MaxAbsDifference(expected, images);
        Assert.True(worst <= 1e-4f, $"ONNX Runtime differs from the engine by {worst:G3}");
        Assert.True(images.Max() > images.Min() + 0.01f, "the images are not flat");
    }

    [Fact]
    public void AnUnknownLayerKindIsRefusedOnOneLine()
    {
        var generator = new Sequential("g", [4], [new Dense(2 * 2 * 3), new Reshape([2, 2, 3]), new Doubling()]);
        var e = Assert.Throws<ExportException>(() => OnnxExport.Generator(generator, generator.Values, 4, 0, [], "test", ""));
        Assert.Equal("cannot export layer 'doubling' (Doubling): the ONNX exporter knows " + GeneratorGraph.KnownLayers, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ClassLayersNeedALabelAndTheOutputMustBeAnImage()
    {
        var labels = new ClassLabels(3);
        var classNorm = new Sequential("g", [4], [new Dense(12), new ClassAffine(labels), new Reshape([2, 2, 3])]);
        var noLabel = Assert.Throws<ExportException>(() => OnnxExport.Generator(classNorm, classNorm.Values, 4, 0, [], "test", ""));
        Assert.Equal("layer 'class_affine' (ClassAffine) scales by 3 classes, but the generator takes 0", noLabel.Message);

        var flat = new Sequential("g", [4], [new Dense(12)]);
        var notImage = Assert.Throws<ExportException>(() => OnnxExport.Generator(flat, flat.Values, 4, 0, [], "test", ""));
        Assert.Equal("the generator's output (12) is not an (H, W, C) image", notImage.Message);

        var wrongInput = Assert.Throws<ExportException>(() => OnnxExport.Generator(flat, flat.Values, 3, 0, [], "test", ""));
        Assert.Equal("the generator takes (4) samples, not 3 noise values and 0 classes", wrongInput.Message);
    }

    /// <summary>A layer the exporter has never heard of.</summary>
    private sealed class Doubling() : Layer(null)
    {
        public override string ClassName => "Doubling";

        public override string NameStem => "doubling";

        protected override int[] OnBuild(int[] inputShape) => inputShape;

        public override Tensor Forward(Tensor input, bool training) => input;

        public override Tensor? Backward(Tensor dOutput, GradientNeeds needs) => dOutput;
    }
}
