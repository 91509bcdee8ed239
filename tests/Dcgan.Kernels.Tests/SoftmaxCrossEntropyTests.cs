// Tests of the fused softmax cross-entropy kernel: against its double-precision reference twin on random
// shapes, against values PyTorch's torch.nn.functional.cross_entropy gives (float64), and bad input.
namespace Dcgan.Kernels.Tests;

public class SoftmaxCrossEntropyTests
{
    [Fact]
    public void MatchesReferenceOnRandomShapes()
    {
        var rng = new Random(7);
        foreach (int classes in new[] { 1, 2, 3, 10, 17 })
        {
            foreach (int n in new[] { 0, 1, 2, 5, 64 })
            {
                var logits = Enumerable.Range(0, n * classes).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
                var labels = Enumerable.Range(0, n).Select(_ => rng.Next(classes)).ToArray();
                var d = new float[logits.Length];
                var dRef = new double[logits.Length];
                float loss = SoftmaxCrossEntropy.FromLogits(logits, classes, labels, d);
                double lossRef = SoftmaxCrossEntropyReference.FromLogits(logits, classes, labels, dRef);
                Assert.Equal(lossRef, loss, 1e-4 * Math.Max(1, Math.Abs(lossRef)));
                for (int i = 0; i < d.Length; i++)
                {
                    Assert.Equal(dRef[i], d[i], 1e-6);
                }
                var p = new float[logits.Length];
                SoftmaxCrossEntropy.Softmax(logits, classes, p);
                for (int row = 0; row < n; row++)
                {
                    Assert.Equal(1.0, p.AsSpan(row * classes, classes).ToArray().Sum(v => (double)v), 1e-5);
                }
            }
        }
    }

    [Fact]
    public void MatchesPyTorchIncludingALargeLogit()
    {
        // torch.nn.functional.cross_entropy(x, y) in float64, and x.grad after backward().
        float[] logits = [1, 2, 3, -1, 0.5f, 100, 0, 0, 0, 5, -5, 2.5f];
        int[] labels = [2, 0, 1, 0];
        double[] grad =
        [
            0.02250764329259511, 0.06118211776369941, -0.08368976105629455,
            -0.25, 1.533342097571523e-44, 0.25,
            0.08333333333333333, -0.16666666666666669, 0.08333333333333333,
            -0.018974237916112968, 1.0488553371933007e-05, 0.018963749362741037,
        ];
        var d = new float[12];
        float loss = SoftmaxCrossEntropy.FromLogits(logits, 3, labels, d);
        Assert.Equal(25.646287485624658, loss, 1e-5);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(grad[i], d[i], 1e-7);
        }
        var p = new float[12];
        SoftmaxCrossEntropy.Softmax(logits, 3, p);
        Assert.Equal(0.6652409557748218, p[2], 1e-7);
        Assert.Equal(1.0, p[5], 1e-7);
        Assert.Equal(0.9241030483355481, p[9], 1e-7);
    }

    [Fact]
    public void RejectsBadLabelsAndShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.FromLogits(new float[6], 3, [0, 3], []));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.FromLogits(new float[5], 3, [0, 1], []));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Softmax(new float[5], 3, new float[5]));
    }
}
