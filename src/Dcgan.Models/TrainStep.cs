// The tutorial's train_step: one forward pass, both gradients taken from it, then both Adam updates.
// Reference: the TensorFlow DCGAN tutorial (tf.GradientTape over generator and discriminator); the
// conditional variant's losses are ConditionalLoss's (AC-GAN, projection discriminator, or both).
namespace Dcgan.Models;

using Dcgan.Engine;
using Dcgan.Kernels;

/// <summary>Losses and discriminator statistics of one step.</summary>
public readonly record struct StepResult(
    float GeneratorLoss, float DiscriminatorLoss, float RealAccuracy, float FakeAccuracy, float RealMean, float FakeMean);

/// <summary>
/// Runs joint DCGAN steps. Order: G(noise) in training mode; D(real) and its backward for D's
/// gradient; D(fake) and the two gradients from that one forward: the discriminator loss's (D's weights)
/// and the generator loss's (the input gradient, fed back through G). Then G's Adam step, then D's.
/// D's weights do not change until both gradients are taken, so this equals the tutorial's single tape.
/// When D gives one number per image and treats images independently (no BatchNorm: the seed D), the two
/// gradients of the generated batch come from one backward pass: backward is linear in the output
/// gradient, and both output gradients are a number per image, so the pass runs from 1 per image with
/// D's parameter gradients weighted by the discriminator loss's numbers and its input gradient scaled by
/// the generator loss's. That saves D's input-gradient work on one of the three passes.
/// A conditional model's D emits 1 + K values: the real/fake output, then K class logits; D learns the
/// classes of real images and G is pushed to draw images D reads as the asked class.
/// </summary>
public sealed class TrainStep
{
    private readonly GanPair _gan;
    private readonly bool _logits;
    private readonly ConditionalLoss? _conditionalLoss;
    private readonly Conditioning? _gInput;
    private readonly bool _oneFakeBackward;
    private Tensor? _dRealT, _dFakeForDT, _dFakeForGT, _onesT, _dFakeT;
    private float[] _realProb = [], _fakeProb = [];
    private int _realCount, _fakeCount;

    /// <param name="gan">The models and optimizers.</param>
    /// <param name="oneBackwardForGenerated">
    /// Take both gradients of the generated batch from one backward pass where D allows it (see the class summary); false
    /// always runs the two passes (for comparison).
    /// </param>
    public TrainStep(GanPair gan, bool oneBackwardForGenerated = true)
    {
        _gan = gan;
        var d = gan.Discriminator;
        _oneFakeBackward = oneBackwardForGenerated && d.OutputShape is [1] && d.Layers.All(l => l.SamplesAreIndependent);
        _logits = gan.Options.DiscriminatorOutput == DiscriminatorOutput.Logits;
        if (gan.Options.Conditional)
        {
            _gInput = new Conditioning(gan.Options.Classes);
            _conditionalLoss = new ConditionalLoss(gan.Options);
        }
    }

    /// <summary>Whether the generated batch's two gradients come from one backward pass through D (see the class summary).</summary>
    public bool OneBackwardForGenerated => _oneFakeBackward;

    /// <summary>The last step's discriminator probabilities on the real batch (valid until the next step).</summary>
    public ReadOnlySpan<float> LastRealProbabilities => _realProb.AsSpan(0, _realCount);

    /// <summary>The last step's discriminator probabilities on the generated batch.</summary>
    public ReadOnlySpan<float> LastFakeProbabilities => _fakeProb.AsSpan(0, _fakeCount);

    /// <summary>
    /// One step on a real batch (N x H x W x C in [-1, 1]) and a noise batch (M x noiseDim). A conditional
    /// model also takes the real images' labels and the labels the generator is asked to draw.
    /// </summary>
    public StepResult Run(Tensor real, Tensor noise, ReadOnlySpan<int> realLabels = default, ReadOnlySpan<int> fakeLabels = default)
    {
        var g = _gan.Generator;
        var d = _gan.Discriminator;
        g.ZeroGradients();
        d.ZeroGradients();

        var gInput = _gInput?.NoiseWithLabels(noise, fakeLabels) ?? noise;
        _gan.GeneratorLabels?.Set(fakeLabels[..noise.Batch]); // read by a class-conditional BatchNorm
        var fake = g.Forward(gInput, training: true);

        // (1) Discriminator loss on the real batch: CE(1, D(real)) (1 - s with label smoothing), averaged over the real
        //     batch (+ the class loss on the real labels, conditional).
        var realOut = d.Forward(real, training: true);
        var dReal = Buffer(ref _dRealT, realOut);
        float realLoss = Loss(realOut, _gan.Options.RealTarget, realLabels, classLoss: true, dReal);
        KeepProbabilities(realOut, ref _realProb, ref _realCount);
        d.Backward(dReal, GradientNeeds.Parameters);

        // (2) The generated batch: CE(0, D(fake)) for D, CE(1, D(fake)) for G (+ the class loss on the
        //     asked labels, conditional), from one forward.
        var fakeOut = d.Forward(fake, training: true);
        var dFakeForD = Buffer(ref _dFakeForDT, fakeOut);
        var dFakeForG = Buffer(ref _dFakeForGT, fakeOut);
        float fakeLoss = Loss(fakeOut, 0f, fakeLabels, classLoss: false, dFakeForD);
        float genLoss = Loss(fakeOut, 1f, fakeLabels, classLoss: true, dFakeForG, _gan.Options.ClassLossWeight);
        KeepProbabilities(fakeOut, ref _fakeProb, ref _fakeCount);
        g.Backward(GeneratedBatchBackward(d, dFakeForD, dFakeForG), GradientNeeds.Parameters);

        // (3) Both updates, generator first as the tutorial applies them.
        _gan.GeneratorOptimizer.Step(g);
        _gan.DiscriminatorOptimizer.Step(d);

        return new StepResult(genLoss, realLoss + fakeLoss,
            Fraction(LastRealProbabilities, p => p > 0.5f), Fraction(LastFakeProbabilities, p => p < 0.5f),
            Mean(LastRealProbabilities), Mean(LastFakeProbabilities));
    }

    /// <summary>
    /// Adds D's parameter gradients from <paramref name="dForD"/> and returns the gradient of D's input from
    /// <paramref name="dForG"/>, both taken at D's last forward (the generated batch).
    /// </summary>
    private Tensor GeneratedBatchBackward(Sequential d, Tensor dForD, Tensor dForG)
    {
        if (!_oneFakeBackward)
        {
            d.Backward(dForD, GradientNeeds.Parameters);
            return d.Backward(dForG, GradientNeeds.Input)!;
        }
        var ones = Buffer(ref _onesT, dForD);
        ones.Span.Fill(1f);
        var dInput = d.Backward(ones, GradientNeeds.All, dForD.Span)!;
        var dFake = Buffer(ref _dFakeT, dInput);
        VectorMath.ScaleRows(dInput.Span, dForG.Span, dFake.Span);
        return dFake;
    }

    /// <summary>
    /// The loss of D's output against a real/fake target, with its gradient in <paramref name="dOutput"/>.
    /// Conditional: <see cref="ConditionalLoss"/> with the images' classes <paramref name="labels"/> (real
    /// labels, or the asked ones for generated images), and a class loss when <paramref name="classLoss"/>.
    /// </summary>
    private float Loss(Tensor output, float target, ReadOnlySpan<int> labels, bool classLoss, Tensor dOutput, float classWeight = 1f)
    {
        if (_conditionalLoss is null)
        {
            return Bce(output.Span, target, dOutput.Span);
        }
        return _conditionalLoss.Compute(output.Span, output.Batch, target, labels, classLoss, dOutput.Span, classWeight);
    }

    private float Bce(ReadOnlySpan<float> output, float target, Span<float> dOutput)
        => _logits ? BinaryCrossEntropy.FromLogits(output, target, dOutput) : BinaryCrossEntropy.FromProbabilities(output, target, dOutput);

    private static Tensor Buffer(ref Tensor? tensor, Tensor like)
    {
        tensor ??= Tensor.ForBatch(like.Batch, like.Shape.AsSpan(1));
        tensor.SetBatch(like.Batch);
        return tensor;
    }

    /// <summary>D's probability of "real" per image (column 0 of a conditional output).</summary>
    private void KeepProbabilities(Tensor output, ref float[] storage, ref int count)
    {
        int n = output.Batch, width = output.SampleSize;
        Scratch.Grow(ref storage, n);
        count = n;
        var o = output.Span;
        for (int i = 0; i < n; i++)
        {
            float v = o[i * width];
            storage[i] = _logits ? Activations.Sigmoid(v) : v;
        }
    }

    private static float Fraction(ReadOnlySpan<float> values, Func<float, bool> predicate)
    {
        int hits = 0;
        foreach (float v in values)
        {
            if (predicate(v))
            {
                hits++;
            }
        }
        return values.Length == 0 ? 0f : (float)hits / values.Length;
    }

    private static float Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }
        return values.Length == 0 ? 0f : (float)(sum / values.Length);
    }
}
