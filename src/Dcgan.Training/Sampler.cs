// Drawing images from a trained generator: load a run or a checkpoint (the generator only), then run it in
// inference mode (moving BatchNorm statistics, so an image never depends on its batch-mates).
namespace Dcgan.Training;

using Dcgan.Engine;
using Dcgan.Models;
using Dcgan.Kernels;

/// <summary>A generator restored from a checkpoint, ready to draw; it holds no discriminator and no optimizer state.</summary>
public sealed class Sampler
{
    private const int MaxChunk = 1024;

    private Sampler(GeneratorModel generator, TrainConfig config, string checkpoint, int epoch)
    {
        Generator = generator;
        Config = config;
        CheckpointPath = checkpoint;
        Epoch = epoch;
    }

    /// <summary>The generator samples come from: the run's moving average when it keeps one, else the trained one.</summary>
    public GeneratorModel Generator { get; }

    public TrainConfig Config { get; }

    public string CheckpointPath { get; }

    /// <summary>Epochs the checkpoint's generator was trained for.</summary>
    public int Epoch { get; }

    /// <summary>Side of the square images the generator draws.</summary>
    public int ImageSize => Generator.Options.ImageSize;

    /// <summary>
    /// Opens a run folder (its latest checkpoint) or a checkpoint file. Errors name the path and the
    /// problem on one line; nothing is written. <paramref name="reuse"/>: see <see cref="Checkpoint.LoadGenerator"/>.
    /// </summary>
    public static Sampler Open(string runOrCheckpoint, Func<ModelOptions, GeneratorModel?>? reuse = null)
    {
        string path = Path.GetFullPath(runOrCheckpoint);
        string checkpoint;
        if (Directory.Exists(path))
        {
            var run = new RunFolder(path);
            if (!run.IsRun)
            {
                throw new FileNotFoundException($"{path} is not a run folder (no config.json)");
            }
            var all = run.Checkpoints();
            if (all.Count == 0)
            {
                throw new FileNotFoundException($"run {path} has no checkpoint yet");
            }
            checkpoint = all[^1].Path;
        }
        else if (File.Exists(path))
        {
            checkpoint = path;
        }
        else
        {
            throw new FileNotFoundException($"{path} does not exist");
        }
        var (generator, config, state) = Checkpoint.LoadGenerator(checkpoint, reuse);
        return new Sampler(generator, config, checkpoint, state.CompletedEpochs);
    }

    /// <summary>Classes a conditional generator draws (0 for a plain one).</summary>
    public int Classes => Generator.Options.Classes;

    /// <summary>Receives drawn images in order: <paramref name="images"/> (NHWC in [-1, 1]) are images start, start + 1, ...</summary>
    public delegate void Sink(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int start);

    /// <summary>Values per image (H * W * C).</summary>
    public int ImageValues => ImageSize * ImageSize * Generator.Options.Channels;

    /// <summary>
    /// Images per generator call: 1,024 at 28 px, fewer for larger images, so a drawing's memory stays about that of
    /// 1,024 MNIST-sized images whatever the size.
    /// </summary>
    public int ChunkSize => Math.Clamp(MaxChunk * 28 * 28 / (ImageSize * ImageSize), 8, MaxChunk);

    /// <summary>
    /// Draws <paramref name="count"/> images (NHWC, values in [-1, 1]) from noise seeded by <paramref name="seed"/>.
    /// A conditional generator draws class <paramref name="label"/>, or an even mix (0, 1, ..., K-1, 0, ...) without one.
    /// The generator runs on at most <paramref name="batch"/> images at a time (default <see cref="ChunkSize"/>; the
    /// images are the same for any batch).
    /// </summary>
    public float[] Draw(int count, ulong seed, int? label = null, int? batch = null)
    {
        var images = new float[(long)count * ImageValues];
        Draw(count, seed, label, (chunk, _, start) => chunk.CopyTo(images.AsSpan(start * ImageValues)), batch);
        return images;
    }

    /// <summary>
    /// <see cref="Draw(int, ulong, int?, int?)"/> a chunk at a time into <paramref name="sink"/>, so any number of images
    /// can be written without holding them all; the images are the same however they are cut.
    /// </summary>
    public void Draw(int count, ulong seed, int? label, Sink sink, int? batch = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch ?? 1, 1);
        if (label is int k)
        {
            if (!Generator.Options.Conditional)
            {
                throw new ArgumentException("this generator was not trained with --conditional, so it takes no label");
            }
            if (k < 0 || k >= Classes)
            {
                throw new ArgumentException($"label {k} is out of range: this generator draws classes 0 to {Classes - 1}");
            }
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int chunk = Math.Min(count, batch ?? ChunkSize);
        var rng = Noise.ForDrawing(seed);
        var noise = Tensor.ForBatch(chunk, [Config.NoiseDim]);
        var labels = new int[chunk];
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            noise.SetBatch(n);
            Noise.Fill(rng, Config.NoiseKind, noise.Span);
            for (int i = 0; i < n; i++)
            {
                labels[i] = label ?? (Classes == 0 ? 0 : (start + i) % Classes);
            }
            sink(Draw(noise, labels.AsSpan(0, n)), labels.AsSpan(0, n), start);
        }
    }

    /// <summary>Runs the generator on given noise (N x noiseDim), and labels if conditional, in inference mode.</summary>
    public ReadOnlySpan<float> Draw(Tensor noise, ReadOnlySpan<int> labels = default)
        => Generator.Generate(noise, Generator.Options.Conditional ? labels : default).Span;
}
