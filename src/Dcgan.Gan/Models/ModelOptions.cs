// The knobs of the seed architecture that the courses varied: noise size, the generator's activation,
// and whether the discriminator ends in a logit or a sigmoid.
namespace Dcgan.Gan.Models;

using Dcgan.Engine.Layers;

/// <summary>The generator's hidden activation.</summary>
public enum GeneratorActivation
{
    LeakyRelu,
    Relu,
}

/// <summary>What the discriminator's last layer emits.</summary>
public enum DiscriminatorOutput
{
    /// <summary>A logit, trained with BCE from logits (the tutorial).</summary>
    Logits,

    /// <summary>A probability (Dense + sigmoid), trained with BCE on probabilities as Keras clips them.</summary>
    Sigmoid,
}

/// <summary>Architecture options for the seed generator and discriminator.</summary>
public sealed record ModelOptions
{
    public int NoiseDim { get; init; } = 100;

    public GeneratorActivation GeneratorActivation { get; init; } = GeneratorActivation.LeakyRelu;

    public DiscriminatorOutput DiscriminatorOutput { get; init; } = DiscriminatorOutput.Logits;

    /// <summary>LeakyReLU slope (Keras 2's default alpha).</summary>
    public float LeakySlope { get; init; } = 0.3f;

    public float DropoutRate { get; init; } = 0.3f;

    public MovingVarianceRule MovingVarianceRule { get; init; } = MovingVarianceRule.Keras2;

    /// <summary>Classes the models are conditioned on (0: the plain, unconditional DCGAN).</summary>
    public int Classes { get; init; }

    public bool Conditional => Classes > 0;

    /// <summary>Conditional runs: the weight of the class loss in the generator's loss (AC-GAN uses 1).</summary>
    public float ClassLossWeight { get; init; } = 1f;

    /// <summary>Image side (28 for MNIST and Fashion-MNIST) and channels.</summary>
    public int ImageSize { get; init; } = 28;

    public int Channels { get; init; } = 1;
}
