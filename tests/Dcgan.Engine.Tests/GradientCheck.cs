// One shared helper that checks any layer's backward against central finite differences
// (the tinygrad/micrograd idea), on the scalar loss L = sum(y * r) for a fixed random r.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Kernels;

public static class GradientCheck
{
    /// <summary>
    /// Builds <paramref name="layer"/> in a one-layer model, compares analytic dInput and every trainable
    /// parameter gradient with finite differences at up to <paramref name="probes"/> positions each.
    /// </summary>
    public static void Check(Layer layer, int[] sampleShape, int batch = 2, ulong seed = 7, float step = 1e-2f,
        double tolerance = 2e-2, int probes = 40, Func<Rng, float>? input = null, bool training = true)
    {
        var model = new Sequential("check", sampleShape, [layer]);
        var rng = new Rng(seed);
        model.Initialize(rng);
        // Perturb parameters away from their (possibly all-ones/zeros) initial values.
        foreach (var (_, p) in model.NamedParameters())
        {
            if (p.Trainable)
            {
                var v = p.Value;
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] += 0.2f * (rng.NextFloat() - 0.5f);
                }
            }
        }
        var x = Tensor.ForBatch(batch, sampleShape);
        for (int i = 0; i < x.Length; i++)
        {
            x.Span[i] = input?.Invoke(rng) ?? (rng.NextFloat() * 2f - 1f);
        }
        var y0 = model.Forward(x, training);
        var r = new float[y0.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = rng.NextFloat() * 2f - 1f;
        }
        var dy = Tensor.From(r, y0.Shape);
        model.ZeroGradients();
        var dx = model.Backward(dy, GradientNeeds.All)!;
        float[] analyticDx = dx.Span.ToArray();
        float[] analyticDw = model.Gradients.ToArray();

        double Loss()
        {
            var y = model.Forward(x, training);
            double s = 0;
            var ys = y.Span;
            for (int i = 0; i < ys.Length; i++)
            {
                s += (double)ys[i] * r[i];
            }
            return s;
        }

        double Numeric(Span<float> target, int index)
        {
            float saved = target[index];
            target[index] = saved + step;
            double plus = Loss();
            target[index] = saved - step;
            double minus = Loss();
            target[index] = saved;
            return (plus - minus) / (2 * step);
        }

        var stride = Math.Max(1, x.Length / probes);
        for (int i = 0; i < x.Length; i += stride)
        {
            Compare(analyticDx[i], Numeric(x.Span, i), tolerance, $"{layer.ClassName} dInput[{i}]");
        }
        var values = model.TrainableValues;
        if (values.Length > 0)
        {
            stride = Math.Max(1, values.Length / probes);
            for (int i = 0; i < values.Length; i += stride)
            {
                Compare(analyticDw[i], Numeric(model.Values.AsSpan(0, model.TrainableCount), i), tolerance, $"{layer.ClassName} dParam[{i}]");
            }
        }
    }

    private static void Compare(double analytic, double numeric, double tolerance, string what)
    {
        double scale = Math.Max(1.0, Math.Max(Math.Abs(analytic), Math.Abs(numeric)));
        Assert.True(Math.Abs(analytic - numeric) <= tolerance * scale,
            $"{what}: analytic {analytic:G6} vs numeric {numeric:G6}");
    }
}
