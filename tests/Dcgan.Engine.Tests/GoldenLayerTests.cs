// Every layer, loss and the optimizer against PyTorch-computed goldens that reproduce Keras semantics
// (tests/golden/make_golden.py): forward outputs and every gradient within 1e-4 relative.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.TestSupport;
using Dcgan.Kernels;

public class GoldenLayerTests
{
    /// <summary>
    /// Runs one layer on the golden x with golden weights; checks y, dx and parameter gradients. scaledAbsTol, when given,
    /// widens the absolute tolerance to that fraction of each array's largest value (for arithmetic, like Winograd's, whose
    /// rounding scales with the whole sum rather than with each element).
    /// </summary>
    private static Sequential CheckLayer(string caseName, Layer layer, bool training = true, double scaledAbsTol = 0)
    {
        void Close(float[] expected, ReadOnlySpan<float> actual, string what)
            => GoldenAssert.Close(expected, actual, absTol: Math.Max(1e-5, scaledAbsTol * expected.Max(Math.Abs)), what: what);

        var g = GoldenFile.Load(caseName);
        int[] xShape = g.Shape("x");
        var model = new Sequential(caseName, xShape[1..], [layer]);
        model.Initialize(new Rng(1));
        foreach (var p in layer.Parameters)
        {
            if (g.Has(p.Name))
            {
                g.Get(p.Name).CopyTo(p.Value);
            }
        }
        var x = Tensor.From(g.Get("x"), xShape);
        var y = model.Forward(x, training);
        Close(g.Get("y"), y.Span, $"{caseName} y");
        Assert.Equal(g.Shape("y"), y.Shape);
        model.ZeroGradients();
        var dx = model.Backward(Tensor.From(g.Get("dy"), g.Shape("y")), GradientNeeds.All)!;
        Close(g.Get("dx"), dx.Span, $"{caseName} dx");
        foreach (var p in layer.Parameters.Where(p => p.Trainable))
        {
            Close(g.Get("d" + p.Name), p.Grad, $"{caseName} d{p.Name}");
        }
        return model;
    }

    [Theory]
    [InlineData("dense", true)]
    [InlineData("dense_nobias", false)]
    public void Dense(string caseName, bool bias)
        => CheckLayer(caseName, new Dense(GoldenFile.Load(caseName).Shape("kernel")[1], bias));

    [Theory]
    [InlineData("conv2d_same_k5s2_8", 2, "same")]
    [InlineData("conv2d_same_k5s2_9", 2, "same")]
    [InlineData("conv2d_same_k3s1", 1, "same")]
    [InlineData("conv2d_valid_k3s2", 2, "valid")]
    [InlineData("conv2d_same_k5s2_28", 2, "same")]
    public void Conv2D(string caseName, int stride, string padding)
    {
        int[] k = GoldenFile.Load(caseName).Shape("kernel");
        CheckLayer(caseName, new Conv2D(k[3], k[0], stride, padding));
    }

    [Theory]
    [InlineData("conv2dT_same_k5s1", 1, "same")]
    [InlineData("conv2dT_same_k5s2", 2, "same")]
    [InlineData("conv2dT_same_k5s2_7to14", 2, "same")]
    [InlineData("conv2dT_same_k4s2", 2, "same")]
    [InlineData("conv2dT_valid_k3s2", 2, "valid")]
    public void Conv2DTranspose(string caseName, int stride, string padding)
    {
        int[] k = GoldenFile.Load(caseName).Shape("kernel");
        CheckLayer(caseName, new Conv2DTranspose(k[2], k[0], stride, padding));
    }

    // The 'same' 5x5 cases Winograd takes (stride 1 transposed; stride 2 both ways, over pixel phases): within 1e-4
    // relative, or 1e-5 of the array's largest value where a gradient is a small difference of large terms (one of the
    // stride-1 case's 150 kernel gradients is, at 1e-3 relative).
    [Theory]
    [InlineData("conv2dT_same_k5s1", 1)]
    [InlineData("conv2dT_same_k5s2", 2)]
    [InlineData("conv2dT_same_k5s2_7to14", 2)]
    public void Conv2DTransposeWinograd(string caseName, int stride)
    {
        var layer = new Conv2DTranspose(GoldenFile.Load(caseName).Shape("kernel")[2], 5, stride, "same", algorithm: ConvAlgorithm.Winograd);
        CheckLayer(caseName, layer, scaledAbsTol: 1e-5);
        Assert.Equal(ConvAlgorithm.Winograd, layer.Algorithm);
    }

    [Fact]
    public void Conv2DWinograd()
    {
        var layer = new Conv2D(GoldenFile.Load("conv2d_same_k5s2_8").Shape("kernel")[3], 5, 2, "same", algorithm: ConvAlgorithm.Winograd);
        CheckLayer("conv2d_same_k5s2_8", layer, scaledAbsTol: 1e-5);
        Assert.Equal(ConvAlgorithm.Winograd, layer.Algorithm);
        // Odd sizes have no pixel phases of equal size, and 1-channel layers are not worth it: both stay direct.
        Assert.Equal(ConvAlgorithm.Direct, Built(new Conv2D(3, 5, 2, "same", algorithm: ConvAlgorithm.Winograd), [9, 9, 2]).Algorithm);
        Assert.Equal(ConvAlgorithm.Direct, Built(new Conv2D(4, 5, 2, "same", algorithm: ConvAlgorithm.Winograd), [28, 28, 1]).Algorithm);
        Assert.Equal(ConvAlgorithm.Direct, Built(new Conv2D(4, 3, 1, "same", algorithm: ConvAlgorithm.Winograd), [6, 6, 3]).Algorithm);
    }

    private static T Built<T>(T layer, int[] shape) where T : Layer
    {
        _ = new Sequential("m", shape, [layer]);
        return layer;
    }

    [Theory]
    [InlineData("bn_train_2d")]
    [InlineData("bn_train_4d")]
    public void BatchNormTrainingKeras2(string caseName)
    {
        var model = CheckLayer(caseName, new BatchNormalization());
        var g = GoldenFile.Load(caseName);
        var bn = model.Layers[0].Parameters;
        GoldenAssert.Close(g.Get("new_moving_mean"), bn.Single(p => p.Name == "moving_mean").Value, what: "moving mean");
        GoldenAssert.Close(g.Get("new_moving_variance"), bn.Single(p => p.Name == "moving_variance").Value, what: "moving variance (Keras 2)");
    }

    [Fact]
    public void BatchNormTrainingKeras3MovingVariance()
    {
        var model = CheckLayer("bn_train_4d", new BatchNormalization(rule: MovingVarianceRule.Keras3));
        GoldenAssert.Close(GoldenFile.Load("bn_train_4d").Get("new_moving_variance_k3"),
            model.Layers[0].Parameters.Single(p => p.Name == "moving_variance").Value, what: "moving variance (Keras 3)");
    }

    [Fact]
    public void BatchNormInference() => CheckLayer("bn_infer_4d", new BatchNormalization(), training: false);

    // The DCGAN paper's layers against torch.nn modules as pytorch/examples builds them (nn.Conv2d / nn.ConvTranspose2d
    // with a 4x4 kernel, stride 2 and padding 1; nn.BatchNorm2d/1d): TF 'same' on even sizes is PyTorch's padding 1, the
    // last 4x4 'valid' convolution is the discriminator's head. Winograd, asked for, has no 4x4 form and leaves them direct.
    [Theory]
    [InlineData("conv2d_same_k4s2_rgb", 2, "same", ConvAlgorithm.Direct)]
    [InlineData("conv2d_same_k4s2_rgb", 2, "same", ConvAlgorithm.Winograd)]
    [InlineData("conv2d_same_k4s2_gray", 2, "same", ConvAlgorithm.Direct)]
    [InlineData("conv2d_same_k4s2_gray", 2, "same", ConvAlgorithm.Winograd)]
    [InlineData("conv2d_valid_k4s1", 1, "valid", ConvAlgorithm.Direct)]
    public void Conv2DAsPyTorch(string caseName, int stride, string padding, ConvAlgorithm algorithm)
    {
        int[] k = GoldenFile.Load(caseName).Shape("kernel");
        var layer = new Conv2D(k[3], k[0], stride, padding, algorithm: algorithm);
        CheckLayer(caseName, layer);
        Assert.Equal(ConvAlgorithm.Direct, layer.Algorithm);
    }

    [Theory]
    [InlineData("conv2dT_same_k4s2_rgb", ConvAlgorithm.Direct)]
    [InlineData("conv2dT_same_k4s2_rgb", ConvAlgorithm.Winograd)]
    [InlineData("conv2dT_same_k4s2_gray", ConvAlgorithm.Direct)]
    [InlineData("conv2dT_same_k4s2_gray", ConvAlgorithm.Winograd)]
    public void Conv2DTransposeAsPyTorch(string caseName, ConvAlgorithm algorithm)
    {
        int[] k = GoldenFile.Load(caseName).Shape("kernel");
        var layer = new Conv2DTranspose(k[2], k[0], 2, "same", algorithm: algorithm);
        CheckLayer(caseName, layer);
        Assert.Equal(ConvAlgorithm.Direct, layer.Algorithm);
    }

    [Theory]
    [InlineData("bn_torch_train_4d")]
    [InlineData("bn_torch_train_2d")]
    public void BatchNormTrainingPyTorch(string caseName)
    {
        // Momentum 0.1 (PyTorch's sense), eps 1e-5, and the unbiased batch variance into the moving variance for 2-D
        // inputs too (Keras 2 takes the biased one there).
        var model = CheckLayer(caseName, BatchNormalization.PyTorch());
        var g = GoldenFile.Load(caseName);
        var bn = model.Layers[0].Parameters;
        GoldenAssert.Close(g.Get("new_moving_mean"), bn.Single(p => p.Name == "moving_mean").Value, what: "moving mean (PyTorch)");
        GoldenAssert.Close(g.Get("new_moving_variance"), bn.Single(p => p.Name == "moving_variance").Value, what: "moving variance (PyTorch)");
    }

    [Fact]
    public void BatchNormInferencePyTorch() => CheckLayer("bn_torch_infer_4d", BatchNormalization.PyTorch(), training: false);

    [Theory]
    [InlineData("act_leaky_relu", ActivationKind.LeakyRelu)]
    [InlineData("act_relu", ActivationKind.Relu)]
    [InlineData("act_tanh", ActivationKind.Tanh)]
    [InlineData("act_sigmoid", ActivationKind.Sigmoid)]
    public void Activations(string caseName, ActivationKind kind) => CheckLayer(caseName, new Activation(kind));

    [Fact]
    public void BinaryCrossEntropyFromLogits()
    {
        var g = GoldenFile.Load("bce_logits");
        var logits = g.Get("logits");
        var d = new float[logits.Length];
        Assert.Equal(g.Scalar("loss_ones"), BinaryCrossEntropy.FromLogits(logits, 1f, d), 5);
        GoldenAssert.Close(g.Get("dlogits_ones"), d, what: "dlogits ones");
        Assert.Equal(g.Scalar("loss_zeros"), BinaryCrossEntropy.FromLogits(logits, 0f, d), 5);
        GoldenAssert.Close(g.Get("dlogits_zeros"), d, what: "dlogits zeros");
    }

    [Fact]
    public void BinaryCrossEntropyOnProbabilitiesClipsAsKeras2()
    {
        var g = GoldenFile.Load("bce_probs");
        var p = g.Get("p");
        var d = new float[p.Length];
        AssertRelative(g.Scalar("loss_ones"), BinaryCrossEntropy.FromProbabilities(p, 1f, d));
        GoldenAssert.Close(g.Get("dp_ones"), d, what: "dp ones");
        AssertRelative(g.Scalar("loss_zeros"), BinaryCrossEntropy.FromProbabilities(p, 0f, d));
        GoldenAssert.Close(g.Get("dp_zeros"), d, what: "dp zeros");
    }

    [Theory]
    [InlineData("adam", 1e-3, 0.9)]
    [InlineData("adam_lr1e-4_b05", 1e-4, 0.5)]
    public void AdamThreeSteps(string caseName, double lr, double beta1)
    {
        var g = GoldenFile.Load(caseName);
        var theta = g.Get("param");
        var adam = new Adam(theta.Length, lr, beta1, 0.999, 1e-7);
        for (int step = 1; step <= 3; step++)
        {
            adam.Step(theta, g.Get($"g{step}"));
            GoldenAssert.Close(g.Get($"p{step}"), theta, relTol: 1e-5, absTol: 1e-7, what: $"param after step {step}");
        }
        GoldenAssert.Close(g.Get("m3"), adam.M, relTol: 1e-5, absTol: 1e-9, what: "m");
        GoldenAssert.Close(g.Get("v3"), adam.V, relTol: 1e-5, absTol: 1e-12, what: "v");
        Assert.Equal(3, adam.Iterations);
    }

    [Fact]
    public void AdamFirstStepByHand()
    {
        // t = 1: m = 0.1 g, v = 0.001 g^2, alpha = lr * sqrt(0.001) / 0.1, so the step is
        // lr * sqrt(0.001)/0.1 * 0.1 g / (sqrt(0.001) |g| + 1e-7) ~= lr * sign(g).
        float[] theta = [1f, -2f, 0.5f];
        float[] grad = [0.5f, -4f, 0f];
        var adam = new Adam(3, 0.01f);
        adam.Step(theta, grad);
        double Expected(double t0, double g)
        {
            double m = 0.1 * g, v = 0.001 * g * g;
            double alpha = 0.01 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
            return t0 - alpha * m / (Math.Sqrt(v) + 1e-7);
        }
        Assert.Equal(Expected(1, 0.5), theta[0], 5);
        Assert.Equal(Expected(-2, -4), theta[1], 5);
        Assert.Equal(0.5f, theta[2]);
        Assert.Equal(0.99, theta[0], 3);
    }

    private static void AssertRelative(double expected, double actual)
        => Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
