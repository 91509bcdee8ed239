// The operator shapes the element-wise driver (ElementWise.cs) runs, after System.Numerics.Tensors' TensorPrimitives:
// each operation is a small readonly struct with one body per width, and the driver owns every loop.
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>
/// An operation of one float. Its scalar, Vector256 and Vector512 bodies must compute the same IEEE operations in the
/// same order (fused where one is fused), so every element gets the same bits whichever body the driver picks.
/// </summary>
internal interface IUnaryOperator
{
    /// <summary>False for an operation that has only its scalar body (the vector bodies are then never called).</summary>
    static virtual bool Vectorizable => true;

    float Invoke(float x);

    Vector256<float> Invoke(Vector256<float> x);

    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>An operation of two floats, with bodies as <see cref="IUnaryOperator"/>'s.</summary>
internal interface IBinaryOperator
{
    float Invoke(float x, float y);

    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>An operation of three floats, with bodies as <see cref="IUnaryOperator"/>'s.</summary>
internal interface ITernaryOperator
{
    float Invoke(float x, float y, float z);

    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z);

    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z);
}

/// <summary>
/// An operation on several arrays at once (more than one output, or more than three inputs), which a chain of
/// single-output operators would stream through memory more than once. It holds the arrays' addresses and loads and
/// stores its own elements; the driver still picks the width, runs the loop and takes the remainder. Invoke(i) does
/// element i, Invoke256(i) elements i .. i + 7 and Invoke512(i) elements i .. i + 15, with the same IEEE operations.
/// The driver passes offsets from 0, so a vector body's offset is a multiple of its lane count.
/// </summary>
internal interface IMultiArrayOperator
{
    void Invoke(int i);

    void Invoke256(int i);

    void Invoke512(int i);
}
