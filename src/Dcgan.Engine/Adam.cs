// The Adam optimizer over a model's flat trainable buffer, with Keras defaults (epsilon 1e-7) and its
// update rule; the step counter and both moment buffers are part of its savable state.
namespace Dcgan.Engine;

using Dcgan.Kernels;

/// <summary>Keras Adam: lr, beta1, beta2, epsilon; iterations counts the steps taken.</summary>
public sealed class Adam
{
    public Adam(int parameterCount, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
    {
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        M = new float[parameterCount];
        V = new float[parameterCount];
    }

    public double LearningRate { get; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    /// <summary>Steps taken so far (Keras's optimizer.iterations).</summary>
    public long Iterations { get; set; }

    /// <summary>First moments.</summary>
    public float[] M { get; }

    /// <summary>Second moments.</summary>
    public float[] V { get; }

    /// <summary>One update of every value from its gradient.</summary>
    public void Step(Span<float> values, ReadOnlySpan<float> gradients)
    {
        AdamKernel.Step(values, gradients, M, V, Iterations, LearningRate, Beta1, Beta2, Epsilon);
        Iterations++;
    }

    /// <summary>Updates a model's trainable parameters from its gradients.</summary>
    public void Step(Sequential model) => Step(model.TrainableValues, model.Gradients);
}
