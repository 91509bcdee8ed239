// Keras BatchNormalization on the last axis: batch statistics (biased variance) in training, moving
// statistics in inference; momentum 0.99, epsilon 1e-3. The moving variance update follows Keras 2
// by default (unbiased batch variance for 4-D inputs, as TF's fused kernel does) or Keras 3 (biased).
// PyTorch's BatchNorm2d (momentum 0.1, eps 1e-5, unbiased moving variance) is the same layer with other constants.
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>How the moving variance is updated from a training batch.</summary>
public enum MovingVarianceRule
{
    /// <summary>tf.keras up to TF 2.15: unbiased batch variance (x n/(n-1)) for 4-D inputs, biased for 2-D.</summary>
    Keras2,

    /// <summary>Keras 3: the biased batch variance everywhere.</summary>
    Keras3,

    /// <summary>PyTorch's BatchNorm1d/2d: the unbiased batch variance (x n/(n-1)) for every input rank.</summary>
    Unbiased,
}

/// <summary>
/// Batch normalization with gamma, beta (trainable) and moving mean/variance (not trainable). Momentum is Keras's: the
/// fraction of the moving statistics kept at each training step (moving = momentum * moving + (1 - momentum) * batch).
/// </summary>
public sealed class BatchNormalization : Layer
{
    private readonly float _momentum;
    private readonly float _epsilon;
    private readonly MovingVarianceRule _rule;
    private readonly Initializer _gammaInitializer;
    private Parameter _gamma = null!, _beta = null!, _movingMean = null!, _movingVariance = null!;
    private int _c;
    private float[] _mean = [], _variance = [], _invStd = [], _scratch = [], _sumDy = [], _sumDyXhat = [];
    private bool _lastTraining;
    // The activation the last forward ran in its pass (ForwardWithNext), else null.
    private Activation? _activation;
    private int _batch;
    private Tensor? _xhat;
    private Tensor? _inferenceInput;
    private Tensor? _output;

    /// <param name="gammaInitializer">How gamma starts (Keras: 1); beta starts at 0, the moving statistics at 0 and 1.</param>
    public BatchNormalization(float momentum = 0.99f, float epsilon = 1e-3f, MovingVarianceRule rule = MovingVarianceRule.Keras2, string? name = null,
        Initializer? gammaInitializer = null)
        : base(name)
    {
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum (the fraction kept) must be in [0, 1), got {momentum}");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        _momentum = momentum;
        _epsilon = epsilon;
        _rule = rule;
        _gammaInitializer = gammaInitializer ?? Initializer.Constant(1);
    }

    /// <summary>
    /// PyTorch's BatchNorm2d in training as the DCGAN paper's models use it: momentum 0.1 in PyTorch's sense (moving =
    /// 0.9 * moving + 0.1 * batch, Keras momentum 0.9), eps 1e-5, the unbiased batch variance into the moving variance.
    /// </summary>
    public static BatchNormalization PyTorch(Initializer? gammaInitializer = null, string? name = null)
        => new(PyTorchMomentum, PyTorchEpsilon, MovingVarianceRule.Unbiased, name, gammaInitializer);

    /// <summary>PyTorch's default momentum 0.1 as the fraction kept.</summary>
    public const float PyTorchMomentum = 0.9f;

    /// <summary>PyTorch's default eps.</summary>
    public const float PyTorchEpsilon = 1e-5f;

    public float Momentum => _momentum;

    public float Epsilon => _epsilon;

    public MovingVarianceRule Rule => _rule;

    public override string ClassName => "BatchNormalization";

    public override string NameStem => "batch_normalization";

    protected override int[] OnBuild(int[] inputShape)
    {
        _c = inputShape[^1];
        _gamma = AddParameter("gamma", [_c], trainable: true);
        _beta = AddParameter("beta", [_c], trainable: true);
        _movingMean = AddParameter("moving_mean", [_c], trainable: false);
        _movingVariance = AddParameter("moving_variance", [_c], trainable: false);
        _mean = new float[_c];
        _variance = new float[_c];
        _invStd = new float[_c];
        _sumDy = new float[_c];
        _sumDyXhat = new float[_c];
        _scratch = new float[BatchNormKernels.ScratchFloats(_c)];
        return inputShape;
    }

    public override void Initialize(Rng rng)
    {
        _gammaInitializer.Fill(_gamma.Value, _gamma.Shape, rng);
        _beta.Value.Clear();
        _movingMean.Value.Clear();
        _movingVariance.Value.Fill(1f);
    }

    public override Tensor Forward(Tensor input, bool training) => Forward(input, training, null);

    /// <summary>
    /// With a LeakyReLU or ReLU next (<see cref="Activation.FusesIntoBatchNorm"/>), the normalized output goes through it in
    /// the same pass, written into the activation's output: this layer's own output is not written and read back.
    /// </summary>
    internal override Tensor? ForwardWithNext(Tensor input, bool training, Layer next)
        => next is Activation { FusesIntoBatchNorm: true } activation ? Forward(input, training, activation) : null;

    private Tensor Forward(Tensor input, bool training, Activation? activation)
    {
        CheckInput(input);
        int n = input.Batch;
        _batch = n;
        _lastTraining = training;
        _activation = activation;
        int rows = input.Length / _c;
        var y = activation is null ? Reuse(ref _output, n, OutputShape) : activation.TakeFusedOutput(n);
        float? slope = activation?.Slope;
        if (!training)
        {
            _inferenceInput = input;
            // _mean/_variance double as the folded scale/shift here.
            BatchNormKernels.ForwardInference(rows, _c, input.Span, _gamma.Value, _beta.Value, _movingMean.Value, _movingVariance.Value,
                _epsilon, _mean, _variance, y.Span, slope);
            return y;
        }
        var xhat = Reuse(ref _xhat, n, OutputShape);
        BatchNormKernels.ForwardTraining(rows, _c, input.Span, _gamma.Value, _beta.Value, _epsilon, _mean, _variance, _invStd, xhat.Span, y.Span, _scratch, slope);
        UpdateMovingStatistics(rows, InputShape.Length == 3);
        return y;
    }

    private void UpdateMovingStatistics(int rows, bool fourD)
    {
        bool unbiased = _rule == MovingVarianceRule.Unbiased || (_rule == MovingVarianceRule.Keras2 && fourD);
        float correction = unbiased && rows > 1 ? rows / (rows - 1f) : 1f;
        var mm = _movingMean.Value;
        var mv = _movingVariance.Value;
        float keep = _momentum, take = 1f - _momentum;
        for (int j = 0; j < _c; j++)
        {
            mm[j] = mm[j] * keep + _mean[j] * take;
            mv[j] = mv[j] * keep + _variance[j] * correction * take;
        }
    }

    /// <summary>In training the batch statistics tie every sample's output to the whole batch.</summary>
    public override bool SamplesAreIndependent => false;

    public override Tensor? Backward(Tensor dOutput, GradientNeeds needs)
    {
        if (_batch == 0)
        {
            throw new InvalidOperationException("backward before forward");
        }
        int n = _batch;
        int rows = dOutput.Length / _c;
        if (!_lastTraining)
        {
            // Inference mode is an affine map y = x * scale + shift (scale kept in _mean by the forward).
            var x = _inferenceInput!.Span;
            var dyAll = dOutput.Span;
            if ((needs & GradientNeeds.Parameters) != 0)
            {
                var mm = _movingMean.Value;
                var mv = _movingVariance.Value;
                var dg = _gamma.Grad;
                var db = _beta.Grad;
                for (int j = 0; j < _c; j++)
                {
                    float inv = 1f / MathF.Sqrt(mv[j] + _epsilon);
                    double sg = 0, sb = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        float g = dyAll[r * _c + j];
                        sg += g * (x[r * _c + j] - mm[j]) * inv;
                        sb += g;
                    }
                    dg[j] += (float)sg;
                    db[j] += (float)sb;
                }
            }
            if ((needs & GradientNeeds.Input) == 0)
            {
                return null;
            }
            var dxi = InputGradient(dOutput, n);
            for (int r = 0; r < rows; r++)
            {
                VectorMath.Multiply(dyAll.Slice(r * _c, _c), _mean, dxi.Span.Slice(r * _c, _c));
            }
            return dxi;
        }
        return BackwardTraining(dOutput, needs, null);
    }

    /// <summary>
    /// After a training forward that ran the LeakyReLU after this layer (<see cref="ForwardWithNext"/>), that LeakyReLU's
    /// backward goes into this layer's two passes over the gradient: the gradient at this layer's output is never written.
    /// </summary>
    internal override bool TryBackwardWithNext(Tensor dOutput, GradientNeeds needs, Layer next, out Tensor? dInput)
    {
        dInput = null;
        if (!_lastTraining || _activation is null || !ReferenceEquals(next, _activation))
        {
            return false;
        }
        dInput = BackwardTraining(dOutput, needs, _activation);
        return true;
    }

    /// <summary>The training backward from this layer's output gradient, or from the gradient of the activation it ran.</summary>
    private Tensor? BackwardTraining(Tensor dOutput, GradientNeeds needs, Activation? activation)
    {
        int rows = dOutput.Length / _c;
        bool parameters = (needs & GradientNeeds.Parameters) != 0;
        Span<float> dgamma = parameters ? _gamma.Grad : default, dbeta = parameters ? _beta.Grad : default;
        Tensor? dx = (needs & GradientNeeds.Input) != 0 ? InputGradient(dOutput, _batch) : null;
        BatchNormKernels.BackwardTraining(rows, _c, _xhat!.Span, dOutput.Span, _gamma.Value, _invStd, dgamma, dbeta,
            dx is null ? Span<float>.Empty : dx.Span, _scratch, _sumDy, _sumDyXhat, _beta.Value, activation?.Slope);
        return dx;
    }
}
