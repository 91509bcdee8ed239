// The DCGAN paper's generator and discriminator (Radford, Metz and Chintala 2015) as pytorch/examples' dcgan/main.py
// builds them, in NHWC with the engine's layers: 4x4 stride-2 (transposed) convolutions, BatchNorm, ReLU in G and
// LeakyReLU(0.2) in D, depth following the image size. docs/keras-semantics.md maps every layer to PyTorch's.
namespace Dcgan.Models;

using Dcgan.Engine;
using Dcgan.Engine.Layers;

/// <summary>
/// Builders for the DCGAN paper's models at image size 4 * 2^L (L = 2..6 up-sampling layers; 64x64 has L = 4), with
/// ngf = <see cref="ModelOptions.GeneratorFeatures"/> and ndf = <see cref="ModelOptions.DiscriminatorFeatures"/>. Weights
/// start as pytorch/examples' weights_init draws them: N(0, 0.02) for every kernel, N(1, 0.02) for BatchNorm's gamma, 0
/// for beta; BatchNorm has PyTorch's semantics (<see cref="BatchNormalization.PyTorch"/>). The tutorial model's variants
/// (<see cref="ModelOptions.GeneratorActivation"/>, <see cref="ModelOptions.LeakySlope"/>, <see cref="ModelOptions.DropoutRate"/>,
/// <see cref="ModelOptions.MovingVarianceRule"/>) do not apply; Winograd never applies to the 4x4 layers, which run im2col + GEMM.
/// </summary>
public static class DcganModels
{
    /// <summary>pytorch/examples' weights_init: conv and transposed-conv weights N(0, 0.02).</summary>
    public static Initializer Weights { get; } = Initializer.Normal(0, 0.02);

    /// <summary>pytorch/examples' weights_init: BatchNorm weight (gamma) N(1, 0.02); the bias (beta) starts at 0.</summary>
    public static Initializer Gamma { get; } = Initializer.Normal(1, 0.02);

    /// <summary>The discriminator's LeakyReLU slope (the paper's and pytorch/examples').</summary>
    public const float LeakySlope = 0.2f;

    /// <summary>The up-sampling layers of G (and down-sampling layers of D) for an image side: L = log2(size) - 2.</summary>
    public static int Depth(int imageSize)
    {
        if (!ModelBuilder.DcganImageSizes.Contains(imageSize))
        {
            throw new ArgumentException($"image size {imageSize} does not fit the dcgan architecture (it takes {string.Join(", ", ModelBuilder.DcganImageSizes)})");
        }
        return System.Numerics.BitOperations.Log2((uint)imageSize) - 2;
    }

    /// <summary>
    /// A conditional generator takes [noise, one-hot label] (see <see cref="Conditioning"/>). With L = Depth(size):
    /// Dense(4*4*ngf*2^(L-1), no bias) -> Reshape(4, 4, ngf*2^(L-1)) -> BN -> ReLU, then L - 1 times
    /// [ConvT(half the channels, 4, s2, same, no bias) -> BN -> ReLU], then ConvT(channels, 4, s2, same, no bias) -> tanh.
    /// The Dense + Reshape is PyTorch's ConvTranspose2d(nz, ngf*2^(L-1), 4, 1, 0) on a 1x1 input; 'same' with a 4x4 kernel
    /// and stride 2 is PyTorch's padding 1. 3,576,704 parameters at 64x64x3, noise 100, ngf 64 (pytorch/examples').
    /// With <see cref="ModelOptions.ClassNormInGenerator"/>, each BN is followed by a ClassAffine that reads the batch's
    /// labels from <paramref name="labels"/> (conditional BatchNorm), as in <see cref="SeedModels"/>.
    /// </summary>
    public static Sequential Generator(ModelOptions options, LayerNamer? namer = null, ClassLabels? labels = null)
    {
        Validate(options);
        if (options.ClassNormInGenerator && (labels is null || !options.Conditional))
        {
            throw new ArgumentException("a generator with class-conditional BatchNorm needs a conditional model and its label holder");
        }
        int depth = Depth(options.ImageSize);
        int width = options.GeneratorFeatures << (depth - 1);
        var layers = new List<Layer>
        {
            new Dense(4 * 4 * width, useBias: false, kernelInitializer: Weights),
            new Reshape([4, 4, width]),
        };
        NormAndRelu();
        for (int i = 1; i < depth; i++)
        {
            width /= 2;
            layers.Add(new Conv2DTranspose(width, 4, 2, "same", useBias: false, algorithm: options.ConvAlgorithm, kernelInitializer: Weights));
            NormAndRelu();
        }
        layers.Add(new Conv2DTranspose(options.Channels, 4, 2, "same", useBias: false, algorithm: options.ConvAlgorithm, kernelInitializer: Weights));
        layers.Add(new Activation(ActivationKind.Tanh));
        return new Sequential("sequential", [options.NoiseDim + options.Classes], layers, namer);

        void NormAndRelu()
        {
            layers.Add(BatchNormalization.PyTorch(Gamma));
            if (options.ClassNormInGenerator)
            {
                layers.Add(new ClassAffine(labels!));
            }
            layers.Add(new Activation(ActivationKind.Relu));
        }
    }

    /// <summary>
    /// Conv2D(ndf, 4, s2, same, no bias) -> LeakyReLU(0.2), then L - 1 times [Conv2D(twice the channels, 4, s2, same,
    /// no bias) -> BN -> LeakyReLU(0.2)] down to 4x4, then Flatten -> Dense(outputs, no bias): logits, no dropout, no
    /// sigmoid. The Dense is PyTorch's last Conv2d(ndf*2^(L-1), 1, 4, 1, 0); a conditional D has 1 + K or 1 + 2K outputs
    /// (<see cref="ModelOptions.DiscriminatorOutputs"/>). 2,765,568 parameters at 64x64x3, ndf 64 (pytorch/examples').
    /// </summary>
    public static Sequential Discriminator(ModelOptions options, LayerNamer? namer = null)
    {
        Validate(options);
        int depth = Depth(options.ImageSize);
        int width = options.DiscriminatorFeatures;
        var layers = new List<Layer>
        {
            new Conv2D(width, 4, 2, "same", useBias: false, algorithm: options.ConvAlgorithm, kernelInitializer: Weights),
            new Activation(ActivationKind.LeakyRelu, LeakySlope),
        };
        for (int i = 1; i < depth; i++)
        {
            width *= 2;
            layers.Add(new Conv2D(width, 4, 2, "same", useBias: false, algorithm: options.ConvAlgorithm, kernelInitializer: Weights));
            layers.Add(BatchNormalization.PyTorch(Gamma));
            layers.Add(new Activation(ActivationKind.LeakyRelu, LeakySlope));
        }
        layers.Add(Reshape.Flatten());
        layers.Add(new Dense(options.DiscriminatorOutputs, useBias: false, kernelInitializer: Weights));
        return new Sequential(namer is null ? "sequential" : "sequential_1", [options.ImageSize, options.ImageSize, options.Channels], layers, namer);
    }

    private static void Validate(ModelOptions options) => ModelBuilder.Validate(options, Architecture.Dcgan);
}
