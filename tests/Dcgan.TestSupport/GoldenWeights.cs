// The formula weights of the whole-model golden cases (generator.bin, discriminator.bin, dcgan_*.bin), exactly as
// tests/golden/make_golden.py computes them; see tests/golden/README.md.
namespace Dcgan.TestSupport;

/// <summary>Deterministic model parameters: value = f(sin(0.7 + 0.37*i + 1.3*t)) in float64, rounded to float32.</summary>
public static class GoldenWeights
{
    /// <summary>The parameter tensors of the tutorial generator in model order (t = position): name, Keras shape, kind.</summary>
    public static IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> Generator { get; } =
    [
        ("g.dense.kernel", [100, 12544], GoldenParamKind.Kernel),
        ("g.bn0.gamma", [12544], GoldenParamKind.Gamma),
        ("g.bn0.beta", [12544], GoldenParamKind.Beta),
        ("g.convt1.kernel", [5, 5, 128, 256], GoldenParamKind.Kernel),
        ("g.bn1.gamma", [128], GoldenParamKind.Gamma),
        ("g.bn1.beta", [128], GoldenParamKind.Beta),
        ("g.convt2.kernel", [5, 5, 64, 128], GoldenParamKind.Kernel),
        ("g.bn2.gamma", [64], GoldenParamKind.Gamma),
        ("g.bn2.beta", [64], GoldenParamKind.Beta),
        ("g.convt3.kernel", [5, 5, 1, 64], GoldenParamKind.Kernel),
    ];

    /// <summary>The parameter tensors of the tutorial discriminator in model order (t = position).</summary>
    public static IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> Discriminator { get; } =
    [
        ("d.conv0.kernel", [5, 5, 1, 64], GoldenParamKind.Kernel),
        ("d.conv0.bias", [64], GoldenParamKind.Bias),
        ("d.conv1.kernel", [5, 5, 64, 128], GoldenParamKind.Kernel),
        ("d.conv1.bias", [128], GoldenParamKind.Bias),
        ("d.dense.kernel", [6272, 1], GoldenParamKind.Kernel),
        ("d.dense.bias", [1], GoldenParamKind.Bias),
    ];

    /// <summary>
    /// The parameter tensors of the dcgan-64 generator of the golden cases (64x64x3, noise 100, ngf 8) in model order: the
    /// Dense that stands for PyTorch's first ConvTranspose2d, then per layer the transposed convolution and its BatchNorm.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> DcganGenerator { get; } =
    [
        ("g.dense.kernel", [100, 1024], GoldenParamKind.Kernel),
        ("g.bn0.gamma", [64], GoldenParamKind.Gamma),
        ("g.bn0.beta", [64], GoldenParamKind.Beta),
        ("g.convt1.kernel", [4, 4, 32, 64], GoldenParamKind.Kernel),
        ("g.bn1.gamma", [32], GoldenParamKind.Gamma),
        ("g.bn1.beta", [32], GoldenParamKind.Beta),
        ("g.convt2.kernel", [4, 4, 16, 32], GoldenParamKind.Kernel),
        ("g.bn2.gamma", [16], GoldenParamKind.Gamma),
        ("g.bn2.beta", [16], GoldenParamKind.Beta),
        ("g.convt3.kernel", [4, 4, 8, 16], GoldenParamKind.Kernel),
        ("g.bn3.gamma", [8], GoldenParamKind.Gamma),
        ("g.bn3.beta", [8], GoldenParamKind.Beta),
        ("g.convt4.kernel", [4, 4, 3, 8], GoldenParamKind.Kernel),
    ];

    /// <summary>The parameter tensors of the dcgan-64 discriminator of the golden cases (64x64x3, ndf 8) in model order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> DcganDiscriminator { get; } =
    [
        ("d.conv0.kernel", [4, 4, 3, 8], GoldenParamKind.Kernel),
        ("d.conv1.kernel", [4, 4, 8, 16], GoldenParamKind.Kernel),
        ("d.bn1.gamma", [16], GoldenParamKind.Gamma),
        ("d.bn1.beta", [16], GoldenParamKind.Beta),
        ("d.conv2.kernel", [4, 4, 16, 32], GoldenParamKind.Kernel),
        ("d.bn2.gamma", [32], GoldenParamKind.Gamma),
        ("d.bn2.beta", [32], GoldenParamKind.Beta),
        ("d.conv3.kernel", [4, 4, 32, 64], GoldenParamKind.Kernel),
        ("d.bn3.gamma", [64], GoldenParamKind.Gamma),
        ("d.bn3.beta", [64], GoldenParamKind.Beta),
        ("d.dense.kernel", [1024, 1], GoldenParamKind.Kernel),
    ];

    /// <summary>The BatchNormalization layers of the dcgan-64 golden models, in model order.</summary>
    public static IReadOnlyList<string> DcganGeneratorNorms { get; } = ["g.bn0", "g.bn1", "g.bn2", "g.bn3"];

    /// <summary>The BatchNormalization layers of the dcgan-64 golden discriminator (its first convolution has none).</summary>
    public static IReadOnlyList<string> DcganDiscriminatorNorms { get; } = ["d.bn1", "d.bn2", "d.bn3"];

    /// <summary>The options of the dcgan-64 golden pair: 64x64x3 images, noise 100, ngf = ndf = 8.</summary>
    public static Dcgan.Models.ModelOptions DcganOptions { get; } = new()
    {
        Architecture = Dcgan.Models.Architecture.Dcgan,
        ImageSize = 64,
        Channels = 3,
        GeneratorFeatures = 8,
        DiscriminatorFeatures = 8,
    };

    /// <summary>Keras glorot_uniform limit sqrt(6 / (fan_in + fan_out)); conv fans multiply by kh*kw.</summary>
    public static double GlorotLimit(ReadOnlySpan<int> shape)
    {
        double fanIn;
        double fanOut;
        if (shape.Length == 2)
        {
            fanIn = shape[0];
            fanOut = shape[1];
        }
        else
        {
            double receptive = 1;
            for (int d = 0; d < shape.Length - 2; d++)
            {
                receptive *= shape[d];
            }
            fanIn = shape[^2] * receptive;
            fanOut = shape[^1] * receptive;
        }
        return Math.Sqrt(6.0 / (fanIn + fanOut));
    }

    /// <summary>The values of parameter tensor number <paramref name="t"/>, flat in the Keras layout (row-major).</summary>
    public static float[] Values(int t, ReadOnlySpan<int> shape, GoldenParamKind kind)
    {
        int count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }
        double limit = kind == GoldenParamKind.Kernel ? GlorotLimit(shape) : 0;
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double s = Math.Sin(0.7 + 0.37 * i + 1.3 * t);
            double v = kind switch
            {
                GoldenParamKind.Kernel => limit * s,
                GoldenParamKind.Gamma => 1.0 + 0.1 * s,
                _ => 0.1 * s,
            };
            values[i] = (float)v;
        }
        return values;
    }

    /// <summary>The flat indices of a 64-value sample of a tensor of <paramref name="length"/> elements: (j * length) / 64.</summary>
    public static int[] SampleIndices(int length)
    {
        var indices = new int[64];
        for (int j = 0; j < 64; j++)
        {
            indices[j] = (int)((long)j * length / 64);
        }
        return indices;
    }

    /// <summary>The values of <paramref name="data"/> at <see cref="SampleIndices"/>.</summary>
    public static float[] Sample(ReadOnlySpan<float> data)
    {
        int[] indices = SampleIndices(data.Length);
        var sample = new float[indices.Length];
        for (int j = 0; j < indices.Length; j++)
        {
            sample[j] = data[indices[j]];
        }
        return sample;
    }
}
