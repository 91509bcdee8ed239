// One Adam step over a flat parameter buffer, exactly as Keras: bias correction folded into the step
// size, epsilon added to the uncorrected sqrt(v). One multi-array operator of the element-wise driver (ElementWise.cs).
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>The Adam update kernel (Kingma and Ba 2015, in Keras's form).</summary>
public static unsafe class AdamKernel
{
    /// <summary>
    /// Hyperparameters are doubles so 1 - beta is exact before rounding to float32.
    /// With t = step + 1 and alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t), effectively for each i:
    /// m += (g - m)(1 - beta1); v += (g*g - v)(1 - beta2); theta -= alpha * m / (sqrt(v) + epsilon).
    /// </summary>
    public static void Step(Span<float> theta, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        long step, double learningRate, double beta1, double beta2, double epsilon)
    {
        int n = theta.Length;
        if (grad.Length != n || m.Length != n || v.Length != n)
        {
            throw new ArgumentException("adam: buffers differ in length");
        }
        double t = step + 1;
        float alpha = (float)(learningRate * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t)));
        fixed (float* pt = theta, pg = grad, pm = m, pv = v)
        {
            var update = new UpdateOperator
            {
                Theta = pt,
                Grad = pg,
                M = pm,
                V = pv,
                OneMinusBeta1 = (float)(1 - beta1),
                OneMinusBeta2 = (float)(1 - beta2),
                Alpha = alpha,
                Epsilon = (float)epsilon,
            };
            ElementWise.MultiArray(update, n);
        }
    }

    /// <summary>
    /// Element i of (theta, g, m, v): m += (g - m) * (1 - beta1); v += (g * g - v) * (1 - beta2);
    /// theta -= alpha * m / (sqrt(v) + epsilon). One pass keeps the four arrays streaming together.
    /// </summary>
    internal struct UpdateOperator : IMultiArrayOperator
    {
        public float* Theta, Grad, M, V;
        public float OneMinusBeta1, OneMinusBeta2, Alpha, Epsilon;

        public readonly void Invoke(int i)
        {
            float g = Grad[i];
            float m = M[i] + (g - M[i]) * OneMinusBeta1;
            float v = V[i] + (g * g - V[i]) * OneMinusBeta2;
            M[i] = m;
            V[i] = v;
            Theta[i] -= Alpha * m / (MathF.Sqrt(v) + Epsilon);
        }

        public readonly void Invoke256(int i)
        {
            var g = Vector256.Load(Grad + i);
            var m = Vector256.Load(M + i);
            var v = Vector256.Load(V + i);
            m += (g - m) * OneMinusBeta1;
            v += (g * g - v) * OneMinusBeta2;
            m.Store(M + i);
            v.Store(V + i);
            (Vector256.Load(Theta + i) - Alpha * m / (Vector256.Sqrt(v) + Vector256.Create(Epsilon))).Store(Theta + i);
        }

        public readonly void Invoke512(int i)
        {
            var g = Vector512.Load(Grad + i);
            var m = Vector512.Load(M + i);
            var v = Vector512.Load(V + i);
            m += (g - m) * OneMinusBeta1;
            v += (g * g - v) * OneMinusBeta2;
            m.Store(M + i);
            v.Store(V + i);
            (Vector512.Load(Theta + i) - Alpha * m / (Vector512.Sqrt(v) + Vector512.Create(Epsilon))).Store(Theta + i);
        }
    }
}
