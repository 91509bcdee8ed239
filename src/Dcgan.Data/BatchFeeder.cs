// Feeds shuffled mini-batches the way the TensorFlow DCGAN tutorial's tf.data pipeline does: pixels scaled to
// [-1, 1] as (x - 127.5) / 127.5 in NHWC (N x H x W x 1), a new shuffle each epoch, the last partial batch kept.
using Dcgan.Kernels;

namespace Dcgan.Data;

/// <summary>
/// Epoch-wise shuffled batches from an <see cref="ImageDataset"/>. The shuffle draws from the caller's Rng at
/// <see cref="BeginEpoch"/>, so saving that Rng's state before an epoch and restoring it replays the same order;
/// give the feeder its own stream (e.g. Rng.Derive(seed, "shuffle")) so noise draws do not shift it.
/// </summary>
public sealed class BatchFeeder
{
    private static readonly float[] ScaleTable = BuildScaleTable();
    private readonly ImageDataset _data;
    private readonly Rng _rng;
    private readonly int[] _order;
    private int _position = -1;

    /// <param name="limit">Use only the first <paramref name="limit"/> images; 0 for all.</param>
    /// <param name="dropLast">Skip the final batch when it is smaller than <paramref name="batchSize"/>.</param>
    public BatchFeeder(ImageDataset data, int batchSize, Rng rng, bool dropLast = false, int limit = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _data = data;
        _rng = rng;
        Count = limit == 0 ? data.Count : Math.Min(limit, data.Count);
        BatchSize = batchSize;
        DropLast = dropLast;
        _order = new int[Count];
        if (StepsPerEpoch == 0)
        {
            throw new ArgumentException($"{Count} images make no full batch of {batchSize} when the partial batch is dropped");
        }
    }

    /// <summary>Images used per epoch.</summary>
    public int Count { get; }

    public int BatchSize { get; }

    public bool DropLast { get; }

    /// <summary>Batches per epoch: ceil(Count / BatchSize), or floor when dropping the partial batch.</summary>
    public int StepsPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>Floats per image (H * W * 1).</summary>
    public int ImageSize => _data.ImageSize;

    /// <summary>Epochs begun so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches delivered in the current epoch.</summary>
    public int Step { get; private set; }

    /// <summary>The current epoch's image order (indices into the data set).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>The value a pixel byte feeds as: (x - 127.5f) / 127.5f.</summary>
    public static float Scale(byte pixel) => ScaleTable[pixel];

    /// <summary>Starts an epoch with a fresh permutation drawn from the Rng.</summary>
    public void BeginEpoch()
    {
        _rng.Permutation(_order);
        _position = 0;
        Step = 0;
        Epoch++;
    }

    /// <summary>Skips batches of the current epoch, e.g. to resume mid-epoch from a checkpoint.</summary>
    public void Skip(int steps)
    {
        EnsureEpoch();
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Step + steps, StepsPerEpoch);
        Step += steps;
        _position = Math.Min(Count, Step * BatchSize);
    }

    /// <summary>
    /// Writes the next batch: <paramref name="count"/> images scaled into <paramref name="images"/> (NHWC, C = 1)
    /// and their labels. False when the epoch is over. Needs room for a full batch; allocates nothing.
    /// </summary>
    public bool TryNext(Span<float> images, Span<int> labels, out int count)
    {
        EnsureEpoch();
        int remaining = Count - _position;
        if (Step >= StepsPerEpoch || remaining <= 0)
        {
            count = 0;
            return false;
        }
        count = Math.Min(BatchSize, remaining);
        int size = ImageSize;
        if (images.Length < count * size || labels.Length < count)
        {
            throw new ArgumentException($"batch buffers hold {images.Length / size} images and {labels.Length} labels, need {count}");
        }
        ReadOnlySpan<byte> pixels = _data.Pixels;
        ReadOnlySpan<float> table = ScaleTable;
        for (int b = 0; b < count; b++)
        {
            int index = _order[_position + b];
            ReadOnlySpan<byte> source = pixels.Slice(index * size, size);
            Span<float> target = images.Slice(b * size, size);
            for (int i = 0; i < source.Length; i++)
            {
                target[i] = table[source[i]];
            }
            labels[b] = _data.Labels[index];
        }
        _position += count;
        Step++;
        return true;
    }

    private void EnsureEpoch()
    {
        if (_position < 0)
        {
            throw new InvalidOperationException("call BeginEpoch before taking batches");
        }
    }

    private static float[] BuildScaleTable()
    {
        var table = new float[256];
        for (int i = 0; i < 256; i++)
        {
            table[i] = (i - 127.5f) / 127.5f;
        }
        return table;
    }
}
