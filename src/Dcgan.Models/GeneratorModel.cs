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
        long rowBytes = Network.Layers.Sum(l => (long)Tensor.ElementCount(l.OutputShape)) * sizeof(float);
        InferenceRows = (int)Math.Clamp(InferenceBytes / rowBytes, 1, 1024);
    }

    /// <summary>
    /// The most rows one inference pass takes: as many as fit <see cref="InferenceBytes"/> of layer outputs (232 for the
    /// tutorial's generator, 62 for the DCGAN paper's at 64x64x3).
    /// </summary>
    public int InferenceRows { get; }

    public ModelOptions Options { get; }

    public Sequential Network { get; }

    /// <summary>The labels the network's class-conditional layers read (set before each forward); null without them.</summary>
    public ClassLabels? Labels { get; }

    /// <summary>
    /// What the layers' outputs of one inference pass may take. A larger request runs in slices of
    /// <see cref="InferenceRows"/> rows through the same layer buffers, so drawing many images needs no more memory than
    /// training already holds (each row's arithmetic does not depend on the rows beside it, so the images are the same).
    /// </summary>
    public const long InferenceBytes = 96L << 20;

    private Tensor? _noiseSlice;
    private Tensor? _output;

    /// <summary>
    /// The network in inference mode (moving BatchNorm statistics) on [N, noiseDim] noise; a conditional model also
    /// takes one label per row. The result is valid until the network runs again.
    /// </summary>
    public Tensor Generate(Tensor noise, ReadOnlySpan<int> labels = default)
    {
        int n = noise.Batch;
        if (n <= InferenceRows)
        {
            return Forward(noise, labels);
        }
        int z = noise.SampleSize;
        _noiseSlice ??= Tensor.ForBatch(InferenceRows, [z]);
        _output ??= Tensor.ForBatch(n, Network.OutputShape);
        _output.SetBatch(n);
        for (int start = 0; start < n; start += InferenceRows)
        {
            int rows = Math.Min(InferenceRows, n - start);
            _noiseSlice.SetBatch(rows);
            noise.Span.Slice(start * z, rows * z).CopyTo(_noiseSlice.Span);
            var sliceLabels = labels.Length >= start + rows ? labels.Slice(start, rows) : default;
            var images = Forward(_noiseSlice, sliceLabels);
            images.Span.CopyTo(_output.Span.Slice(start * images.SampleSize));
        }
        return _output;
    }

    private Tensor Forward(Tensor noise, ReadOnlySpan<int> labels)
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
