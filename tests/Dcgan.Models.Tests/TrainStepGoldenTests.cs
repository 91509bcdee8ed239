// Whole joint train steps (TrainStep: both losses, both backward paths, both Adam updates, BN moving
// statistics) against PyTorch goldens of the TensorFlow DCGAN tutorial's train_step (tests/golden/README.md).
namespace Dcgan.Models.Tests;

using System.Globalization;
using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.TestSupport;
using Dcgan.Models;
using Dcgan.Kernels;
using Xunit.Abstractions;

public sealed class TrainStepGoldenTests(ITestOutputHelper output)
{
    // float32 re-runs of the reference deviate at most ~5.5e-4 of the largest delta (gamma near 1 has an
    // ulp of 1.2e-7 against deltas of 3e-4); the gradient moments m and v stay within ~6e-6.
    private const double DeltaTol = 1e-3;

    // With Winograd (ConvAlgorithm.Winograd: G's two wide transposed convolutions and D's second convolution) the layers
    // round to about 1e-5 of their output scale (the stride-2 layers' 7x4 tiles 1e-5 to 3e-5, three to four times what
    // 4x4 tiles did) instead of 3e-7; the layer and model goldens pin that. Batches of 4 images amplify it: BatchNorm's
    // backward subtracts nearly equal terms, so one step's gradients of G's first layers move by up to 0.8 % of their
    // largest value (4x4 tiles: 4e-5), and train_step_one's Winograd run keeps its own tolerances (below). Over three
    // steps the rounding can cross a kink: on train_steps the first step's parameters differ from the direct path's by at
    // most 4e-6, yet the second step's generator gradients differ by 2 % of their largest value, and copying any one of
    // three tensors (G's dense kernel, its first BatchNorm gamma, its second transposed convolution's kernel) from the
    // direct run removes the difference: some unit sits on a LeakyReLU or BatchNorm edge, and which side it lands on
    // decides. Which runs land there changes with any change of rounding (cutting the kernel-gradient sums into 1, 2, 3 or
    // 4 parts: two of the four did). So the Winograd runs of the three-step cases check the losses and probabilities of
    // every step, to this relative tolerance (seen: 5.2e-3 on the third step's probabilities with 7x4 tiles, 2.7e-4 with
    // 4x4).
    private const double WinogradChainTol = 1e-2;

    // Adam's first step is lr * g / (|g| + epsilon): for a gradient near epsilon (1e-7) an error in g moves the step by
    // lr / epsilon = 1000 times as much. Winograd's gradients, off by up to 0.8 % of their largest value here (above), can
    // move such a step by a good part of the largest step (seen: 21 % with the stride-2 layers' 7x4 tiles, 0.1 % with
    // 4x4), so its one-step deltas are checked to this fraction of the largest, which still shows every parameter moved
    // the way PyTorch's did; the Adam moments m and v, which carry the gradients themselves, to 2 % of their largest
    // (seen: 0.78 %), and their sums to 1 % (seen: 0.48 %).
    private const double WinogradDeltaTol = 0.5;
    private const double MomentTol = 1e-4;
    private const double SumTol = 1e-4;

    /// <summary>One step's parameter checks: deltas and Adam moments against their largest value, sums against the sum of magnitudes.</summary>
    private readonly record struct Tolerances(double Delta, double Moment, double Sum);

    private static readonly Tolerances DirectTolerances = new(DeltaTol, MomentTol, SumTol);

    private static readonly Tolerances WinogradTolerances = new(WinogradDeltaTol, 2e-2, 1e-2);

    [Theory]
    [InlineData("train_steps", DiscriminatorOutput.Logits, ConvAlgorithm.Direct)]
    [InlineData("train_steps_short", DiscriminatorOutput.Logits, ConvAlgorithm.Direct)]
    [InlineData("train_steps_sigmoid", DiscriminatorOutput.Sigmoid, ConvAlgorithm.Direct)]
    [InlineData("train_step_one", DiscriminatorOutput.Logits, ConvAlgorithm.Direct)]
    [InlineData("train_step_one", DiscriminatorOutput.Logits, ConvAlgorithm.Winograd)]
    public void JointStepsMatchPyTorch(string caseName, DiscriminatorOutput discriminatorOutput, ConvAlgorithm algorithm)
    {
        var golden = GoldenFile.Load(caseName);
        var (gan, gInitial, dInitial) = Build(discriminatorOutput, algorithm);
        var worst = new Dictionary<string, double>(StringComparer.Ordinal);
        int steps = RunSteps(golden, gan, worst, 1e-5, 1e-6);

        Assert.Equal(steps, gan.GeneratorOptimizer.Iterations);
        Assert.Equal(steps, gan.DiscriminatorOptimizer.Iterations);
        var tolerances = algorithm == ConvAlgorithm.Winograd ? WinogradTolerances : DirectTolerances;
        CheckParameters(golden, gan.Generator, gan.GeneratorOptimizer, GoldenWeights.Generator, gInitial, worst, tolerances);
        CheckParameters(golden, gan.Discriminator, gan.DiscriminatorOptimizer, GoldenWeights.Discriminator, dInitial, worst, tolerances);

        var bns = gan.Generator.Layers.OfType<BatchNormalization>().ToList();
        Assert.Equal(3, bns.Count);
        for (int i = 0; i < bns.Count; i++)
        {
            foreach (string stat in new[] { "moving_mean", "moving_variance" })
            {
                float[] expected = golden.Get($"g.bn{i}.{stat}.sample");
                float[] actual = GoldenWeights.Sample(bns[i].Parameters.Single(p => p.Name == stat).Value);
                Check(worst, stat, expected, actual, 1e-3, MomentTol * MaxAbs(expected), $"g.bn{i} {stat}");
            }
        }
        Report(caseName, algorithm, worst);
    }

    [Theory]
    [InlineData("train_steps", DiscriminatorOutput.Logits)]
    [InlineData("train_steps_short", DiscriminatorOutput.Logits)]
    [InlineData("train_steps_sigmoid", DiscriminatorOutput.Sigmoid)]
    public void WinogradStepsKeepPyTorchsLossesAndProbabilities(string caseName, DiscriminatorOutput discriminatorOutput)
    {
        var golden = GoldenFile.Load(caseName);
        var (gan, _, _) = Build(discriminatorOutput, ConvAlgorithm.Winograd);
        var worst = new Dictionary<string, double>(StringComparer.Ordinal);
        Assert.Equal(3, RunSteps(golden, gan, worst, WinogradChainTol, 1e-5));
        Report(caseName, ConvAlgorithm.Winograd, worst);
    }

    // The DCGAN paper's pair (pytorch/examples' modules, PyTorch's BatchNorm, 64x64x3, ngf = ndf = 8) for one joint step
    // with the paper's Adam (lr 2e-4, beta1 0.5). D has BatchNorm, so the generated batch takes two backward passes; its
    // moving statistics move twice (real, then generated). Winograd asked for leaves every 4x4 layer direct, so both runs
    // keep the direct path's tolerances, but for the losses and probabilities: seven BatchNorms over 4 images amplify
    // rounding, and PyTorch itself in float32 lands up to 2e-5 (relative) off its float64 probabilities here.
    private const double DcganLossTol = 1e-4;

    [Theory]
    [InlineData(ConvAlgorithm.Direct)]
    [InlineData(ConvAlgorithm.Winograd)]
    public void DcganJointStepMatchesPyTorch(ConvAlgorithm algorithm)
    {
        var golden = GoldenFile.Load("dcgan_train_step_one");
        var gan = new GanPair(GoldenWeights.DcganOptions with { ConvAlgorithm = algorithm }, lrG: 2e-4, lrD: 2e-4, beta1: 0.5);
        Assert.False(new TrainStep(gan).OneBackwardForGenerated);
        float[][] gInitial = GoldenModel.SetFormulaWeights(gan.Generator, GoldenWeights.DcganGenerator);
        float[][] dInitial = GoldenModel.SetFormulaWeights(gan.Discriminator, GoldenWeights.DcganDiscriminator);
        var worst = new Dictionary<string, double>(StringComparer.Ordinal);
        Assert.Equal(1, RunSteps(golden, gan, worst, DcganLossTol, 1e-6));

        CheckParameters(golden, gan.Generator, gan.GeneratorOptimizer, GoldenWeights.DcganGenerator, gInitial, worst, DirectTolerances);
        CheckParameters(golden, gan.Discriminator, gan.DiscriminatorOptimizer, GoldenWeights.DcganDiscriminator, dInitial, worst, DirectTolerances);
        GoldenModel.CheckMovingStatistics(golden, gan.Generator, GoldenWeights.DcganGeneratorNorms, ".", 1e-3, 1e-6);
        GoldenModel.CheckMovingStatistics(golden, gan.Discriminator, GoldenWeights.DcganDiscriminatorNorms, ".", 1e-3, 1e-6);
        Report("dcgan_train_step_one", algorithm, worst);
    }

    private static (GanPair Gan, float[][] GInitial, float[][] DInitial) Build(DiscriminatorOutput discriminatorOutput, ConvAlgorithm algorithm)
    {
        // Dropout rate 0 keeps the step deterministic; everything else is the tutorial's setup.
        var gan = new GanPair(new ModelOptions { DropoutRate = 0, DiscriminatorOutput = discriminatorOutput, ConvAlgorithm = algorithm });
        float[][] gInitial = GoldenModel.SetFormulaWeights(gan.Generator, GoldenWeights.Generator);
        float[][] dInitial = GoldenModel.SetFormulaWeights(gan.Discriminator, GoldenWeights.Discriminator);
        return (gan, gInitial, dInitial);
    }

    /// <summary>Runs every step of the case, checking its losses and probabilities; returns the number of steps.</summary>
    private static int RunSteps(GoldenFile golden, GanPair gan, Dictionary<string, double> worst, double relTol, double absTol)
    {
        var trainStep = new TrainStep(gan);
        int steps = golden.Names.Count(n => n.StartsWith("gen_loss", StringComparison.Ordinal));
        for (int k = 1; k <= steps; k++)
        {
            var noise = Tensor.From(golden.Get($"noise{k}"), golden.Shape($"noise{k}"));
            var real = Tensor.From(golden.Get($"real{k}"), golden.Shape($"real{k}"));
            StepResult result = trainStep.Run(real, noise);
            // The losses and probabilities before each update pin every earlier step's weights too.
            Check(worst, "loss", [golden.Scalar($"gen_loss{k}")], [result.GeneratorLoss], relTol, absTol, $"step {k} gen_loss");
            Check(worst, "loss", [golden.Scalar($"disc_loss{k}")], [result.DiscriminatorLoss], relTol, absTol, $"step {k} disc_loss");
            Check(worst, "prob", golden.Get($"real_prob{k}"), trainStep.LastRealProbabilities.ToArray(), relTol, absTol, $"step {k} real_prob");
            Check(worst, "prob", golden.Get($"fake_prob{k}"), trainStep.LastFakeProbabilities.ToArray(), relTol, absTol, $"step {k} fake_prob");
        }
        return steps;
    }

    private void Report(string caseName, ConvAlgorithm algorithm, Dictionary<string, double> worst)
    {
        foreach ((string kind, double value) in worst.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{caseName} {algorithm} {kind}: worst deviation {value:E2}"));
        }
    }

    /// <summary>
    /// Compares theta_after - theta_before (Adam's steps of 1e-4 would vanish inside any tolerance on the
    /// weights themselves) and the Adam moments, which carry the gradients' magnitudes that Adam's
    /// normalization hides from the deltas.
    /// </summary>
    private void CheckParameters(GoldenFile golden, Sequential model, Adam optimizer,
        IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> spec, float[][] initial, Dictionary<string, double> worst, Tolerances tol)
    {
        var trainable = GoldenModel.Trainable(model);
        for (int t = 0; t < spec.Count; t++)
        {
            string name = spec[t].Name;
            Parameter p = trainable[t];
            var delta = new float[p.Length];
            ReadOnlySpan<float> value = p.Value;
            // The float32 weights round each delta by up to half an ulp of the weight (6e-8 for a gamma near 1, against
            // deltas of 2e-4): a few-value tensor's sums cannot be closer to the float64 reference than these roundings add to.
            double rounding = 0;
            for (int i = 0; i < delta.Length; i++)
            {
                // Exact in float32: after three steps of at most 1e-4 the two values are within a factor of 2.
                delta[i] = value[i] - initial[t][i];
                rounding += 0.5 * (MathF.BitIncrement(MathF.Abs(value[i])) - MathF.Abs(value[i]));
            }
            float[] expectedDelta = golden.Get(name + ".delta.sample");
            Check(worst, "delta", expectedDelta, GoldenWeights.Sample(delta), 0, tol.Delta * MaxAbs(expectedDelta), name + " delta");
            CheckSums(worst, golden, name + ".delta", delta, tol.Sum, rounding);

            float[] m = optimizer.M.AsSpan(p.Offset, p.Length).ToArray();
            float[] expectedM = golden.Get(name + ".m.sample");
            Check(worst, "m", expectedM, GoldenWeights.Sample(m), 1e-3, tol.Moment * MaxAbs(expectedM), name + " Adam m");
            CheckSums(worst, golden, name + ".m", m, tol.Sum);

            float[] v = optimizer.V.AsSpan(p.Offset, p.Length).ToArray();
            float[] expectedV = golden.Get(name + ".v.sample");
            Check(worst, "v", expectedV, GoldenWeights.Sample(v), 1e-3, tol.Moment * MaxAbs(expectedV), name + " Adam v");
            double vSum = v.Sum(x => (double)x);
            double expectedVSum = golden.Scalar(name + ".v.sum");
            Record(worst, "v.sum", Math.Abs(vSum - expectedVSum) / expectedVSum);
            Assert.True(Math.Abs(vSum - expectedVSum) <= tol.Sum * expectedVSum, $"{name} Adam v sum {vSum:G9} vs {expectedVSum:G9}");
        }
    }

    /// <summary>
    /// The sum (heavily cancelling, so judged against the sum of magnitudes) and the sum of magnitudes, each within sumTol of
    /// the sum of magnitudes plus <paramref name="rounding"/>, the most the storage of the values can move them.
    /// </summary>
    private static void CheckSums(Dictionary<string, double> worst, GoldenFile golden, string prefix, ReadOnlySpan<float> values, double sumTol,
        double rounding = 0)
    {
        double sum = 0, abs = 0;
        foreach (float x in values)
        {
            sum += x;
            abs += Math.Abs(x);
        }
        double expectedSum = golden.Scalar(prefix + ".sum");
        double expectedAbs = golden.Scalar(prefix + ".abs_sum");
        string kind = prefix[(prefix.LastIndexOf('.') + 1)..];
        Record(worst, kind + ".sum", Math.Abs(sum - expectedSum) / expectedAbs);
        Record(worst, kind + ".abs_sum", Math.Abs(abs - expectedAbs) / expectedAbs);
        Assert.True(Math.Abs(abs - expectedAbs) <= sumTol * expectedAbs + rounding, $"{prefix}: sum of |.| {abs:G9} vs {expectedAbs:G9}");
        Assert.True(Math.Abs(sum - expectedSum) <= sumTol * expectedAbs + rounding, $"{prefix}: sum {sum:G9} vs {expectedSum:G9} (sum of |.| {expectedAbs:G9})");
    }

    /// <summary>GoldenAssert.Close, also recording the worst deviation relative to the tensor's largest value.</summary>
    private static void Check(Dictionary<string, double> worst, string kind, float[] expected, float[] actual, double relTol, double absTol, string what)
    {
        if (expected.Length == actual.Length)
        {
            double scale = Math.Max(MaxAbs(expected), 1e-30);
            double dev = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                dev = Math.Max(dev, Math.Abs((double)expected[i] - actual[i]) / scale);
            }
            Record(worst, kind, dev);
        }
        GoldenAssert.Close(expected, actual, relTol, absTol, what);
    }

    private static void Record(Dictionary<string, double> worst, string kind, double deviation) =>
        worst[kind] = Math.Max(worst.GetValueOrDefault(kind), deviation);

    private static double MaxAbs(float[] values) => values.Max(x => Math.Abs((double)x));
}
