// The small CNN that stands in for Inception in FID and the Inception Score: Conv 32 k5 s2 -> ReLU -> Conv 64 k5 s2
// -> ReLU -> Flatten -> Dense 128 (the feature layer) -> ReLU -> Dense 10, trained with Adam on softmax cross-entropy.
namespace Dcgan.Quality;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Kernels;

/// <summary>A digit (or clothing) classifier on images scaled to [-1, 1], with its 128-d feature layer exposed.</summary>
public sealed class Classifier
{
    /// <summary>Architecture version: a change of layers or scaling must bump it, so caches retrain.</summary>
    public const string Version = "v1";

    public const int Classes = 10;

    public const int FeatureSize = 128;

    private const int FeatureLayer = 5;
    private const int Chunk = 500;
    private static readonly byte[] Magic = "DCGANCLS"u8.ToArray();

    private Classifier(Sequential model, ClassifierInfo info)
    {
        Model = model;
        Info = info;
    }

    public Sequential Model { get; }

    public ClassifierInfo Info { get; private set; }

    public int Height => Model.InputShape[0];

    public int Width => Model.InputShape[1];

    /// <summary>The untrained network for H x W x 1 images.</summary>
    public static Sequential Build(int height, int width) => new("classifier", [height, width, 1],
    [
        new Conv2D(32, 5, 2, "same"),
        new Activation(ActivationKind.Relu),
        new Conv2D(64, 5, 2, "same"),
        new Activation(ActivationKind.Relu),
        Reshape.Flatten(),
        new Dense(FeatureSize),
        new Activation(ActivationKind.Relu),
        new Dense(Classes),
    ]);

    /// <summary>Trains a fresh classifier on <paramref name="train"/> and measures it on <paramref name="test"/>.</summary>
    public static Classifier Train(ImageDataset train, ImageDataset test, ClassifierTraining options, TextWriter log)
    {
        var model = Build(train.Height, train.Width);
        model.Initialize(Rng.Derive(options.Seed, "classifier-init"));
        var feeder = new BatchFeeder(train, options.BatchSize, Rng.Derive(options.Seed, "classifier-shuffle"), limit: options.Limit);
        var images = Tensor.ForBatch(options.BatchSize, [train.Height, train.Width, 1]);
        var labels = new int[options.BatchSize];
        var dLogits = Tensor.ForBatch(options.BatchSize, [Classes]);
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
            while (feeder.TryNext(images.Buffer, labels, out int count))
            {
                images.SetBatch(count);
                dLogits.SetBatch(count);
                var logits = model.Forward(images, training: true);
                lossSum += SoftmaxCrossEntropy.FromLogits(logits.Span, Classes, labels.AsSpan(0, count), dLogits.Span);
                model.ZeroGradients();
                model.Backward(dLogits, GradientNeeds.Parameters);
                adam.Step(model);
                steps++;
            }
            log.WriteLine(FormattableString.Invariant($"  classifier epoch {epoch}/{options.Epochs}: loss {lossSum / Math.Max(1, steps):0.0000} ({clock.Elapsed.TotalSeconds:0} s)"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var classifier = new Classifier(model, new ClassifierInfo { Dataset = train.Name, Epochs = options.Epochs, TrainImages = feeder.Count, TrainSeconds = seconds, Values = model.ParameterCount });
        classifier.Info = classifier.Info with { TestAccuracy = classifier.Accuracy(test) };
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

    /// <summary>
    /// Features (count x 128), predicted classes and class probabilities (count x 10) of images (NHWC,
    /// values in [-1, 1]); any output may be empty when not wanted.
    /// </summary>
    public void Predict(ReadOnlySpan<float> images, int count, Span<float> features, Span<int> predicted, Span<float> probabilities)
    {
        int size = Height * Width;
        if (images.Length != count * size)
        {
            throw new ArgumentException($"{images.Length} values are not {count} images of {Height}x{Width}");
        }
        var batch = Tensor.ForBatch(Math.Min(Chunk, Math.Max(1, count)), [Height, Width, 1]);
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            batch.SetBatch(n);
            images.Slice(start * size, n * size).CopyTo(batch.Span);
            PredictBatch(batch, start, features, predicted, probabilities);
        }
    }

    /// <summary>As the span overload, for the images of a data set (scaled as the GAN sees them).</summary>
    public void Predict(ImageDataset data, Span<float> features, Span<int> predicted, Span<float> probabilities)
    {
        int size = data.ImageSize;
        var batch = Tensor.ForBatch(Math.Min(Chunk, Math.Max(1, data.Count)), [Height, Width, 1]);
        for (int start = 0; start < data.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, data.Count - start);
            batch.SetBatch(n);
            var target = batch.Span;
            var pixels = data.Pixels.AsSpan(start * size, n * size);
            for (int i = 0; i < pixels.Length; i++)
            {
                target[i] = BatchFeeder.Scale(pixels[i]);
            }
            PredictBatch(batch, start, features, predicted, probabilities);
        }
    }

    private void PredictBatch(Tensor batch, int start, Span<float> features, Span<int> predicted, Span<float> probabilities)
    {
        int n = batch.Batch;
        var x = batch;
        for (int i = 0; i < Model.Layers.Count; i++)
        {
            x = Model.Layers[i].Forward(x, training: false);
            if (i == FeatureLayer && !features.IsEmpty)
            {
                // The Dense(128) output before its ReLU: a smoother, less sparse distribution to fit a Gaussian to.
                x.Span.CopyTo(features.Slice(start * FeatureSize, n * FeatureSize));
            }
        }
        var logits = x.Span;
        Span<float> p = stackalloc float[Classes];
        for (int r = 0; r < n; r++)
        {
            var row = logits.Slice(r * Classes, Classes);
            if (!predicted.IsEmpty)
            {
                int best = 0;
                for (int k = 1; k < Classes; k++)
                {
                    best = row[k] > row[best] ? k : best;
                }
                predicted[start + r] = best;
            }
            if (!probabilities.IsEmpty)
            {
                SoftmaxCrossEntropy.Softmax(row, Classes, p);
                p.CopyTo(probabilities.Slice((start + r) * Classes, Classes));
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

    /// <summary>Reads a saved classifier; throws <see cref="InvalidDataException"/> if the file is damaged or of another kind.</summary>
    public static Classifier Load(string path, string dataset)
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
        // Every data set the engine reads is 28 x 28.
        var model = Build(28, 28);
        var values = body[(offset + headerLength)..];
        if (info.Values != model.ParameterCount || values.Length != model.ParameterCount * sizeof(float))
        {
            throw new InvalidDataException($"{path} holds {values.Length / sizeof(float)} values, the {Version} classifier has {model.ParameterCount}");
        }
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(values).CopyTo(model.Values);
        return new Classifier(model, info);
    }
}
