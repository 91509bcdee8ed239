// Measures a generator against a data set's test split through that set's classifier: FID (Heusel et al. 2017)
// in the 128-d feature layer, the Inception Score analogue (Salimans et al. 2016), class coverage and confidence.
namespace Dcgan.Quality;

using Dcgan.Models;
using System.Diagnostics;
using Dcgan.Engine;
using Dcgan.Data;
using Dcgan.Training;
using Dcgan.Kernels;

/// <summary>A classifier plus the test split's feature statistics: everything one evaluation compares against.</summary>
public sealed class QualityEvaluator
{
    private const int Chunk = 500;
    private static readonly Dictionary<(string Dataset, string Cache), QualityEvaluator> Shared = [];
    private static readonly Lock SharedLock = new();

    public QualityEvaluator(string dataset, Classifier classifier, ImageDataset reference)
    {
        Dataset = dataset;
        Classifier = classifier;
        var features = new float[reference.Count * Classifier.FeatureSize];
        classifier.Predict(reference, features, [], []);
        Reference = GaussianStatistics.Fit(features, reference.Count, Classifier.FeatureSize);
    }

    public string Dataset { get; }

    public Classifier Classifier { get; }

    /// <summary>Feature statistics of the reference images (the test split).</summary>
    public GaussianStatistics Reference { get; }

    /// <summary>
    /// The evaluator for a data set: its classifier from the cache (trained on the training split if missing
    /// or damaged) and its test split. Built once per process and data set, then shared. "synthetic" trains
    /// a classifier in memory on generated strokes (seconds; never cached).
    /// </summary>
    public static QualityEvaluator ForDataset(string dataset, TextWriter log, DataLocations? locations = null)
    {
        locations ??= DataLocations.FromEnvironment();
        var key = (dataset, locations.CacheRoot);
        lock (SharedLock)
        {
            if (Shared.TryGetValue(key, out var existing))
            {
                return existing;
            }
        }
        QualityEvaluator created;
        if (dataset == "synthetic")
        {
            var test = SyntheticTest();
            var classifier = Classifier.Train(SyntheticDataset.Create(3000, 1001), test, ClassifierTraining.For(dataset), TextWriter.Null);
            created = new QualityEvaluator(dataset, classifier, test);
        }
        else
        {
            DatasetSpec.Get(dataset);
            var resolver = new DatasetResolver(locations);
            var test = resolver.Load(dataset, DataSplit.Test, log);
            var classifier = ClassifierCache.GetOrTrain(dataset, locations.CacheRoot, () => resolver.Load(dataset, DataSplit.Train, log), () => test, log);
            created = new QualityEvaluator(dataset, classifier, test);
        }
        lock (SharedLock)
        {
            return Shared.TryAdd(key, created) ? created : Shared[key];
        }
    }

    /// <summary>The held-out synthetic set the synthetic classifier is measured on.</summary>
    public static ImageDataset SyntheticTest() => SyntheticDataset.Create(1000, 2002);

    /// <summary>
    /// Draws <paramref name="count"/> images from <paramref name="generator"/> in inference mode (noise from
    /// <paramref name="config"/>'s distribution, seeded by <paramref name="seed"/> on its own stream, so training's
    /// random state is untouched) and measures them.
    /// </summary>
    public QualityReport Evaluate(IImageGenerator gan, TrainConfig config, int count = 2000, ulong seed = 0, int? epoch = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var clock = Stopwatch.StartNew();
        var rng = Rng.Derive(seed, "quality");
        int size = Classifier.Height * Classifier.Width;
        int[] shape = [gan.Options.ImageSize, gan.Options.ImageSize, gan.Options.Channels];
        if (shape.Aggregate(1, (a, b) => a * b) != size)
        {
            throw new ArgumentException($"the generator draws {Tensor.Format(shape)} images, the {Dataset} classifier reads {Classifier.Height}x{Classifier.Width}");
        }
        var noise = Tensor.ForBatch(Math.Min(Chunk, count), [config.NoiseDim]);
        var features = new float[count * Classifier.FeatureSize];
        var probabilities = new float[count * Classifier.Classes];
        var predicted = new int[count];
        // A conditional generator is asked for an even mix of classes: label i mod K for image i.
        int classes = gan.Options.Classes;
        var asked = new int[count];
        for (int i = 0; i < count; i++)
        {
            asked[i] = classes == 0 ? 0 : i % classes;
        }
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            noise.SetBatch(n);
            Noise.Fill(rng, config.NoiseKind, noise.Span);
            var images = gan.Generate(noise, asked.AsSpan(start, n)).Span;
            Classifier.Predict(images, n,
                features.AsSpan(start * Classifier.FeatureSize, n * Classifier.FeatureSize),
                predicted.AsSpan(start, n),
                probabilities.AsSpan(start * Classifier.Classes, n * Classifier.Classes));
        }
        var report = Measure(features, predicted, probabilities, count, clock) with { Seed = seed, Epoch = epoch };
        return classes == 0 ? report : report with { LabelAccuracy = LabelAccuracy(asked, predicted, classes) };
    }

    /// <summary>For each asked class, the share of its images the classifier reads as that class.</summary>
    private static double[] LabelAccuracy(int[] asked, int[] predicted, int classes)
    {
        var hits = new int[classes];
        var totals = new int[classes];
        for (int i = 0; i < asked.Length; i++)
        {
            totals[asked[i]]++;
            if (predicted[i] == asked[i])
            {
                hits[asked[i]]++;
            }
        }
        return Enumerable.Range(0, classes).Select(k => totals[k] == 0 ? 0 : (double)hits[k] / totals[k]).ToArray();
    }

    /// <summary>Evaluates a restored generator (evaluate --from), tagged with its checkpoint's epoch.</summary>
    public QualityReport Evaluate(Sampler sampler, int count = 2000, ulong seed = 0)
    {
        return Evaluate(sampler.Generator, sampler.Config, count, seed, sampler.Epoch) with { Checkpoint = sampler.CheckpointPath };
    }

    /// <summary>Measures given images (NHWC, values in [-1, 1]).</summary>
    public QualityReport EvaluateImages(ReadOnlySpan<float> images, int count)
    {
        var clock = Stopwatch.StartNew();
        var features = new float[count * Classifier.FeatureSize];
        var probabilities = new float[count * Classifier.Classes];
        var predicted = new int[count];
        Classifier.Predict(images, count, features, predicted, probabilities);
        return Measure(features, predicted, probabilities, count, clock);
    }

    /// <summary>Measures a data set's own images (real images score FID near 0; a baseline for reading the figures).</summary>
    public QualityReport EvaluateDataset(ImageDataset data)
    {
        var clock = Stopwatch.StartNew();
        var features = new float[data.Count * Classifier.FeatureSize];
        var probabilities = new float[data.Count * Classifier.Classes];
        var predicted = new int[data.Count];
        Classifier.Predict(data, features, predicted, probabilities);
        return Measure(features, predicted, probabilities, data.Count, clock);
    }

    private QualityReport Measure(float[] features, int[] predicted, float[] probabilities, int count, Stopwatch clock)
    {
        int k = Classifier.Classes;
        double fid = FrechetDistance.Compute(GaussianStatistics.Fit(features, count, Classifier.FeatureSize), Reference);
        var marginal = new double[k];
        var shares = new double[k];
        double confidence = 0;
        for (int n = 0; n < count; n++)
        {
            shares[predicted[n]] += 1.0 / count;
            double top = 0;
            for (int c = 0; c < k; c++)
            {
                double p = probabilities[n * k + c];
                marginal[c] += p / count;
                top = Math.Max(top, p);
            }
            confidence += top / count;
        }
        double klSum = 0;
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < k; c++)
            {
                double p = probabilities[n * k + c];
                if (p > 0 && marginal[c] > 0)
                {
                    klSum += p * Math.Log(p / marginal[c]);
                }
            }
        }
        return new QualityReport
        {
            Fid = fid,
            InceptionScore = Math.Exp(klSum / count),
            ClassShares = shares,
            MinClassShare = shares.Min(),
            MeanConfidence = confidence,
            Count = count,
            Dataset = Dataset,
            Classifier = Classifier.Info.ToString(),
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }
}
