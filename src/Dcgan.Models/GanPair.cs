// The generator and discriminator together with their optimizers: the state a checkpoint saves.
namespace Dcgan.Models;

using Dcgan.Engine;
using Dcgan.Kernels;

/// <summary>Both models and both Adam optimizers, built from one set of options (the architecture's, see <see cref="ModelBuilder"/>).</summary>
public sealed class GanPair : IImageGenerator
{
    private readonly GeneratorModel _generator;

    public GanPair(ModelOptions options, double lrG = 1e-4, double lrD = 1e-4, double beta1 = 0.9, double beta2 = 0.999)
    {
        Options = options;
        var namer = new LayerNamer();
        _generator = new GeneratorModel(options, namer);
        GeneratorLabels = _generator.Labels;
        Generator = _generator.Network;
        Discriminator = ModelBuilder.Discriminator(options, namer);
        GeneratorOptimizer = new Adam(Generator.TrainableCount, lrG, beta1, beta2);
        DiscriminatorOptimizer = new Adam(Discriminator.TrainableCount, lrD, beta1, beta2);
        GeneratorAverage = options.AverageGenerator ? (float[])Generator.Values.Clone() : null;
    }

    public ModelOptions Options { get; }

    /// <summary>The labels the generator's class-conditional layers read (set before each forward); null without them.</summary>
    public ClassLabels? GeneratorLabels { get; }

    public Sequential Generator { get; }

    public Sequential Discriminator { get; }

    public Adam GeneratorOptimizer { get; }

    public Adam DiscriminatorOptimizer { get; }

    /// <summary>
    /// The moving average of all the generator's values (weights and BatchNorm statistics) that samples are drawn from,
    /// or null when the run draws from the generator as trained (the tutorial).
    /// </summary>
    public float[]? GeneratorAverage { get; }

    private float[] _trained = [];

    /// <summary>
    /// Moves the average toward the generator's current values after training step <paramref name="step"/> (1-based)
    /// with decay min(<paramref name="decay"/>, (1 + step) / (10 + step)), the warm-up of TensorFlow's
    /// ExponentialMovingAverage with num_updates: the window grows as about step / 9 until it reaches 1 / (1 - decay)
    /// steps, so the average follows the fast early changes and never keeps the random initial weights.
    /// </summary>
    public void UpdateGeneratorAverage(double decay, long step)
    {
        if (GeneratorAverage is null)
        {
            throw new InvalidOperationException("this generator keeps no average");
        }
        VectorMath.MovingAverage(GeneratorAverage, Generator.Values, (float)Math.Min(decay, (1.0 + step) / (10.0 + step)));
    }

    /// <summary>
    /// The generator in inference mode (moving BatchNorm statistics) on [N, noiseDim] noise; a conditional
    /// model also takes one label per row. The result is valid until the generator runs again.
    /// </summary>
    public Tensor Generate(Tensor noise, ReadOnlySpan<int> labels = default)
    {
        if (GeneratorAverage is null)
        {
            return _generator.Generate(noise, labels);
        }
        // Draw from the average: swap it in for this forward pass only (the output does not depend on the weights
        // after the pass), then restore what training left.
        var values = Generator.Values;
        if (_trained.Length != values.Length)
        {
            _trained = new float[values.Length];
        }
        values.CopyTo(_trained, 0);
        GeneratorAverage.CopyTo(values, 0);
        try
        {
            return _generator.Generate(noise, labels);
        }
        finally
        {
            _trained.CopyTo(values, 0);
        }
    }

    /// <summary>
    /// Initial weights from one seeded stream, the generator's layers, then the discriminator's: Keras's initializers for
    /// the tutorial's models, pytorch/examples' weights_init for the DCGAN paper's.
    /// </summary>
    public void Initialize(Rng rng)
    {
        Generator.Initialize(rng);
        Discriminator.Initialize(rng);
        if (GeneratorAverage is not null)
        {
            Generator.Values.CopyTo(GeneratorAverage, 0);
        }
    }
}
