// The TensorFlow DCGAN tutorial's generator and discriminator, built from the engine's layers.
namespace Dcgan.Models;

using Dcgan.Engine;
using Dcgan.Engine.Layers;

/// <summary>Builders for the seed models (make_generator_model / make_discriminator_model), 28x28 images.</summary>
public static class SeedModels
{
    /// <summary>
    /// A conditional generator takes [noise, one-hot label] (see <see cref="Conditioning"/>).
    /// Dense(7*7*256, no bias) -> BN -> act -> Reshape(7,7,256) -> ConvT(128,5,s1) -> BN -> act
    /// -> ConvT(64,5,s2) -> BN -> act -> ConvT(1,5,s2, tanh); 2,330,944 parameters at noise 100.
    /// </summary>
    /// With <see cref="ModelOptions.ClassNormInGenerator"/>, each BN is followed by a ClassAffine that reads
    /// the batch's labels from <paramref name="labels"/> (conditional BatchNorm).
    public static Sequential Generator(ModelOptions options, LayerNamer? namer = null, ClassLabels? labels = null)
    {
        Validate(options);
        if (options.ClassNormInGenerator && (labels is null || !options.Conditional))
        {
            throw new ArgumentException("a generator with class-conditional BatchNorm needs a conditional model and its label holder");
        }
        int s = options.ImageSize / 4;
        var layers = new List<Layer> { new Dense(s * s * 256, useBias: false) };
        Norm();
        layers.Add(Act(options));
        layers.Add(new Reshape([s, s, 256]));
        layers.Add(new Conv2DTranspose(128, 5, 1, "same", useBias: false, algorithm: options.ConvAlgorithm));
        Norm();
        layers.Add(Act(options));
        layers.Add(new Conv2DTranspose(64, 5, 2, "same", useBias: false, algorithm: options.ConvAlgorithm));
        Norm();
        layers.Add(Act(options));
        layers.Add(new Conv2DTranspose(options.Channels, 5, 2, "same", useBias: false));
        layers.Add(new Activation(ActivationKind.Tanh));
        return new Sequential("sequential", [options.NoiseDim + options.Classes], layers, namer);

        void Norm()
        {
            layers.Add(new BatchNormalization(rule: options.MovingVarianceRule));
            if (options.ClassNormInGenerator)
            {
                layers.Add(new ClassAffine(labels!));
            }
        }
    }

    /// <summary>
    /// A conditional discriminator's last layer is wider: Dense(1 + K) for AC-GAN (Odena et al. 2017) or a
    /// projection discriminator (Miyato and Koyama 2018), Dense(1 + 2K) for both (see ModelOptions.Scheme).
    /// Conv2D(64,5,s2) -> LeakyReLU -> Dropout(0.3) -> Conv2D(128,5,s2) -> LeakyReLU -> Dropout(0.3)
    /// -> Flatten -> Dense(1) [-> sigmoid]; 212,865 parameters.
    /// </summary>
    public static Sequential Discriminator(ModelOptions options, LayerNamer? namer = null)
    {
        Validate(options);
        var layers = new List<Layer>
        {
            new Conv2D(64, 5, 2, "same"),
            new Activation(ActivationKind.LeakyRelu, options.LeakySlope),
            new Dropout(options.DropoutRate),
            new Conv2D(128, 5, 2, "same", algorithm: options.ConvAlgorithm),
            new Activation(ActivationKind.LeakyRelu, options.LeakySlope),
            new Dropout(options.DropoutRate),
            Reshape.Flatten(),
            // A conditional D adds K class logits (AC-GAN's auxiliary classifier) or K class projections
            // (Miyato and Koyama 2018), or both, after its real/fake output.
            new Dense(options.DiscriminatorOutputs),
        };
        if (options.DiscriminatorOutput == DiscriminatorOutput.Sigmoid)
        {
            layers.Add(new Activation(ActivationKind.Sigmoid));
        }
        return new Sequential(namer is null ? "sequential" : "sequential_1", [options.ImageSize, options.ImageSize, options.Channels], layers, namer);
    }

    private static Layer Act(ModelOptions options) => options.GeneratorActivation == GeneratorActivation.Relu
        ? new Activation(ActivationKind.Relu)
        : new Activation(ActivationKind.LeakyRelu, options.LeakySlope);

    private static void Validate(ModelOptions options) => ModelBuilder.Validate(options, Architecture.Tutorial);
}
