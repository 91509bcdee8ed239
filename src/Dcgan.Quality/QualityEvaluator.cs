// Measures a generator against reference images through its data set's classifier: FID (Heusel et al. 2017), KID
// (Bińkowski et al. 2018) and k-NN precision and recall (Kynkäänniemi et al. 2019) in the 128-d feature layer, the
// Inception Score analogue (Salimans et al. 2016), class coverage and confidence from its outputs, and (evaluate) the
// memorisation check against the training images. The reference is the test split for MNIST and Fashion-MNIST and the
// held-out 10 % (FolderSplit) for an image folder or the emoji set.
namespace Dcgan.Quality;

using Dcgan.Models;
using System.Diagnostics;
using Dcgan.Engine;
using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Training;
using Dcgan.Kernels;

/// <summary>A classifier plus the reference images' features: everything one evaluation compares against.</summary>
public sealed class QualityEvaluator
{
    /// <summary>Generated images per generator call at 28 x 28; larger images go in proportionally smaller chunks.</summary>
    private const int Chunk = 500;

    /// <summary>Most images per set that precision and recall compare (the pairwise distances grow as its square).</summary>
    public const int MaxPrecisionRecallCount = 10_000;

    /// <summary>Most training images the memorisation check searches (evenly spaced when the run trained on more).</summary>
    public const int MaxMemorisationTraining = 60_000;

    /// <summary>Most samples, and most held-out images, the memorisation check measures.</summary>
    public const int MaxMemorisationQueries = 5_000;

    /// <summary>Sample and nearest-training-image pairs shown in nearest.png.</summary>
    public const int NearestPairs = 8;

    /// <summary>The picture of the closest pairs, written into the run folder by evaluate.</summary>
    public const string NearestFileName = "nearest.png";

    private static readonly Dictionary<(string Dataset, string Cache, string Key), QualityEvaluator> Shared = [];
    private static readonly Lock SharedLock = new();

    private readonly float[] _referenceFeatures;
    private readonly TrainingSource? _training;

    /// <param name="referenceName">What the reference images are, for reports (e.g. "test split (10,000 images)").</param>
    /// <param name="training">The training images, for the memorisation check; without them it is skipped.</param>
    public QualityEvaluator(string dataset, Classifier classifier, ImageDataset reference, string? referenceName = null, TrainingSource? training = null)
    {
        Dataset = dataset;
        Classifier = classifier;
        ReferenceCount = reference.Count;
        ReferenceName = referenceName ?? $"reference images ({reference.Count:N0})";
        _training = training;
        _referenceFeatures = new float[reference.Count * Classifier.FeatureSize];
        var predicted = new int[reference.Count];
        classifier.Predict(reference, _referenceFeatures, predicted, []);
        Reference = GaussianStatistics.Fit(_referenceFeatures, reference.Count, Classifier.FeatureSize);
        var shares = Shares(predicted, classifier.Classes);
        RealMinClassShare = classifier.Task == ClassifierTask.Classes ? shares.Min() : null;
        RealUprightShare = classifier.Task == ClassifierTask.Rotation ? shares[0] : null;
    }

    public string Dataset { get; }

    public Classifier Classifier { get; }

    /// <summary>Feature statistics of the reference images.</summary>
    public GaussianStatistics Reference { get; }

    /// <summary>Reference images measured against.</summary>
    public int ReferenceCount { get; }

    /// <summary>What the reference images are.</summary>
    public string ReferenceName { get; }

    /// <summary>The rarest predicted class's share among the reference images (class classifiers).</summary>
    public double? RealMinClassShare { get; }

    /// <summary>The share of reference images the rotation classifier reads as upright (rotation classifiers).</summary>
    public double? RealUprightShare { get; }

    /// <summary>
    /// The evaluator for a run's config: its data set's classifier from the cache (trained if missing or damaged) and
    /// its reference images. MNIST and Fashion-MNIST: the classifier of their 10 classes, trained on the training split,
    /// measured against the test split. An image folder or the emoji set: decoded as the config says (or
    /// <paramref name="trainingImages"/>, when the caller holds them already), split by <see cref="FolderSplit"/>; a
    /// classifier of its classes (two or more) or of the rotation task (none), trained on the 90 % and cached under the
    /// folder's decoded-cache key; measured against the held-out 10 %. "synthetic" trains a classifier in memory on
    /// generated strokes (seconds; never cached). Built once per process, data set and key, then shared.
    /// <paramref name="training"/> overrides the classifier's training settings when one must be trained (tests).
    /// Throws <see cref="DataException"/> for data that cannot be measured.
    /// </summary>
    public static QualityEvaluator For(TrainConfig config, TextWriter log, DataLocations? locations = null, ImageDataset? trainingImages = null,
        ClassifierTraining? training = null)
    {
        locations ??= DataLocations.FromEnvironment(config.DataDir);
        string? dataKey = TrainingData.DecodedKey(config, log, locations);
        var key = (config.Dataset, locations.CacheRoot, dataKey ?? "");
        lock (SharedLock)
        {
            if (Shared.TryGetValue(key, out var existing))
            {
                return existing;
            }
        }
        QualityEvaluator created;
        if (config.Dataset == "synthetic")
        {
            var test = SyntheticTest();
            var classifier = Classifier.Train(SyntheticDataset.Create(3000, 1001), test, training ?? ClassifierTraining.For(config.Dataset), TextWriter.Null);
            created = new QualityEvaluator(config.Dataset, classifier, test, $"held-out synthetic set ({test.Count:N0} images)",
                new TrainingSource(c => TrainingData.Load(c, TextWriter.Null)));
        }
        else if (dataKey is not null)
        {
            created = ForFolder(config, dataKey, log, locations, trainingImages, training);
        }
        else
        {
            string dataset = config.Dataset;
            DatasetSpec.Get(dataset);
            var resolver = new DatasetResolver(locations);
            var test = resolver.Load(dataset, DataSplit.Test, log);
            var classifier = ClassifierCache.GetOrTrain(dataset, null, ClassifierTask.Classes, locations.CacheRoot,
                () => resolver.Load(dataset, DataSplit.Train, log), () => test, log, training ?? ClassifierTraining.For(dataset));
            created = new QualityEvaluator(dataset, classifier, test, $"test split ({test.Count:N0} images)",
                new TrainingSource(c => trainingImages ?? TrainingData.Load(c, log, locations)));
        }
        lock (SharedLock)
        {
            return Shared.TryAdd(key, created) ? created : Shared[key];
        }
    }

    private static QualityEvaluator ForFolder(TrainConfig config, string dataKey, TextWriter log, DataLocations locations, ImageDataset? trainingImages,
        ClassifierTraining? training)
    {
        var data = trainingImages ?? TrainingData.Load(config, log, locations);
        var (trainRows, heldOutRows) = FolderSplit.Indices(data);
        if (heldOutRows.Length < 2)
        {
            throw new DataException($"{data.Source}: {data.Count:N0} images hold out {heldOutRows.Length} for measuring quality, and it needs at least 2 " +
                $"(one in every {FolderSplit.HeldOutEvery} images of a class is held out)");
        }
        var task = data.Classes >= 2 ? ClassifierTask.Classes : ClassifierTask.Rotation;
        int most = ClassifierTraining.MaxFolderImages(task);
        if (trainRows.Length > most)
        {
            trainRows = EvenSpread.Indices(trainRows.Length, most).Select(i => trainRows[i]).ToArray();
        }
        var heldOut = FolderSplit.Subset(data, heldOutRows);
        var classifier = ClassifierCache.GetOrTrain(config.Dataset, dataKey, task, locations.CacheRoot,
            () => FolderSplit.Subset(data, trainRows), () => heldOut, log, training ?? ClassifierTraining.ForFolder(trainRows.Length, task));
        if (classifier.ImageSize != data.ImageSize)
        {
            throw new DataException($"{data.Source}: the cached classifier reads {classifier.Height}x{classifier.Width}x{classifier.Channels} images, " +
                $"the folder decodes to {data.Height}x{data.Width}x{data.Channels}");
        }
        return new QualityEvaluator(config.Dataset, classifier, heldOut,
            $"held-out 10% of the {(config.Dataset == TrainingData.Folder ? "folder" : config.Dataset + " set")} ({heldOut.Count:N0} images)",
            new TrainingSource(_ => data, heldOutRows));
    }

    /// <summary>The held-out synthetic set the synthetic classifier is measured on.</summary>
    public static ImageDataset SyntheticTest() => SyntheticDataset.Create(1000, 2002);

    /// <summary>
    /// Draws <paramref name="count"/> images from <paramref name="gan"/>'s generator in inference mode (noise from
    /// <paramref name="config"/>'s distribution, seeded by <paramref name="seed"/> on its own stream, so training's
    /// random state is untouched) and measures them. No memorisation check (see the sampler overload).
    /// </summary>
    public QualityReport Evaluate(IImageGenerator gan, TrainConfig config, int count = 2000, ulong seed = 0, int? epoch = null) =>
        Run(gan, config, count, seed, epoch, memorisation: false, nearestPicture: null);

    /// <summary>
    /// Evaluates a restored generator (evaluate --from), tagged with its checkpoint's epoch, with the memorisation check
    /// against the run's training images; <paramref name="nearestPicture"/>, when given, receives the closest pairs.
    /// <paramref name="config"/> is the run's config where the caller changed where its data lies (default: the sampler's).
    /// </summary>
    public QualityReport Evaluate(Sampler sampler, int count = 2000, ulong seed = 0, string? nearestPicture = null, TrainConfig? config = null)
    {
        return Run(sampler.Generator, config ?? sampler.Config, count, seed, sampler.Epoch, memorisation: true, nearestPicture)
            with { Checkpoint = sampler.CheckpointPath };
    }

    /// <summary>Measures given images (NHWC, values in [-1, 1]).</summary>
    public QualityReport EvaluateImages(ReadOnlySpan<float> images, int count)
    {
        var clock = Stopwatch.StartNew();
        var features = new float[count * Classifier.FeatureSize];
        var probabilities = new float[count * Classifier.Classes];
        var predicted = new int[count];
        Classifier.Predict(images, count, features, predicted, probabilities);
        return Measure(features, predicted, probabilities, count, clock, seed: 0);
    }

    /// <summary>Measures a data set's own images (real images score FID and KID near 0; a baseline for reading the figures).</summary>
    public QualityReport EvaluateDataset(ImageDataset data)
    {
        var clock = Stopwatch.StartNew();
        var features = new float[data.Count * Classifier.FeatureSize];
        var probabilities = new float[data.Count * Classifier.Classes];
        var predicted = new int[data.Count];
        Classifier.Predict(data, features, predicted, probabilities);
        return Measure(features, predicted, probabilities, data.Count, clock, seed: 0);
    }

    private delegate void ImageSink(int start, int count, ReadOnlySpan<float> images);

    private QualityReport Run(IImageGenerator gan, TrainConfig config, int count, ulong seed, int? epoch, bool memorisation, string? nearestPicture)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var clock = Stopwatch.StartNew();
        int[] shape = [Classifier.Height, Classifier.Width, Classifier.Channels];
        int[] drawn = [gan.Options.ImageSize, gan.Options.ImageSize, gan.Options.Channels];
        if (!drawn.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"the generator draws {Tensor.Format(drawn)} images, the {Dataset} classifier reads {Tensor.Format(shape)}");
        }
        int d = Classifier.FeatureSize, k = Classifier.Classes;
        var features = new float[count * d];
        var probabilities = new float[count * k];
        var predicted = new int[count];
        // A conditional generator is asked for an even mix of classes: label i mod K for image i.
        int classes = gan.Options.Classes;
        var asked = new int[count];
        for (int i = 0; i < count; i++)
        {
            asked[i] = classes == 0 ? 0 : i % classes;
        }
        Generate(gan, config, asked, seed, (_, _) => true, (start, n, images) =>
            Classifier.Predict(images, n, features.AsSpan(start * d, n * d), predicted.AsSpan(start, n), probabilities.AsSpan(start * k, n * k)));
        var report = Measure(features, predicted, probabilities, count, clock, seed) with { Seed = seed, Epoch = epoch };
        if (classes > 0 && Classifier.Task == ClassifierTask.Classes && Classifier.Classes == classes)
        {
            report = report with { LabelAccuracy = LabelAccuracy(asked, predicted, classes) };
        }
        if (memorisation && _training is not null)
        {
            report = report with { Memorisation = CheckMemorisation(gan, config, asked, seed, features, nearestPicture) };
        }
        return report with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// Runs the generator over <paramref name="asked"/>.Length images a chunk at a time, drawing every chunk's noise from
    /// the one stream of <paramref name="seed"/> (so image i is the same however the drawing is cut), but running the
    /// generator only on the chunks <paramref name="wanted"/> accepts.
    /// </summary>
    private void Generate(IImageGenerator gan, TrainConfig config, int[] asked, ulong seed, Func<int, int, bool> wanted, ImageSink sink)
    {
        int count = asked.Length;
        int chunk = Math.Clamp(Chunk * 28 * 28 / (Classifier.Height * Classifier.Width), 8, Chunk);
        var rng = Rng.Derive(seed, "quality");
        var noise = Tensor.ForBatch(Math.Min(chunk, count), [config.NoiseDim]);
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            noise.SetBatch(n);
            Noise.Fill(rng, config.NoiseKind, noise.Span);
            if (wanted(start, n))
            {
                sink(start, n, gan.Generate(noise, asked.AsSpan(start, n)).Span);
            }
        }
    }

    /// <summary>
    /// The memorisation check of the first samples against the run's training images (the first --limit of them, at most
    /// <see cref="MaxMemorisationTraining"/> evenly spaced), with the held-out reference images as the baseline; writes
    /// the closest pairs to <paramref name="nearestPicture"/> when given. Null when the run has fewer than 2 training images.
    /// </summary>
    private MemorisationReport? CheckMemorisation(IImageGenerator gan, TrainConfig config, int[] asked, ulong seed, float[] features, string? nearestPicture)
    {
        int d = Classifier.FeatureSize;
        var data = _training!.Load(config);
        int used = config.Limit > 0 ? Math.Min(config.Limit, data.Count) : data.Count;
        if (used < 2)
        {
            return null;
        }
        int[] trainingRows = EvenSpread.Indices(used, MaxMemorisationTraining);
        var trainingFeatures = new float[trainingRows.Length * d];
        Classifier.Predict(data, trainingFeatures, [], [], trainingRows);

        int[] heldOutRows = EvenSpread.Indices(ReferenceCount, MaxMemorisationQueries);
        var heldOutFeatures = EvenSpread.Rows(_referenceFeatures, d, heldOutRows);
        int[] heldOutInTraining = [];
        if (_training.ReferenceIndex is { } inTraining)
        {
            heldOutInTraining = heldOutRows.Select(r => Array.BinarySearch(trainingRows, inTraining[r]) is int at and >= 0 ? at : -1).ToArray();
        }
        int samples = Math.Min(asked.Length, MaxMemorisationQueries);
        var (report, distances, nearest) = MemorisationCheck.Measure(trainingFeatures, trainingRows.Length, heldOutFeatures, heldOutRows.Length, heldOutInTraining,
            features.AsSpan(0, samples * d), samples, d);
        if (nearestPicture is not null)
        {
            var closest = Enumerable.Range(0, samples).OrderBy(i => distances[i]).ThenBy(i => i).Take(NearestPairs).ToArray();
            WriteNearest(nearestPicture, gan, config, asked, seed, closest, closest.Select(i => trainingRows[nearest[i]]).ToArray(), data);
        }
        return report;
    }

    /// <summary>A picture of samples (top row) above their nearest training images (bottom row), closest pair first.</summary>
    private void WriteNearest(string path, IImageGenerator gan, TrainConfig config, int[] asked, ulong seed, int[] sampleIndices, int[] trainingIndices, ImageDataset data)
    {
        int size = Classifier.ImageSize, pairs = sampleIndices.Length;
        var tiles = new float[2 * pairs * size];
        Generate(gan, config, asked, seed, (start, n) => sampleIndices.Any(i => i >= start && i < start + n), (start, n, images) =>
        {
            for (int p = 0; p < pairs; p++)
            {
                int i = sampleIndices[p];
                if (i >= start && i < start + n)
                {
                    images.Slice((i - start) * size, size).CopyTo(tiles.AsSpan(p * size, size));
                }
            }
        });
        for (int p = 0; p < pairs; p++)
        {
            var pixels = data.Image(trainingIndices[p]);
            var tile = tiles.AsSpan((pairs + p) * size, size);
            for (int j = 0; j < size; j++)
            {
                tile[j] = BatchFeeder.Scale(pixels[j]);
            }
        }
        int upscale = Math.Max(1, 112 / Classifier.Height);
        var grid = SampleGrid.Compose(tiles, 2 * pairs, Classifier.Height, Classifier.Width, Classifier.Channels, 2, pairs,
            SampleGrid.ScalingForChannels(Classifier.Channels), upscale);
        ImageFiles.WritePng(path, grid);
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

    /// <summary>The share of <paramref name="predicted"/> in each of <paramref name="classes"/> classes.</summary>
    private static double[] Shares(int[] predicted, int classes)
    {
        var shares = new double[classes];
        foreach (int p in predicted)
        {
            shares[p] += 1.0 / predicted.Length;
        }
        return shares;
    }

    private QualityReport Measure(float[] features, int[] predicted, float[] probabilities, int count, Stopwatch clock, ulong seed)
    {
        int k = Classifier.Classes, d = Classifier.FeatureSize;
        double fid = FrechetDistance.Compute(GaussianStatistics.Fit(features, count, d), Reference);
        var (kid, kidStd, kidSubset) = KernelDistance.Compute(features, count, _referenceFeatures, ReferenceCount, d, Rng.Derive(seed, "kid"));

        // Precision and recall from equal numbers of each: the first generated images and evenly spaced reference ones.
        int prCount = Math.Min(MaxPrecisionRecallCount, Math.Min(count, ReferenceCount));
        (double Precision, double Recall)? pr = prCount > PrecisionRecall.DefaultK
            ? PrecisionRecall.Compute(EvenSpread.Rows(_referenceFeatures, d, EvenSpread.Indices(ReferenceCount, prCount)), prCount,
                features.AsSpan(0, prCount * d), prCount, d)
            : null;

        var shares = Shares(predicted, k);
        var report = new QualityReport
        {
            Fid = fid,
            Kid = kid,
            KidStd = kidStd,
            KidSubsetSize = kidSubset,
            Precision = pr?.Precision,
            Recall = pr?.Recall,
            PrecisionRecallCount = pr is null ? null : prCount,
            Count = count,
            Dataset = Dataset,
            Classifier = Classifier.Info.ToString(),
            Task = Classifier.Info.Task,
            Reference = ReferenceName,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        if (Classifier.Task == ClassifierTask.Rotation)
        {
            // The rotation task's outputs say which way up an image looks, not what it shows: no class figures.
            return report with { UprightShare = shares[0], RealUprightShare = RealUprightShare };
        }
        var marginal = new double[k];
        double confidence = 0;
        for (int n = 0; n < count; n++)
        {
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
        return report with
        {
            InceptionScore = Math.Exp(klSum / count),
            ClassShares = shares,
            MinClassShare = shares.Min(),
            RealMinClassShare = RealMinClassShare,
            MeanConfidence = confidence,
        };
    }
}
