// A conditional generator made of every layer kind the exporter knows, in the geometries the DCGAN models use and the
// awkward ones they might (4x4 stride-2 'same', 'valid' transposed, odd sizes, a kernel smaller than its stride,
// non-square images, convolutions, Flatten and a second projection), with every value spread out.
namespace Dcgan.Export.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;
using Dcgan.Models;

/// <summary>The model, its label holder and its input sizes.</summary>
public sealed class EveryLayerModel
{
    public const int NoiseDim = 7;
    public const int Classes = 3;

    public EveryLayerModel(ulong seed = 11)
    {
        Labels = new ClassLabels(Classes);
        Generator = new Sequential("every_layer", [NoiseDim + Classes],
        [
            new Dense(4 * 4 * 8),                                   // (128)
            new BatchNormalization(),
            new ClassAffine(Labels),
            new Activation(ActivationKind.Relu),
            new Reshape([4, 4, 8]),
            new Conv2DTranspose(6, 4, 2, "same"),                   // (8, 8, 6), the DCGAN paper's geometry, with a bias
            new BatchNormalization(epsilon: 1e-5f),
            new ClassAffine(Labels),
            new Activation(ActivationKind.LeakyRelu, 0.2f),
            new Conv2DTranspose(5, 3, 2, "valid"),                  // (17, 17, 5)
            new Conv2D(4, 3, 1, "same"),                            // (17, 17, 4)
            new Dropout(0.5f),
            new Conv2D(4, 5, 2, "same", useBias: false),            // (9, 9, 4): odd size, stride 2
            new Activation(ActivationKind.Tanh),
            new Conv2D(4, 3, 2, "valid"),                           // (4, 4, 4)
            new Conv2DTranspose(3, 1, 2, "same"),                   // (8, 8, 3): kernel smaller than the stride
            Reshape.Flatten(),                                      // (192)
            new Dense(48),
            new Reshape([4, 4, 3]),
            new Reshape([2, 8, 3]),                                 // a non-square image
            new Conv2DTranspose(2, 5, 2, "same", useBias: false),   // (4, 16, 2), TensorFlow's odd padding pixel after
            new Activation(ActivationKind.Sigmoid),
        ]);
        var rng = new Rng(seed);
        Generator.Initialize(rng);
        foreach (var (_, p) in Generator.NamedParameters())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "gamma": rng.FillUniform(v, 0.5f, 1.5f); break;
                case "beta" or "bias": rng.FillUniform(v, -0.5f, 0.5f); break;
                case "moving_mean": rng.FillUniform(v, -0.2f, 0.2f); break;
                case "moving_variance": rng.FillUniform(v, 0.5f, 2f); break;
            }
        }
    }

    public ClassLabels Labels { get; }

    public Sequential Generator { get; }

    /// <summary>The engine's images (NHWC) for N x Z noise and N labels, in inference mode.</summary>
    public float[] Forward(float[] noise, int[] labels)
    {
        var z = Tensor.ForBatch(labels.Length, [NoiseDim]);
        noise.CopyTo(z.Span);
        Labels.Set(labels);
        return Generator.Forward(new Conditioning(Classes).NoiseWithLabels(z, labels), training: false).Span.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> through the exporter.</summary>
    public void Export(string path) => OnnxExport.Write(
        OnnxExport.Generator(Generator, Generator.Values, NoiseDim, Classes, [new("purpose", "test")], "test", "every layer kind"), path);
}
