// The generator and discriminator together with their optimizers: the state a checkpoint saves.
namespace Dcgan.Gan.Models;

using Dcgan.Engine;
using Dcgan.Kernels;

/// <summary>Both models and both Adam optimizers, built from one set of options.</summary>
public sealed class GanPair
{
    public GanPair(ModelOptions options, double lrG = 1e-4, double lrD = 1e-4, double beta1 = 0.9, double beta2 = 0.999)
    {
        Options = options;
        var namer = new LayerNamer();
        GeneratorLabels = options.ClassNormInGenerator ? new ClassLabels(options.Classes) : null;
        Generator = SeedModels.Generator(options, namer, GeneratorLabels);
        Discriminator = SeedModels.Discriminator(options, namer);
        GeneratorOptimizer = new Adam(Generator.TrainableCount, lrG, beta1, beta2);
        DiscriminatorOptimizer = new Adam(Discriminator.TrainableCount, lrD, beta1, beta2);
    }

    public ModelOptions Options { get; }

    /// <summary>The labels the generator's class-conditional layers read (set before each forward); null without them.</summary>
    public ClassLabels? GeneratorLabels { get; }

    public Sequential Generator { get; }

    public Sequential Discriminator { get; }

    public Adam GeneratorOptimizer { get; }

    public Adam DiscriminatorOptimizer { get; }

    private Conditioning? _inference;

    /// <summary>
    /// The generator in inference mode (moving BatchNorm statistics) on [N, noiseDim] noise; a conditional
    /// model also takes one label per row. The result is valid until the generator runs again.
    /// </summary>
    public Tensor Generate(Tensor noise, ReadOnlySpan<int> labels = default)
    {
        if (Options.Conditional)
        {
            _inference ??= new Conditioning(Options.Classes);
            var input = _inference.NoiseWithLabels(noise, labels);
            GeneratorLabels?.Set(labels[..noise.Batch]);
            return Generator.Forward(input, training: false);
        }
        return Generator.Forward(noise, training: false);
    }

    /// <summary>Keras initial weights from one seeded stream: the generator's layers, then the discriminator's.</summary>
    public void Initialize(Rng rng)
    {
        Generator.Initialize(rng);
        Discriminator.Initialize(rng);
    }
}
