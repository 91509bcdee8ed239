// The layer contract: build from an input shape, forward (training or inference), backward that
// returns the input gradient and adds to the parameter gradients; derivatives sit beside forwards.
namespace Dcgan.Engine;

using Dcgan.Kernels;

/// <summary>What a backward pass must produce.</summary>
[Flags]
public enum GradientNeeds
{
    /// <summary>Nothing (not useful, but legal).</summary>
    None = 0,

    /// <summary>The gradient with respect to the layer's input.</summary>
    Input = 1,

    /// <summary>Add this pass's parameter gradients into <see cref="Parameter.Grad"/>.</summary>
    Parameters = 2,

    /// <summary>Both.</summary>
    All = Input | Parameters,
}

/// <summary>
/// A layer in a <see cref="Sequential"/> model. Shapes exclude the batch dimension. Output buffers are owned by
/// the layer and reused across steps; input gradients go where <see cref="GradientBuffers"/> says. Backward may be
/// called more than once after one Forward.
/// </summary>
public abstract class Layer
{
    private readonly List<Parameter> _parameters = [];
    private Tensor? _weightedOutputGradient;
    private Tensor? _inputGradient, _sharedGradientA, _sharedGradientB;

    protected Layer(string? name) => Name = name ?? "";

    /// <summary>The Keras-style name (dense, batch_normalization_1, ...).</summary>
    public string Name { get; internal set; }

    /// <summary>The Keras class name shown by the summary (Dense, Conv2DTranspose, ...).</summary>
    public abstract string ClassName { get; }

    /// <summary>The Keras auto-name stem (dense, conv2d_transpose, leaky_re_lu, ...).</summary>
    public abstract string NameStem { get; }

    public int[] InputShape { get; private set; } = [];

    public int[] OutputShape { get; private set; } = [];

    /// <summary>Every parameter in Keras's weight order (trainable and not).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>
    /// Where <see cref="InputGradient"/> puts the input gradient: the model's two shared buffers (set by
    /// <see cref="Sequential"/>), or, when null (a layer on its own), a buffer of the layer's.
    /// </summary>
    public GradientBuffers? GradientBuffers { get; set; }

    /// <summary>Random stream for stochastic layers (Dropout); set by the model.</summary>
    public Rng? Random { get; set; }

    /// <summary>Fixes shapes and declares parameters. Called once, by the model.</summary>
    public void Build(int[] inputShape)
    {
        InputShape = (int[])inputShape.Clone();
        OutputShape = OnBuild(InputShape);
    }

    /// <summary>Declares parameters and returns the output shape.</summary>
    protected abstract int[] OnBuild(int[] inputShape);

    /// <summary>Sets initial values (after the model has bound parameters to its buffers).</summary>
    public virtual void Initialize(Rng rng)
    {
    }

    public abstract Tensor Forward(Tensor input, bool training);

    /// <summary>
    /// This layer's forward and then <paramref name="next"/>'s in one pass over the data, giving next's output with the bits
    /// the two forwards give one after the other; null, having done nothing, where this layer cannot (the model then runs
    /// them one by one). A BatchNormalization does it for the LeakyReLU after it, a LeakyReLU for a training dropout.
    /// </summary>
    internal virtual Tensor? ForwardWithNext(Tensor input, bool training, Layer next) => null;

    /// <summary>Backward from dOutput; returns dInput when <see cref="GradientNeeds.Input"/> is asked, else null.</summary>
    public abstract Tensor? Backward(Tensor dOutput, GradientNeeds needs);

    /// <summary>
    /// <paramref name="next"/>'s backward from its output gradient and then this layer's, in one pass over the data, with
    /// the bits the two give one after the other (next's input gradient is never written): true, with this layer's input
    /// gradient where asked; false, having done nothing, where this layer cannot. A BatchNormalization does it for the
    /// LeakyReLU it ran in its forward, a LeakyReLU for the dropout after it.
    /// </summary>
    internal virtual bool TryBackwardWithNext(Tensor dOutput, GradientNeeds needs, Layer next, out Tensor? dInput)
    {
        dInput = null;
        return false;
    }

    /// <summary>Whether any parameter is trainable (has a gradient a backward pass adds to).</summary>
    public bool HasTrainableParameters => _parameters.Exists(p => p.Trainable);

    /// <summary>
    /// Whether each sample's output depends on that sample alone (true but for BatchNormalization in training), so a
    /// backward pass is a sum of independent per-sample passes and <see cref="Backward(Tensor, GradientNeeds, ReadOnlySpan{float})"/>
    /// can weight them.
    /// </summary>
    public virtual bool SamplesAreIndependent => true;

    /// <summary>
    /// Backward in which sample i's share of the parameter gradients is multiplied by sampleWeights[i]; the input gradient
    /// is not weighted. Since backward is linear in dOutput, this is what two backward passes from dOutput and from
    /// sampleWeights[i] * dOutput[i] would give, taking the input gradient of the first and the parameter gradients of the
    /// second, at the cost of one pass plus the parameter gradients. Needs <see cref="SamplesAreIndependent"/>.
    /// </summary>
    public Tensor? Backward(Tensor dOutput, GradientNeeds needs, ReadOnlySpan<float> sampleWeights)
    {
        bool parameters = (needs & GradientNeeds.Parameters) != 0 && HasTrainableParameters;
        if (sampleWeights.IsEmpty || !parameters)
        {
            return Backward(dOutput, needs);
        }
        if (!SamplesAreIndependent)
        {
            throw new NotSupportedException($"{Name} couples the samples of a batch, so its gradients cannot be weighted per sample");
        }
        int n = dOutput.Batch;
        if (sampleWeights.Length != n)
        {
            throw new ArgumentException($"{n} samples but {sampleWeights.Length} weights");
        }
        // The parameters' pass first: a layer may keep something of its forward for the parameter gradients that its
        // input gradient then overwrites (a Winograd convolution's transformed input).
        var weighted = Reuse(ref _weightedOutputGradient, n, OutputShape);
        VectorMath.ScaleRows(dOutput.Span, sampleWeights, weighted.Span);
        Backward(weighted, GradientNeeds.Parameters);
        return (needs & GradientNeeds.Input) != 0 ? Backward(dOutput, GradientNeeds.Input) : null;
    }

    protected Parameter AddParameter(string name, int[] shape, bool trainable)
    {
        var p = new Parameter(name, shape, trainable);
        _parameters.Add(p);
        return p;
    }

    /// <summary>
    /// The tensor a backward pass from <paramref name="dOutput"/> writes its input gradient into, (batch, InputShape):
    /// never <paramref name="dOutput"/>'s buffer.
    /// </summary>
    protected Tensor InputGradient(Tensor dOutput, int batch) => GradientBuffers is { } shared
        ? shared.Take(dOutput, batch, InputShape, ref _sharedGradientA, ref _sharedGradientB)
        : Reuse(ref _inputGradient, batch, InputShape);

    /// <summary>Sizes a reusable buffer for this batch: allocated on first use, grown only if needed.</summary>
    protected static Tensor Reuse(ref Tensor? buffer, int batch, int[] sampleShape)
    {
        if (buffer is null)
        {
            buffer = Tensor.ForBatch(batch, sampleShape);
        }
        else
        {
            buffer.SetBatch(batch);
        }
        return buffer;
    }

    protected void CheckInput(Tensor input)
    {
        if (input.Shape.Length != InputShape.Length + 1 || !input.Shape.AsSpan(1).SequenceEqual(InputShape))
        {
            throw new ArgumentException($"{Name}: expected input (N, {string.Join(", ", InputShape)}), got {Tensor.Format(input.Shape)}");
        }
    }
}
