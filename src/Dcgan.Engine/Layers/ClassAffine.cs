// A class-conditional scale and shift on the last axis: y = gamma[label, c] * x + beta[label, c], the
// class-specific half of conditional batch normalization (de Vries et al. 2017, "Modulating early visual
// processing by language"; Dumoulin et al. 2017, "A learned representation for artistic style"), as the
// projection discriminator's generator uses it (Miyato and Koyama 2018). Placed after a
// BatchNormalization, the pair is a conditional BatchNorm.
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>
/// Per-class gamma (K x C, initialized to 1) and beta (K x C, initialized to 0). Each sample's label comes
/// from a <see cref="ClassLabels"/> set before Forward; Forward keeps a copy for Backward.
/// </summary>
public sealed class ClassAffine : Layer
{
    private readonly ClassLabels _labels;
    private Parameter _gamma = null!, _beta = null!;
    private int _c;
    private int[] _saved = [];
    private Tensor? _input, _output;

    public ClassAffine(ClassLabels labels, string? name = null) : base(name) => _labels = labels;

    public override string ClassName => "ClassAffine";

    public override string NameStem => "class_affine";

    protected override int[] OnBuild(int[] inputShape)
    {
        _c = inputShape[^1];
        _gamma = AddParameter("gamma", [_labels.Classes, _c], trainable: true);
        _beta = AddParameter("beta", [_labels.Classes, _c], trainable: true);
        return inputShape;
    }

    public override void Initialize(Rng rng)
    {
        _gamma.Value.Fill(1f);
        _beta.Value.Clear();
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        int n = input.Batch;
        var labels = _labels.Values;
        if (labels.Length < n)
        {
            throw new InvalidOperationException($"{Name}: {labels.Length} labels set for a batch of {n}");
        }
        labels[..n].CopyTo(Scratch.Grow(ref _saved, n));
        _input = input;
        var y = Reuse(ref _output, n, OutputShape);
        int sample = input.SampleSize, c = _c;
        var x = input.Span;
        var ys = y.Span;
        var gamma = _gamma.Value;
        var beta = _beta.Value;
        for (int i = 0; i < n; i++)
        {
            var g = gamma.Slice(_saved[i] * c, c);
            var b = beta.Slice(_saved[i] * c, c);
            for (int at = i * sample, end = at + sample; at < end; at += c)
            {
                var xr = x.Slice(at, c);
                var yr = ys.Slice(at, c);
                for (int k = 0; k < c; k++)
                {
                    yr[k] = g[k] * xr[k] + b[k];
                }
            }
        }
        return y;
    }

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        var input = _input ?? throw new InvalidOperationException("backward before forward");
        int n = input.Batch, sample = input.SampleSize, c = _c;
        var x = input.Span;
        var dy = dOutput.Span;
        var gamma = _gamma.Value;
        bool wantInput = (needs & GradientNeeds.Input) != 0, wantParams = (needs & GradientNeeds.Parameters) != 0;
        var dxTensor = wantInput ? InputGradient(dOutput, n) : null;
        Span<float> dx = dxTensor is null ? default : dxTensor.Span;
        var dGamma = _gamma.Grad;
        var dBeta = _beta.Grad;
        for (int i = 0; i < n; i++)
        {
            int label = _saved[i];
            var g = gamma.Slice(label * c, c);
            var dg = dGamma.Slice(label * c, c);
            var db = dBeta.Slice(label * c, c);
            for (int at = i * sample, end = at + sample; at < end; at += c)
            {
                var xr = x.Slice(at, c);
                var dyr = dy.Slice(at, c);
                if (wantInput)
                {
                    var dxr = dx.Slice(at, c);
                    for (int k = 0; k < c; k++)
                    {
                        dxr[k] = g[k] * dyr[k];
                    }
                }
                if (wantParams)
                {
                    for (int k = 0; k < c; k++)
                    {
                        dg[k] += dyr[k] * xr[k];
                        db[k] += dyr[k];
                    }
                }
            }
        }
        return dxTensor;
    }
}
