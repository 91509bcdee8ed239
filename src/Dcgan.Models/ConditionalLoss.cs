// The losses of a conditional discriminator's output and their gradients, one function for every scheme:
// AC-GAN (Odena, Olah and Shlens 2017), the projection discriminator (Miyato and Koyama 2018), and both.
namespace Dcgan.Models;

using Dcgan.Kernels;

/// <summary>
/// Reads D's N x W output (W = <see cref="ModelOptions.DiscriminatorOutputs"/>) and writes the gradient of
/// the loss into an output-shaped buffer. Columns: 0 is the unconditional real/fake logit psi; with a
/// projection, 1..K hold the projections v_k . phi(x) (+ b_k), and the adversarial logit of an image of
/// class y is psi + projection[y]; the class logits (AC-GAN) follow at 1 (AC-GAN) or 1 + K (both).
/// Scratch buffers are reused, so one instance serves every step of a run.
/// </summary>
public sealed class ConditionalLoss
{
    private readonly int _classes, _width, _classOffset;
    private readonly bool _projection, _classHead;
    private float[] _column = [], _dColumn = [], _classLogits = [], _dClassLogits = [];

    public ConditionalLoss(ModelOptions options)
    {
        if (!options.Conditional || options.DiscriminatorOutput != DiscriminatorOutput.Logits)
        {
            throw new ArgumentException("the conditional loss needs a conditional model with a logit output");
        }
        _classes = options.Classes;
        _width = options.DiscriminatorOutputs;
        _projection = options.Scheme is ConditionalScheme.Projection or ConditionalScheme.ProjectionAc;
        _classHead = options.Scheme is ConditionalScheme.AcGan or ConditionalScheme.ProjectionAc;
        _classOffset = options.Scheme == ConditionalScheme.ProjectionAc ? 1 + _classes : 1;
    }

    /// <summary>
    /// BCE of the adversarial logit against <paramref name="target"/> (1 real, 0 fake) for images of class
    /// <paramref name="labels"/> (used by a projection), plus <paramref name="classWeight"/> times the
    /// softmax cross-entropy of the class logits against the same labels when <paramref name="classLoss"/>
    /// is set and the scheme has a class head. Returns the loss; <paramref name="dOutput"/> gets its gradient
    /// (every column written; columns no loss reads get zero).
    /// </summary>
    public float Compute(ReadOnlySpan<float> output, int n, float target, ReadOnlySpan<int> labels, bool classLoss,
        Span<float> dOutput, float classWeight = 1f)
    {
        int width = _width, k = _classes;
        if (output.Length < n * width || dOutput.Length < n * width)
        {
            throw new ArgumentException($"output of {output.Length} values for {n} rows of {width}");
        }
        if (labels.Length < n && (_projection || (classLoss && _classHead)))
        {
            throw new ArgumentException($"{labels.Length} labels for a batch of {n}");
        }
        EnsureScratch(n);
        dOutput[..(n * width)].Clear();

        // The adversarial logit: psi, plus the asked/real class's projection.
        var column = _column.AsSpan(0, n);
        var dColumn = _dColumn.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            column[i] = _projection ? output[i * width] + output[i * width + 1 + Label(labels[i])] : output[i * width];
        }
        float loss = BinaryCrossEntropy.FromLogits(column, target, dColumn);
        for (int i = 0; i < n; i++)
        {
            dOutput[i * width] = dColumn[i];
            if (_projection)
            {
                dOutput[i * width + 1 + labels[i]] = dColumn[i];
            }
        }

        if (classLoss && _classHead)
        {
            var logits = _classLogits.AsSpan(0, n * k);
            var dClasses = _dClassLogits.AsSpan(0, n * k);
            for (int i = 0; i < n; i++)
            {
                output.Slice(i * width + _classOffset, k).CopyTo(logits.Slice(i * k, k));
            }
            loss += classWeight * SoftmaxCrossEntropy.FromLogits(logits, k, labels[..n], dClasses);
            if (classWeight != 1f)
            {
                VectorMath.Scale(dClasses, classWeight, dClasses);
            }
            for (int i = 0; i < n; i++)
            {
                dClasses.Slice(i * k, k).CopyTo(dOutput.Slice(i * width + _classOffset, k));
            }
        }
        return loss;
    }

    private int Label(int label) => (uint)label < (uint)_classes
        ? label
        : throw new ArgumentOutOfRangeException(nameof(label), $"label {label} is outside 0..{_classes - 1}");

    private void EnsureScratch(int n)
    {
        if (_column.Length < n)
        {
            _column = new float[n];
            _dColumn = new float[n];
            _classLogits = new float[n * _classes];
            _dClassLogits = new float[n * _classes];
        }
    }
}
