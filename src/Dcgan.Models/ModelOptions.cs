// The models' options: which architecture (the TensorFlow tutorial's, or the DCGAN paper's family), the image size and
// channels, widths, noise size, and the tutorial model's variants (activation, a logit or a sigmoid out of D).
namespace Dcgan.Models;

using Dcgan.Engine.Layers;

/// <summary>The generator's hidden activation.</summary>
public enum GeneratorActivation
{
    LeakyRelu,
    Relu,
}

/// <summary>Which pair of models to build.</summary>
public enum Architecture
{
    /// <summary>The TensorFlow DCGAN tutorial's generator and discriminator (28x28).</summary>
    Tutorial,

    /// <summary>
    /// The DCGAN paper's models (Radford, Metz and Chintala 2015) as pytorch/examples builds them: 4x4 stride-2
    /// (transposed) convolutions from a 4x4 projection up to the image size, depth following the size.
    /// </summary>
    Dcgan,
}

/// <summary>What the discriminator's last layer emits.</summary>
public enum DiscriminatorOutput
{
    /// <summary>A logit, trained with BCE from logits (the tutorial).</summary>
    Logits,

    /// <summary>A probability (Dense + sigmoid), trained with BCE on probabilities as Keras clips them.</summary>
    Sigmoid,
}

/// <summary>How a conditional discriminator uses the class (see docs/conditional.md).</summary>
public enum ConditionalScheme
{
    /// <summary>AC-GAN (Odena et al. 2017): D emits [real/fake logit, K class logits]; a class loss.</summary>
    AcGan,

    /// <summary>
    /// Projection discriminator (Miyato and Koyama 2018): D emits [psi, K projections]; the adversarial
    /// logit is psi + projection[y] for the image's (real) or asked (fake) class y.
    /// </summary>
    Projection,

    /// <summary>Both: D emits [psi, K projections, K class logits]; projection logit plus AC-GAN's class loss.</summary>
    ProjectionAc,
}

/// <summary>Options for the generator and discriminator.</summary>
public sealed record ModelOptions
{
    public Architecture Architecture { get; init; } = Architecture.Tutorial;

    /// <summary>The DCGAN paper's models: feature maps of G's last hidden layer (pytorch/examples' ngf); doubled per layer up.</summary>
    public int GeneratorFeatures { get; init; } = 64;

    /// <summary>The DCGAN paper's models: feature maps of D's first layer (pytorch/examples' ndf); doubled per layer down.</summary>
    public int DiscriminatorFeatures { get; init; } = 64;

    public int NoiseDim { get; init; } = 100;

    /// <summary>The tutorial's generator (the DCGAN paper's always uses ReLU).</summary>
    public GeneratorActivation GeneratorActivation { get; init; } = GeneratorActivation.LeakyRelu;

    /// <summary>A logit or a probability (the tutorial's discriminator only; the DCGAN paper's ends in a logit).</summary>
    public DiscriminatorOutput DiscriminatorOutput { get; init; } = DiscriminatorOutput.Logits;

    /// <summary>The tutorial's LeakyReLU slope (Keras 2's default alpha; the DCGAN paper's models use 0.2).</summary>
    public float LeakySlope { get; init; } = 0.3f;

    /// <summary>The tutorial discriminator's dropout (the DCGAN paper's has none).</summary>
    public float DropoutRate { get; init; } = 0.3f;

    /// <summary>The tutorial's BatchNorm rule (the DCGAN paper's models follow PyTorch: <see cref="MovingVarianceRule.Unbiased"/>).</summary>
    public MovingVarianceRule MovingVarianceRule { get; init; } = MovingVarianceRule.Keras2;

    /// <summary>Classes the models are conditioned on (0: the plain, unconditional DCGAN).</summary>
    public int Classes { get; init; }

    public bool Conditional => Classes > 0;

    /// <summary>Conditional runs: how the discriminator uses the class.</summary>
    public ConditionalScheme Scheme { get; init; } = ConditionalScheme.AcGan;

    /// <summary>
    /// Conditional runs: every BatchNormalization of the generator is followed by a class-specific scale and
    /// shift (conditional BatchNorm, de Vries et al. 2017 / Dumoulin et al. 2017, as Miyato and Koyama 2018).
    /// </summary>
    public bool ClassNormInGenerator { get; init; }

    /// <summary>The discriminator's outputs per image: 1, or 1 + K (AC-GAN, projection), or 1 + 2K (both).</summary>
    public int DiscriminatorOutputs => 1 + Classes * (Scheme == ConditionalScheme.ProjectionAc ? 2 : 1);

    /// <summary>Conditional runs: the weight of the class loss in the generator's loss (AC-GAN uses 1).</summary>
    public float ClassLossWeight { get; init; } = 1f;

    /// <summary>
    /// The target of the discriminator's loss on real images: 1, or 1 - s with one-sided label smoothing (Salimans et al.,
    /// "Improved Techniques for Training GANs", 2016). Generated images keep target 0, and the generator's own loss
    /// target 1.
    /// </summary>
    public float RealTarget { get; init; } = 1f;

    /// <summary>
    /// Keep an exponential moving average of the generator's weights and draw samples from it (Yazici et al., "The
    /// Unusual Effectiveness of Averaging in GAN Training", ICLR 2019). Training itself never reads the average.
    /// </summary>
    public bool AverageGenerator { get; init; }

    /// <summary>
    /// Image side and channels (1 grayscale, 3 RGB): the tutorial takes 28 (MNIST and Fashion-MNIST), the DCGAN paper's
    /// models 16, 32, 64, 128 or 256 (<see cref="ModelBuilder.ImageSizes"/>).
    /// </summary>
    public int ImageSize { get; init; } = 28;

    public int Channels { get; init; } = 1;

    /// <summary>
    /// The convolutions' arithmetic: Winograd (the default) runs the tutorial G's two wide transposed convolutions and D's
    /// second convolution with 3-5x fewer multiplies; Direct keeps every convolution as plain im2col + GEMM
    /// (docs/benchmarks.md). Layers without a Winograd form (the dcgan architecture's 4x4 ones) run Direct either way.
    /// </summary>
    public ConvAlgorithm ConvAlgorithm { get; init; } = ConvAlgorithm.Winograd;
}
