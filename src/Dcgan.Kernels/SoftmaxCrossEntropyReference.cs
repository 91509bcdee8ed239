// The naive twin of SoftmaxCrossEntropy: the textbook formulas in double precision, no max shift beyond
// what double needs; the test oracle for the fast kernel.
namespace Dcgan.Kernels;

/// <summary>Reference softmax and cross-entropy (slow, double precision).</summary>
public static class SoftmaxCrossEntropyReference
{
    /// <summary>Same contract as <see cref="SoftmaxCrossEntropy.FromLogits"/>.</summary>
    public static double FromLogits(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> labels, Span<double> dLogits)
    {
        int n = labels.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                max = Math.Max(max, logits[i * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(logits[i * classes + k] - max);
            }
            total -= Math.Log(Math.Exp(logits[i * classes + labels[i]] - max) / sum);
            if (!dLogits.IsEmpty)
            {
                for (int k = 0; k < classes; k++)
                {
                    double p = Math.Exp(logits[i * classes + k] - max) / sum;
                    dLogits[i * classes + k] = (p - (k == labels[i] ? 1 : 0)) / n;
                }
            }
        }
        return n == 0 ? 0 : total / n;
    }
}
