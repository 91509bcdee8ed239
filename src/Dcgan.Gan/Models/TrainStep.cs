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

    public TrainStep(GanPair gan) => _gan = gan;

    /// <summary>The last step's discriminator probabilities on the real batch (valid until the next step).</summary>
    public ReadOnlySpan<float> LastRealProbabilities => _realProb.AsSpan(0, _realCount);

    /// <summary>The last step's discriminator probabilities on the generated batch.</summary>
    public ReadOnlySpan<float> LastFakeProbabilities => _fakeProb.AsSpan(0, _fakeCount);

    private float[] _realProb = [], _fakeProb = [];
    private int _realCount, _fakeCount;

    /// <summary>One step on a real batch (N x H x W x C in [-1, 1]) and a noise batch (M x noiseDim).</summary>
    public StepResult Run(Tensor real, Tensor noise)
    {
        var g = _gan.Generator;
        var d = _gan.Discriminator;
        bool logits = _gan.Options.DiscriminatorOutput == DiscriminatorOutput.Logits;
        g.ZeroGradients();
        d.ZeroGradients();

        var fake = g.Forward(noise, training: true);

        // (1) Discriminator loss on the real batch: CE(1, D(real)), averaged over the real batch.
        var realOut = d.Forward(real, training: true);
        var dReal = Buffer(ref _dRealT, realOut);
        float realLoss = Loss(realOut.Span, 1f, dReal.Span, logits);
        KeepProbabilities(realOut.Span, logits, ref _realProb, ref _realCount);
        d.Backward(dReal, GradientNeeds.Parameters);

        // (2) The generated batch: CE(0, D(fake)) for D, CE(1, D(fake)) for G, from one forward.
        var fakeOut = d.Forward(fake, training: true);
        var dFakeForD = Buffer(ref _dFakeForDT, fakeOut);
        var dFakeForG = Buffer(ref _dFakeForGT, fakeOut);
        float fakeLoss = Loss(fakeOut.Span, 0f, dFakeForD.Span, logits);
        float genLoss = Loss(fakeOut.Span, 1f, dFakeForG.Span, logits);
        KeepProbabilities(fakeOut.Span, logits, ref _fakeProb, ref _fakeCount);
        d.Backward(dFakeForD, GradientNeeds.Parameters);
        var dFake = d.Backward(dFakeForG, GradientNeeds.Input)!;
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
