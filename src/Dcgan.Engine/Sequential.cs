// A stack of layers run in order, owning one flat buffer for all parameter values and one for all
// gradients (trainable first, then the non-trainable BatchNorm statistics), so the optimizer is one loop.
namespace Dcgan.Engine;

using Dcgan.Kernels;

/// <summary>Keras-style Sequential model: forward runs the layers in order, backward in reverse.</summary>
public sealed class Sequential
{
    private readonly Layer[] _layers;
    private Rng? _random;

    /// <summary>Builds every layer for a per-sample input shape, names them and allocates the flat buffers.</summary>
    public Sequential(string name, int[] inputShape, IEnumerable<Layer> layers, LayerNamer? namer = null)
    {
        Name = name;
        InputShape = (int[])inputShape.Clone();
        _layers = layers.ToArray();
        if (_layers.Length == 0)
        {
            throw new ArgumentException("a model needs at least one layer");
        }
        namer ??= new LayerNamer();
        int[] shape = InputShape;
        foreach (var layer in _layers)
        {
            if (string.IsNullOrEmpty(layer.Name))
            {
                layer.Name = namer.Next(layer.NameStem);
            }
            layer.Build(shape);
            shape = layer.OutputShape;
        }
        OutputShape = shape;
        // The layers' input gradients take turns with two buffers of the model's instead of one per layer.
        GradientBuffers = new GradientBuffers();
        foreach (var layer in _layers)
        {
            layer.GradientBuffers = GradientBuffers;
        }
        var all = _layers.SelectMany(l => l.Parameters).ToArray();
        TrainableCount = all.Where(p => p.Trainable).Sum(p => (long)p.Length) is var t ? checked((int)t) : 0;
        NonTrainableCount = checked((int)all.Where(p => !p.Trainable).Sum(p => (long)p.Length));
        // Values: trainable parameters first (the optimizer's span), then the non-trainable state.
        Values = new float[TrainableCount + NonTrainableCount];
        Gradients = new float[TrainableCount];
        int offset = 0;
        foreach (var p in all.Where(p => p.Trainable))
        {
            p.Bind(Values, Gradients, offset);
            offset += p.Length;
        }
        foreach (var p in all.Where(p => !p.Trainable))
        {
            p.Bind(Values, Gradients, offset);
            offset += p.Length;
        }
    }

    public string Name { get; }

    /// <summary>The two buffers every layer's input gradient is written into in turn during a backward pass.</summary>
    public GradientBuffers GradientBuffers { get; }

    public int[] InputShape { get; }

    public int[] OutputShape { get; }

    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Every parameter value: trainable ones in [0, TrainableCount), then the rest.</summary>
    public float[] Values { get; }

    /// <summary>Gradients of the trainable parameters, aligned with the start of <see cref="Values"/>.</summary>
    public float[] Gradients { get; }

    public int TrainableCount { get; }

    public int NonTrainableCount { get; }

    public int ParameterCount => TrainableCount + NonTrainableCount;

    /// <summary>The trainable values (what the optimizer updates).</summary>
    public Span<float> TrainableValues => Values.AsSpan(0, TrainableCount);

    /// <summary>Random stream for Dropout layers; checkpointed by the trainer.</summary>
    public Rng? Random
    {
        get => _random;
        set
        {
            _random = value;
            foreach (var layer in _layers)
            {
                layer.Random = value;
            }
        }
    }

    /// <summary>Told about every layer call (per-layer timing); null (the default) costs nothing.</summary>
    public ILayerObserver? Observer { get; set; }

    /// <summary>Initializes every layer from <paramref name="rng"/> in layer order (Keras initializers).</summary>
    public void Initialize(Rng rng)
    {
        foreach (var layer in _layers)
        {
            layer.Initialize(rng);
        }
    }

    /// <summary>Sets every trainable gradient to zero (call before a step's backward passes).</summary>
    public void ZeroGradients() => VectorMath.Clear(Gradients);

    public Tensor Forward(Tensor input, bool training)
    {
        var x = input;
        var observer = Observer;
        for (int i = 0; i < _layers.Length; i++)
        {
            long begun = observer?.Begin() ?? 0;
            if (i + 1 < _layers.Length && _layers[i].ForwardWithNext(x, training, _layers[i + 1]) is { } fused)
            {
                // Two layers in one pass over the data (a BatchNormalization and the LeakyReLU after it): the second's time is nil.
                x = fused;
                observer?.EndForward(i, _layers[i], x.Batch, begun);
                i++;
                begun = observer?.Begin() ?? 0;
            }
            else
            {
                x = _layers[i].Forward(x, training);
            }
            observer?.EndForward(i, _layers[i], x.Batch, begun);
        }
        return x;
    }

    /// <summary>
    /// Backward through every layer in reverse. Parameter gradients are added when asked; the input
    /// gradient is computed only if asked (the first layer skips it otherwise).
    /// </summary>
    public Tensor? Backward(Tensor dOutput, GradientNeeds needs) => Backward(dOutput, needs, default);

    /// <summary>
    /// <see cref="Backward(Tensor, GradientNeeds)"/> with sample i's share of every parameter gradient multiplied by
    /// sampleWeights[i] (empty: all 1); the input gradient is not weighted. Needs layers whose samples are independent.
    /// </summary>
    public Tensor? Backward(Tensor dOutput, GradientNeeds needs, ReadOnlySpan<float> sampleWeights)
    {
        Tensor? d = dOutput;
        var observer = Observer;
        int batch = dOutput.Batch;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var layerNeeds = LayerNeeds(i, needs);
            long begun = observer?.Begin() ?? 0;
            if (i > 0 && TryBackwardPair(i, d!, needs, sampleWeights, out var fused))
            {
                // Two layers in one pass (a BatchNormalization and the LeakyReLU after it, a LeakyReLU and the dropout after
                // it): the pass's time goes to the earlier layer, which ran it; the later one's is nil.
                observer?.EndBackward(i - 1, _layers[i - 1], batch, LayerNeeds(i - 1, needs), begun);
                observer?.EndBackward(i, _layers[i], batch, layerNeeds, observer.Begin());
                d = fused;
                i--;
                continue;
            }
            d = _layers[i].Backward(d!, layerNeeds, sampleWeights);
            observer?.EndBackward(i, _layers[i], batch, layerNeeds, begun);
            if (d is null && i > 0)
            {
                throw new InvalidOperationException($"{_layers[i].Name} returned no input gradient");
            }
        }
        return (needs & GradientNeeds.Input) != 0 ? d : null;
    }

    /// <summary>What layer i's backward produces: the parameters' gradients when asked, its input gradient unless it is the first layer and that is not asked.</summary>
    private static GradientNeeds LayerNeeds(int i, GradientNeeds needs)
        => (needs & GradientNeeds.Parameters) | (i > 0 ? GradientNeeds.Input : needs & GradientNeeds.Input);

    /// <summary>
    /// Layers i - 1 and i backward in one pass (<see cref="Layer.TryBackwardWithNext"/>), giving layer i - 1's input
    /// gradient; false where they cannot, or where the pass would have to weight parameter gradients per sample (the pair's
    /// layers then run one by one, through the weighting).
    /// </summary>
    private bool TryBackwardPair(int i, Tensor dOutput, GradientNeeds needs, ReadOnlySpan<float> sampleWeights, out Tensor? dInput)
    {
        var first = _layers[i - 1];
        var second = _layers[i];
        dInput = null;
        return (sampleWeights.IsEmpty || !first.HasTrainableParameters && !second.HasTrainableParameters)
            && first.TryBackwardWithNext(dOutput, LayerNeeds(i - 1, needs), second, out dInput);
    }

    /// <summary>Every parameter with its qualified name, e.g. ("dense", "kernel").</summary>
    public IEnumerable<(Layer Layer, Parameter Parameter)> NamedParameters()
        => _layers.SelectMany(l => l.Parameters.Select(p => (l, p)));
}
