// The small CNN that stands in for Inception in FID, KID, precision/recall and the Inception Score: stride-2 5x5
// convolutions with ReLU -> Flatten -> Dense 128 (the feature layer) -> ReLU -> Dense K, trained with Adam on softmax
// cross-entropy. At 28 x 28 (MNIST, Fashion-MNIST) it is Conv 32 -> Conv 64, the network of version v1 from the start.
namespace Dcgan.Quality;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Kernels;

/// <summary>A classifier of H x W x C images scaled to [-1, 1] into K classes, with its 128-d feature layer exposed.</summary>
public sealed class Classifier
{
    /// <summary>Architecture version: a change of layers, of the size rule or of scaling must bump it, so caches retrain.</summary>
    public const string Version = "v1";

    public const int FeatureSize = 128;

    /// <summary>The convolutions halve the side until it is at most this.</summary>
    public const int MaxFinalSide = 8;

    private const int Chunk = 500;
    private static readonly byte[] Magic = "DCGANCLS"u8.ToArray();
    private readonly int _featureLayer;

    private Classifier(Sequential model, ClassifierInfo info)
    {
        Model = model;
        Info = info;
        // The first Dense layer is the feature layer (its output before the ReLU).
        _featureLayer = model.Layers.Select((l, i) => (l, i)).First(p => p.l is Dense).i;
    }

    public Sequential Model { get; }

    public ClassifierInfo Info { get; internal set; }

    public int Height => Model.InputShape[0];

    public int Width => Model.InputShape[1];

    public int Channels => Model.InputShape[2];

    /// <summary>Values per input image (H * W * C).</summary>
    public int ImageSize => Height * Width * Channels;

    /// <summary>Outputs: the data set's classes, or 4 for the rotation task.</summary>
    public int Classes => Model.OutputShape[0];

    public ClassifierTask Task => Info.TaskKind;

    /// <summary>
    /// Filters of the stride-2 convolutions for images whose smaller side is <paramref name="side"/>: convolutions are
    /// added until the side is at most 8 (at least two); the last has 64 filters and each earlier one half as many as the
    /// next, at least 16. 28 px gives 32, 64 (28 -> 14 -> 7); 64 px gives 16, 32, 64 (64 -> 32 -> 16 -> 8); 256 px gives
    /// 16, 16, 16, 32, 64. The feature layer then reads at most 8 x 8 x 64 values, whatever the image size.
    /// </summary>
    public static int[] ConvFilters(int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        int count = 0;
        for (int s = side; count < 2 || s > MaxFinalSide; s = (s + 1) / 2)
        {
            count++;
        }
        return Enumerable.Range(0, count).Select(i => Math.Max(16, 64 >> (count - 1 - i))).ToArray();
    }

    /// <summary>The untrained network for H x W x C images and K classes.</summary>
    public static Sequential Build(int height, int width, int channels = 1, int classes = 10)
    {
        var layers = new List<Layer>();
        foreach (int filters in ConvFilters(Math.Min(height, width)))
        {
            layers.Add(new Conv2D(filters, 5, 2, "same"));
            layers.Add(new Activation(ActivationKind.Relu));
        }
        layers.Add(Reshape.Flatten());
        layers.Add(new Dense(FeatureSize));
        layers.Add(new Activation(ActivationKind.Relu));
        layers.Add(new Dense(classes));
        return new Sequential("classifier", [height, width, channels], layers);
    }

    /// <summary>
    /// Trains a fresh classifier on <paramref name="train"/> and measures it on <paramref name="test"/>: on their labels
    /// (<see cref="ClassifierTask.Classes"/>), or on the rotation task, where each step takes BatchSize / 4 images and
    /// shows each turned all four ways.
    /// </summary>
    public static Classifier Train(ImageDataset train, ImageDataset test, ClassifierTraining options, TextWriter log, ClassifierTask task = ClassifierTask.Classes)
    {
        bool rotation = task == ClassifierTask.Rotation;
        if (rotation && train.Height != train.Width)
        {
            throw new ArgumentException($"the rotation task needs square images, got {train.Height}x{train.Width}");
        }
        int classes = rotation ? RotationTask.Turns : train.Classes;
        int[] shape = [train.Height, train.Width, train.Channels];
        var model = Build(train.Height, train.Width, train.Channels, classes);
        model.Initialize(Rng.Derive(options.Seed, "classifier-init"));
        int imagesPerStep = rotation ? Math.Max(1, options.BatchSize / RotationTask.Turns) : options.BatchSize;
        int batchSize = rotation ? imagesPerStep * RotationTask.Turns : options.BatchSize;
        var feeder = new BatchFeeder(train, imagesPerStep, Rng.Derive(options.Seed, "classifier-shuffle"), limit: options.Limit);
        var images = Tensor.ForBatch(batchSize, shape);
        var unturned = rotation ? new float[imagesPerStep * train.ImageSize] : null;
        var labels = new int[batchSize];
        var dLogits = Tensor.ForBatch(batchSize, [classes]);
        var adam = new Adam(model.TrainableCount, options.LearningRate);
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (epoch == options.Epochs && epoch > 1)
            {
                // Keep the moments, lower the step: Adam's learning rate is fixed at construction.
                var decayed = new Adam(model.TrainableCount, options.FinalLearningRate) { Iterations = adam.Iterations };
                adam.M.CopyTo(decayed.M, 0);
                adam.V.CopyTo(decayed.V, 0);
                adam = decayed;
            }
            feeder.BeginEpoch();
            double lossSum = 0;
            int steps = 0;
            while (feeder.TryNext(unturned ?? images.Buffer, labels, out int count))
            {
                if (unturned is not null)
                {
                    RotationTask.Expand(unturned, count, train.Height, train.Channels, images.Buffer, labels);
                    count *= RotationTask.Turns;
                }
                images.SetBatch(count);
                dLogits.SetBatch(count);
                var logits = model.Forward(images, training: true);
                lossSum += SoftmaxCrossEntropy.FromLogits(logits.Span, classes, labels.AsSpan(0, count), dLogits.Span);
                model.ZeroGradients();
                model.Backward(dLogits, GradientNeeds.Parameters);
                adam.Step(model);
                steps++;
            }
            log.WriteLine(FormattableString.Invariant($"  classifier epoch {epoch}/{options.Epochs}: loss {lossSum / Math.Max(1, steps):0.0000} ({clock.Elapsed.TotalSeconds:0} s)"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var info = new ClassifierInfo
        {
            Dataset = train.Name,
            Task = ClassifierInfo.TaskName(task),
            Height = train.Height,
            Width = train.Width,
            Channels = train.Channels,
            Classes = classes,
            Epochs = options.Epochs,
            TrainImages = feeder.Count,
            TrainSeconds = seconds,
            Values = model.ParameterCount,
        };
        var classifier = new Classifier(model, info);
        classifier.Info = info with
        {
            TestAccuracy = rotation ? classifier.RotationAccuracy(test) : classifier.Accuracy(test),
            TestImages = test.Count,
        };
        return classifier;
    }

    /// <summary>The share of <paramref name="data"/> whose predicted class is its label.</summary>
    public double Accuracy(ImageDataset data)
    {
        var predicted = new int[data.Count];
        Predict(data, [], predicted, []);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            correct += predicted[i] == data.Labels[i] ? 1 : 0;
        }
        return data.Count == 0 ? 0 : (double)correct / data.Count;
    }

    /// <summary>The share of the 4 x N turned images of <paramref name="data"/> whose turn the classifier names.</summary>
    public double RotationAccuracy(ImageDataset data)
    {
        if (data.Count == 0)
        {
            return 0;
        }
        int size = data.ImageSize, n = Math.Min(Chunk, data.Count);
        var upright = new float[n * size];
        var turned = new float[n * size];
        var predicted = new int[n];
        int correct = 0;
        for (int start = 0; start < data.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, data.Count - start);
            Scale(data.Pixels.AsSpan(start * size, count * size), upright);
            for (int r = 0; r < RotationTask.Turns; r++)
            {
                for (int i = 0; i < count; i++)
                {
                    RotationTask.Rotate(upright.AsSpan(i * size, size), data.Height, data.Channels, r, turned.AsSpan(i * size, size));
                }
                Predict(turned.AsSpan(0, count * size), count, [], predicted.AsSpan(0, count), []);
                correct += predicted.AsSpan(0, count).Count(r);
            }
        }
        return (double)correct / (RotationTask.Turns * data.Count);
    }

    /// <summary>
    /// Features (count x 128), predicted classes and class probabilities (count x K) of images (NHWC,
    /// values in [-1, 1]); any output may be empty when not wanted.
    /// </summary>
    public void Predict(ReadOnlySpan<float> images, int count, Span<float> features, Span<int> predicted, Span<float> probabilities)
    {
        int size = ImageSize;
        if (images.Length != count * size)
        {
            throw new ArgumentException($"{images.Length} values are not {count} images of {Height}x{Width}x{Channels}");
        }
        var batch = Tensor.ForBatch(Math.Min(Chunk, Math.Max(1, count)), [Height, Width, Channels]);
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            batch.SetBatch(n);
            images.Slice(start * size, n * size).CopyTo(batch.Span);
            PredictBatch(batch, start, features, predicted, probabilities);
        }
    }

    /// <summary>
    /// As the span overload, for the images of a data set (scaled as the GAN sees them): all of them, or the rows
    /// <paramref name="indices"/> in that order.
    /// </summary>
    public void Predict(ImageDataset data, Span<float> features, Span<int> predicted, Span<float> probabilities, IReadOnlyList<int>? indices = null)
    {
        if (data.ImageSize != ImageSize)
        {
            throw new ArgumentException($"{data.Name} has images of {data.Height}x{data.Width}x{data.Channels}, the classifier reads {Height}x{Width}x{Channels}");
        }
        int size = data.ImageSize, total = indices?.Count ?? data.Count;
        var batch = Tensor.ForBatch(Math.Min(Chunk, Math.Max(1, total)), [Height, Width, Channels]);
        for (int start = 0; start < total; start += Chunk)
        {
            int n = Math.Min(Chunk, total - start);
            batch.SetBatch(n);
            if (indices is null)
            {
                Scale(data.Pixels.AsSpan(start * size, n * size), batch.Span);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    Scale(data.Image(indices[start + i]), batch.Span.Slice(i * size, size));
                }
            }
            PredictBatch(batch, start, features, predicted, probabilities);
        }
    }

    private static void Scale(ReadOnlySpan<byte> pixels, Span<float> target)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            target[i] = BatchFeeder.Scale(pixels[i]);
        }
    }

    private void PredictBatch(Tensor batch, int start, Span<float> features, Span<int> predicted, Span<float> probabilities)
    {
        int n = batch.Batch, classes = Classes;
        var x = batch;
        for (int i = 0; i < Model.Layers.Count; i++)
        {
            x = Model.Layers[i].Forward(x, training: false);
            if (i == _featureLayer && !features.IsEmpty)
            {
                // The Dense(128) output before its ReLU: a smoother, less sparse distribution to fit a Gaussian to.
                x.Span.CopyTo(features.Slice(start * FeatureSize, n * FeatureSize));
            }
        }
        var logits = x.Span;
        Span<float> p = classes <= 256 ? stackalloc float[classes] : new float[classes];
        for (int r = 0; r < n; r++)
        {
            var row = logits.Slice(r * classes, classes);
            if (!predicted.IsEmpty)
            {
                int best = 0;
                for (int k = 1; k < classes; k++)
                {
                    best = row[k] > row[best] ? k : best;
                }
                predicted[start + r] = best;
            }
            if (!probabilities.IsEmpty)
            {
                SoftmaxCrossEntropy.Softmax(row, classes, p);
                p.CopyTo(probabilities.Slice((start + r) * classes, classes));
            }
        }
    }

    /// <summary>
    /// Writes "DCGANCLS", u32 header length, the JSON <see cref="ClassifierInfo"/>, every parameter value
    /// (the Sequential's flat buffer, float32), then the SHA-256 of all bytes before it; atomically.
    /// </summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(Info with { Values = Model.ParameterCount });
        using var memory = new MemoryStream();
        memory.Write(Magic);
        memory.Write(BitConverter.GetBytes((uint)header.Length));
        memory.Write(header);
        memory.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Model.Values.AsSpan()));
        byte[] body = memory.ToArray();
        byte[] hash = SHA256.HashData(body);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(body);
            stream.Write(hash);
        });
    }

    /// <summary>
    /// Reads a saved classifier of <paramref name="dataset"/> (and, for an image folder, of the images with decoded-cache
    /// key <paramref name="dataKey"/>); throws <see cref="InvalidDataException"/> if the file is damaged or of another kind.
    /// </summary>
    public static Classifier Load(string path, string dataset, string? dataKey = null)
    {
        byte[] bytes = File.ReadAllBytes(path);
        const int hashLength = 32;
        if (bytes.Length < Magic.Length + 4 + hashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a classifier file");
        }
        var body = bytes.AsSpan(0, bytes.Length - hashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashLength)))
        {
            throw new InvalidDataException($"{path} is damaged (checksum mismatch)");
        }
        int headerLength = checked((int)BitConverter.ToUInt32(body.Slice(Magic.Length, 4)));
        int offset = Magic.Length + 4;
        if (headerLength > body.Length - offset)
        {
            throw new InvalidDataException($"{path} is damaged (header length)");
        }
        ClassifierInfo info;
        try
        {
            info = JsonSerializer.Deserialize<ClassifierInfo>(body.Slice(offset, headerLength))
                ?? throw new InvalidDataException($"{path} has an empty header");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} has an unreadable header: {e.Message}");
        }
        if (info.Dataset != dataset || info.Version != Version)
        {
            throw new InvalidDataException($"{path} holds a {info.Dataset}-{info.Version} classifier, expected {dataset}-{Version}");
        }
        if (info.DataKey != dataKey)
        {
            throw new InvalidDataException($"{path} was trained on other images (data key {info.DataKey ?? "none"}, expected {dataKey ?? "none"})");
        }
        if (info.Task is not ("classes" or "rotation"))
        {
            throw new InvalidDataException($"{path} has an unknown task '{info.Task}'");
        }
        var (height, width, channels, classes) = info.Shape;
        if (height > 4096 || width > 4096 || channels is not (1 or 3) || classes > 65536)
        {
            throw new InvalidDataException($"{path} has an implausible shape {height}x{width}x{channels}, {classes} classes");
        }
        var model = Build(height, width, channels, classes);
        var values = body[(offset + headerLength)..];
        if (info.Values != model.ParameterCount || values.Length != model.ParameterCount * sizeof(float))
        {
            throw new InvalidDataException($"{path} holds {values.Length / sizeof(float)} values, the {Version} classifier has {model.ParameterCount}");
        }
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(values).CopyTo(model.Values);
        return new Classifier(model, info);
    }
}
