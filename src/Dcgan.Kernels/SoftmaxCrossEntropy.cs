// Softmax over the last axis and the mean categorical cross-entropy against integer labels, fused as
// PyTorch's nn.CrossEntropyLoss (log-sum-exp with the row maximum subtracted, so large logits are safe).
namespace Dcgan.Kernels;

/// <summary>Row-wise softmax and sparse categorical cross-entropy from logits (N x K, row-major).</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Effectively probabilities[n, k] = exp(logits[n, k] - max_n) / sum_j exp(logits[n, j] - max_n).
    /// <paramref name="probabilities"/> may be the same span as <paramref name="logits"/>.
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> logits, int classes, Span<float> probabilities)
    {
        CheckShape(logits.Length, classes, probabilities.Length);
        for (int row = 0; row < logits.Length; row += classes)
        {
            var x = logits.Slice(row, classes);
            var p = probabilities.Slice(row, classes);
            float max = Max(x);
            float sum = 0f;
            for (int k = 0; k < classes; k++)
            {
                float e = MathF.Exp(x[k] - max);
                p[k] = e;
                sum += e;
            }
            float inverse = 1f / sum;
            for (int k = 0; k < classes; k++)
            {
                p[k] *= inverse;
            }
        }
    }

    /// <summary>
    /// Effectively loss = mean_n [logsumexp(logits[n, :]) - logits[n, labels[n]]] and
    /// dLogits[n, k] = (softmax(logits)[n, k] - [k == labels[n]]) / N. dLogits may be empty.
    /// Returns the loss (accumulated in double).
    /// </summary>
    public static float FromLogits(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> labels, Span<float> dLogits)
    {
        int n = labels.Length;
        if (logits.Length != n * classes)
        {
            throw new ArgumentException($"{logits.Length} logits are not {n} rows of {classes} classes");
        }
        if (!dLogits.IsEmpty && dLogits.Length != logits.Length)
        {
            throw new ArgumentException($"dLogits holds {dLogits.Length} values, need {logits.Length}");
        }
        double total = 0;
        float scale = n == 0 ? 0f : 1f / n;
        for (int i = 0; i < n; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} is not in [0, {classes})");
            }
            var x = logits.Slice(i * classes, classes);
            float max = Max(x);
            float sum = 0f;
            for (int k = 0; k < classes; k++)
            {
                sum += MathF.Exp(x[k] - max);
            }
            float logSum = MathF.Log(sum);
            total += logSum - (x[label] - max);
            if (!dLogits.IsEmpty)
            {
                var d = dLogits.Slice(i * classes, classes);
                float inverse = 1f / sum;
                for (int k = 0; k < classes; k++)
                {
                    d[k] = MathF.Exp(x[k] - max) * inverse * scale;
                }
                d[label] -= scale;
            }
        }
        return n == 0 ? 0f : (float)(total / n);
    }

    private static float Max(ReadOnlySpan<float> x)
    {
        float max = float.NegativeInfinity;
        foreach (float v in x)
        {
            max = Math.Max(max, v);
        }
        return max;
    }

    private static void CheckShape(int length, int classes, int destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (length % classes != 0 || destination != length)
        {
            throw new ArgumentException($"{length} values are not whole rows of {classes}, or the destination ({destination}) differs");
        }
    }
}
