// Whole models against the PyTorch goldens with formula weights (tests/golden/README.md): sets the weights, runs one
// forward and backward, and compares the output, the input gradient, every parameter gradient and the moving statistics.
namespace Dcgan.TestSupport;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

/// <summary>The checks the tutorial's and the DCGAN paper's model goldens share.</summary>
public static class GoldenModel
{
    /// <summary>
    /// Initializes <paramref name="model"/> (moving statistics 0 and 1) and overwrites its trainable tensors, in order, with
    /// the formula weights of <paramref name="spec"/>; returns copies of them.
    /// </summary>
    public static float[][] SetFormulaWeights(Sequential model, IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> spec)
    {
        model.Initialize(new Rng(1));
        var trainable = Trainable(model);
        Assert.Equal(spec.Count, trainable.Count);
        var initial = new float[spec.Count][];
        for (int t = 0; t < spec.Count; t++)
        {
            Assert.Equal(spec[t].Shape, trainable[t].Shape);
            initial[t] = GoldenWeights.Values(t, spec[t].Shape, spec[t].Kind);
            initial[t].CopyTo(trainable[t].Value);
        }
        return initial;
    }

    /// <summary>The trainable parameter tensors in model order.</summary>
    public static List<Parameter> Trainable(Sequential model) =>
        model.NamedParameters().Where(x => x.Parameter.Trainable).Select(x => x.Parameter).ToList();

    /// <summary>
    /// Forward (training or inference mode) and backward from the case's dy: y and dx within 1e-3 relative plus 1e-4 of
    /// the tensor's largest value; each gradient's 64-value sample likewise, its sum of magnitudes within 1e-3 and its sum
    /// within 1e-4 of that (the sums cancel heavily).
    /// </summary>
    public static void CheckForwardBackward(string caseName, Sequential model, IReadOnlyList<(string Name, int[] Shape, GoldenParamKind Kind)> spec, bool training)
    {
        var g = GoldenFile.Load(caseName);
        SetFormulaWeights(model, spec);
        var x = Tensor.From(g.Get("x"), g.Shape("x"));
        var y = model.Forward(x, training);
        Assert.Equal(g.Shape("y"), y.Shape);
        float[] yExpected = g.Get("y");
        GoldenAssert.Close(yExpected, y.Span, relTol: 1e-3, absTol: 1e-4 * yExpected.Max(Math.Abs), what: $"{caseName} y");
        model.ZeroGradients();
        var dx = model.Backward(Tensor.From(g.Get("dy"), g.Shape("y")), GradientNeeds.All)!;
        float[] dxExpected = g.Get("dx");
        GoldenAssert.Close(dxExpected, dx.Span, relTol: 1e-3, absTol: 1e-4 * dxExpected.Max(Math.Abs), what: $"{caseName} dx");
        var trainable = Trainable(model);
        for (int t = 0; t < spec.Count; t++)
        {
            string name = spec[t].Name;
            var grad = trainable[t].Grad;
            float[] sample = g.Get(name + ".sample");
            double absSum = g.Scalar(name + ".abs_sum");
            double scale = sample.Max(Math.Abs);
            GoldenAssert.Close(sample, GoldenWeights.Sample(grad), relTol: 1e-3, absTol: 1e-4 * Math.Max(scale, 1e-12), what: $"{name} gradient sample");
            double sum = 0, abs = 0;
            foreach (float v in grad)
            {
                sum += v;
                abs += Math.Abs(v);
            }
            Assert.True(Math.Abs(abs - absSum) <= 1e-3 * absSum, $"{name}: |grad| sum {abs} vs {absSum}");
            Assert.True(Math.Abs(sum - g.Scalar(name + ".sum")) <= 1e-4 * absSum + 1e-9, $"{name}: grad sum {sum} vs {g.Scalar(name + ".sum")}");
        }
    }

    /// <summary>
    /// The moving statistics of <paramref name="model"/>'s BatchNormalization layers, in order, against the case's
    /// "&lt;norm&gt;&lt;infix&gt;moving_mean.sample" and "...moving_variance.sample" (infix ".new_" after one forward, "." after steps).
    /// </summary>
    public static void CheckMovingStatistics(GoldenFile golden, Sequential model, IReadOnlyList<string> norms, string infix,
        double relTol = 1e-3, double absTol = 1e-6)
    {
        var layers = model.Layers.OfType<BatchNormalization>().ToList();
        Assert.Equal(norms.Count, layers.Count);
        for (int i = 0; i < norms.Count; i++)
        {
            foreach (string stat in new[] { "moving_mean", "moving_variance" })
            {
                float[] expected = golden.Get($"{norms[i]}{infix}{stat}.sample");
                float[] actual = GoldenWeights.Sample(layers[i].Parameters.Single(p => p.Name == stat).Value);
                GoldenAssert.Close(expected, actual, relTol, absTol, $"{norms[i]} {stat}");
            }
        }
    }
}
