// Plain arithmetic operators for the element-wise driver (ElementWise.cs), named as System.Numerics.Tensors' are:
// MultiplyAdd rounds the product and the sum, FusedMultiplyAdd rounds once.
namespace Dcgan.Kernels;

using System.Runtime.Intrinsics;

/// <summary>x + y.</summary>
internal readonly struct AddOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x + y;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + y;

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + y;
}

/// <summary>x - y.</summary>
internal readonly struct SubtractOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x - y;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x - y;

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x - y;
}

/// <summary>x * y.</summary>
internal readonly struct MultiplyOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x * y;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x * y;

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x * y;
}

/// <summary>x itself (no activation after a layer that can apply one).</summary>
internal readonly struct IdentityOperator : IUnaryOperator
{
    public float Invoke(float x) => x;

    public Vector256<float> Invoke(Vector256<float> x) => x;

    public Vector512<float> Invoke(Vector512<float> x) => x;
}

/// <summary>x * factor.</summary>
internal readonly struct ScaleOperator(float factor) : IUnaryOperator
{
    public float Invoke(float x) => x * factor;

    public Vector256<float> Invoke(Vector256<float> x) => x * factor;

    public Vector512<float> Invoke(Vector512<float> x) => x * factor;
}

/// <summary>(x * y) + z, the product rounded before the sum.</summary>
internal readonly struct MultiplyAddOperator : ITernaryOperator
{
    public float Invoke(float x, float y, float z) => x * y + z;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => x * y + z;

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) => x * y + z;
}

/// <summary>x * y + z rounded once.</summary>
internal readonly struct FusedMultiplyAddOperator : ITernaryOperator
{
    public float Invoke(float x, float y, float z) => MathF.FusedMultiplyAdd(x, y, z);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => Vector256.FusedMultiplyAdd(x, y, z);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) => Vector512.FusedMultiplyAdd(x, y, z);
}
