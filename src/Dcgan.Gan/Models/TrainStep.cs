// The tutorial's train_step: one forward pass, both gradients taken from it, then both Adam updates.
// Reference: the TensorFlow DCGAN tutorial (tf.GradientTape over generator and discriminator).
namespace Dcgan.Gan.Models;

using Dcgan.Engine;
using Dcgan.Kernels;

/// <summary>Losses and discriminator statistics of one step.</summary>
public readonly record struct StepResult(
    float GeneratorLoss, float DiscriminatorLoss, float RealAccuracy, float FakeAccuracy, float RealMean, float FakeMean);

/// <summary>
/// Runs joint DCGAN steps. Order: G(noise) in training mode; D(real) and its backward for D's
/// gradient; D(fake) and two backwards from the same forward: the discriminator loss (D's weights)
/// and the generator loss (the input gradient, fed back through G). Then G's Adam step, then D's.
/// D's weights do not change until both gradients are taken, so this equals the tutorial's single tape.
/// </summary>
public sealed class TrainStep
{
    private readonly GanPair _gan;
    private Tensor? _dRealT, _dFakeForDT, _dFakeForGT;

    // Conditional runs: one buffer per conditioned input, since each must live until its backward.
    private readonly Conditioning? _gInput, _dRealInput, _dFakeInput;
    private Tensor? _dFakeImage;

    public TrainStep(GanPair gan)
    {
        _gan = gan;
        if (gan.Options.Conditional)
        {
            _gInput = new Conditioning(gan.Options.Classes);
            _dRealInput = new Conditioning(gan.Options.Classes);
            _dFakeInput = new Conditioning(gan.Options.Classes);
        }
    }

    /// <summary>The last step's discriminator probabilities on the real batch (valid until the next step).</summary>
    public ReadOnlySpan<float> LastRealProbabilities => _realProb.AsSpan(0, _realCount);

    /// <summary>The last step's discriminator probabilities on the generated batch.</summary>
    public ReadOnlySpan<float> LastFakeProbabilities => _fakeProb.AsSpan(0, _fakeCount);

    private float[] _realProb = [], _fakeProb = [];
    private int _realCount, _fakeCount;

    /// <summary>
    /// One step on a real batch (N x H x W x C in [-1, 1]) and a noise batch (M x noiseDim). A conditional
    /// model also takes the real images' labels and the labels the generator is asked to draw.
    /// </summary>
    public StepResult Run(Tensor real, Tensor noise, ReadOnlySpan<int> realLabels = default, ReadOnlySpan<int> fakeLabels = default)
    {
        var g = _gan.Generator;
        var d = _gan.Discriminator;
        bool logits = _gan.Options.DiscriminatorOutput == DiscriminatorOutput.Logits;
        g.ZeroGradients();
        d.ZeroGradients();

        var fake = g.Forward(_gInput?.NoiseWithLabels(noise, fakeLabels) ?? noise, training: true);

        // (1) Discriminator loss on the real batch: CE(1, D(real)), averaged over the real batch.
        var realOut = d.Forward(_dRealInput?.ImagesWithLabels(real, realLabels) ?? real, training: true);
        var dReal = Buffer(ref _dRealT, realOut);
        float realLoss = Loss(realOut.Span, 1f, dReal.Span, logits);
        KeepProbabilities(realOut.Span, logits, ref _realProb, ref _realCount);
        d.Backward(dReal, GradientNeeds.Parameters);

        // (2) The generated batch: CE(0, D(fake)) for D, CE(1, D(fake)) for G, from one forward.
        var fakeOut = d.Forward(_dFakeInput?.ImagesWithLabels(fake, fakeLabels) ?? fake, training: true);
        var dFakeForD = Buffer(ref _dFakeForDT, fakeOut);
        var dFakeForG = Buffer(ref _dFakeForGT, fakeOut);
        float fakeLoss = Loss(fakeOut.Span, 0f, dFakeForD.Span, logits);
        float genLoss = Loss(fakeOut.Span, 1f, dFakeForG.Span, logits);
        KeepProbabilities(fakeOut.Span, logits, ref _fakeProb, ref _fakeCount);
        d.Backward(dFakeForD, GradientNeeds.Parameters);
        var dFake = d.Backward(dFakeForG, GradientNeeds.Input)!;
        if (_dFakeInput is not null)
        {
            // Only the image channels lead back to the generator; the label maps are constants.
            _dFakeImage ??= Tensor.ForBatch(fake.Batch, fake.Shape.AsSpan(1));
            _dFakeImage.SetBatch(fake.Batch);
            Conditioning.ImageGradient(dFake, _dFakeImage);
            dFake = _dFakeImage;
        }
        g.Backward(dFake, GradientNeeds.Parameters);

        // (3) Both updates, generator first as the tutorial applies them.
        _gan.GeneratorOptimizer.Step(g);
        _gan.DiscriminatorOptimizer.Step(d);

        return new StepResult(genLoss, realLoss + fakeLoss,
            Fraction(LastRealProbabilities, p => p > 0.5f), Fraction(LastFakeProbabilities, p => p < 0.5f),
            Mean(LastRealProbabilities), Mean(LastFakeProbabilities));
    }

    private static float Loss(ReadOnlySpan<float> output, float target, Span<float> dOutput, bool logits)
        => logits ? BinaryCrossEntropy.FromLogits(output, target, dOutput) : BinaryCrossEntropy.FromProbabilities(output, target, dOutput);

    private static Tensor Buffer(ref Tensor? tensor, Tensor like)
    {
        tensor ??= Tensor.ForBatch(like.Batch, like.Shape.AsSpan(1));
        tensor.SetBatch(like.Batch);
        return tensor;
    }

    private static void KeepProbabilities(ReadOnlySpan<float> output, bool logits, ref float[] storage, ref int count)
    {
        if (storage.Length < output.Length)
        {
            storage = new float[output.Length];
        }
        count = output.Length;
        for (int i = 0; i < output.Length; i++)
        {
            storage[i] = logits ? Activations.Sigmoid(output[i]) : output[i];
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
