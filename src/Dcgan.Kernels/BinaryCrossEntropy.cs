// Binary cross-entropy as Keras computes it: from logits (stable form) and from probabilities
// (Keras 2 clips p to [eps, 1 - eps] and adds eps inside the logs, eps = 1e-7).
namespace Dcgan.Kernels;

/// <summary>Mean BCE over a batch and its gradient with respect to the inputs.</summary>
public static class BinaryCrossEntropy
{
    /// <summary>Keras's backend epsilon.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// Effectively loss = mean_i [max(x,0) - x*z + log1p(exp(-|x|))] with every target z equal to
    /// <paramref name="target"/>, and dLogits[i] = gradScale * (sigmoid(x_i) - z) / B.
    /// dLogits may be empty. Returns the loss (accumulated in double).
    /// </summary>
    public static float FromLogits(ReadOnlySpan<float> logits, float target, Span<float> dLogits, float gradScale = 1f)
    {
        int b = logits.Length;
        double total = 0;
        for (int i = 0; i < b; i++)
        {
            double x = logits[i];
            total += Math.Max(x, 0) - x * target + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            if (!dLogits.IsEmpty)
            {
                dLogits[i] = gradScale * (Activations.Sigmoid(logits[i]) - target) / b;
            }
        }
        return b == 0 ? 0f : (float)(total / b);
    }

    /// <summary>
    /// Effectively loss = -mean_i [z log(pc + eps) + (1 - z) log(1 - pc + eps)], pc = clip(p, eps, 1 - eps),
    /// and dProbs[i] = gradScale * d loss / d p_i (zero where p was clipped). dProbs may be empty.
    /// </summary>
    public static float FromProbabilities(ReadOnlySpan<float> probabilities, float target, Span<float> dProbs, float gradScale = 1f)
    {
        int b = probabilities.Length;
        double total = 0;
        // TensorFlow clips in float32: the bounds are float32(1e-7) and float32(1) - float32(1e-7).
        const double eps = Epsilon;
        const double upper = 1f - Epsilon;
        for (int i = 0; i < b; i++)
        {
            double p = probabilities[i];
            bool clipped = p < eps || p > upper;
            double pc = Math.Clamp(p, eps, upper);
            total -= target * Math.Log(pc + eps) + (1 - target) * Math.Log(1 - pc + eps);
            if (!dProbs.IsEmpty)
            {
                double g = clipped ? 0 : -(target / (pc + eps)) + (1 - target) / (1 - pc + eps);
                dProbs[i] = (float)(gradScale * g / b);
            }
        }
        return b == 0 ? 0f : (float)(total / b);
    }
}
