// The generator on its own: the network, its class-label holder and its conditioned input. GanPair trains one beside a
// discriminator and two optimizers; a generator restored for drawing (Sampler) needs nothing else.
namespace Dcgan.Models;

using Dcgan.Engine;

/// <summary>A generator network with what its inference needs; one owner of how the generator's input is made.</summary>
public sealed class GeneratorModel : IImageGenerator
{
    private Conditioning? _conditioning;

    /// <param name="namer">Shared with the discriminator's builder when both are made together (Keras auto-names).</param>
    public GeneratorModel(ModelOptions options, LayerNamer? namer = null)
    {
        Options = options;
        Labels = options.ClassNormInGenerator ? new ClassLabels(options.Classes) : null;
        Network = ModelBuilder.Generator(options, namer, Labels);
    }

    public ModelOptions Options { get; }

    public Sequential Network { get; }

    /// <summary>The labels the network's class-conditional layers read (set before each forward); null without them.</summary>
    public ClassLabels? Labels { get; }

    /// <summary>
    /// The network in inference mode (moving BatchNorm statistics) on [N, noiseDim] noise; a conditional model also
    /// takes one label per row. The result is valid until the network runs again.
    /// </summary>
    public Tensor Generate(Tensor noise, ReadOnlySpan<int> labels = default)
    {
        if (Options.Conditional)
        {
            _conditioning ??= new Conditioning(Options.Classes);
            var input = _conditioning.NoiseWithLabels(noise, labels);
            Labels?.Set(labels[..noise.Batch]);
            return Network.Forward(input, training: false);
        }
        return Network.Forward(noise, training: false);
    }
}
