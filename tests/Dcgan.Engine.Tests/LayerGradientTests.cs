// Finite-difference gradient checks for every layer kind, including awkward geometries.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine.Layers;
using Dcgan.Kernels;

public class LayerGradientTests
{
    // Inputs bounded away from 0 so the finite difference never straddles a ReLU kink.
    private static float AwayFromZero(Rng rng)
    {
        float v = 0.1f + 0.9f * rng.NextFloat();
        return rng.NextFloat() < 0.5f ? -v : v;
    }

    [Theory]
    [InlineData(7, 7, 3, 2)]
    [InlineData(5, 6, 17, 3)]   // partial tiles, a partial block of 16 channels
    [InlineData(9, 4, 2, 18)]
    public void Conv2DTransposeWinograd(int h, int w, int c, int filters)
        => GradientCheck.Check(new Conv2DTranspose(filters, 5, 1, "same", algorithm: ConvAlgorithm.Winograd), [h, w, c]);

    [Theory]
    [InlineData(4, 4, 3, 2)]
    [InlineData(3, 5, 2, 17)]   // partial tiles, a partial block of 16 phase channels
    public void Conv2DTransposeStride2Winograd(int h, int w, int c, int filters)
        => GradientCheck.Check(new Conv2DTranspose(filters, 5, 2, "same", algorithm: ConvAlgorithm.Winograd), [h, w, c]);

    [Theory]
    [InlineData(8, 8, 2, 3)]
    [InlineData(6, 10, 5, 17)]
    public void Conv2DStride2Winograd(int h, int w, int c, int filters)
        => GradientCheck.Check(new Conv2D(filters, 5, 2, "same", algorithm: ConvAlgorithm.Winograd), [h, w, c]);

    [Fact]
    public void DenseWithBias() => GradientCheck.Check(new Dense(4), [5], batch: 3);

    [Fact]
    public void DenseWithoutBias() => GradientCheck.Check(new Dense(3, useBias: false), [6], batch: 2);

    [Theory]
    [InlineData(8, 8, 2, 3, 5, 2, "same")]
    [InlineData(9, 7, 2, 3, 5, 2, "same")]
    [InlineData(6, 5, 3, 4, 3, 1, "same")]
    [InlineData(7, 7, 2, 3, 3, 2, "valid")]
    [InlineData(5, 6, 1, 2, 4, 3, "same")]
    public void Conv2DGeometries(int h, int w, int c, int filters, int k, int s, string padding)
        => GradientCheck.Check(new Conv2D(filters, k, s, padding), [h, w, c]);

    [Theory]
    [InlineData(4, 4, 3, 2, 5, 2, "same")]
    [InlineData(7, 7, 3, 2, 5, 1, "same")]
    [InlineData(5, 5, 2, 3, 4, 2, "same")]
    [InlineData(4, 3, 2, 3, 3, 2, "valid")]
    [InlineData(3, 3, 2, 2, 2, 3, "valid")]
    public void Conv2DTransposeGeometries(int h, int w, int c, int filters, int k, int s, string padding)
        => GradientCheck.Check(new Conv2DTranspose(filters, k, s, padding), [h, w, c]);

    [Fact]
    public void BatchNormTraining2D() => GradientCheck.Check(new BatchNormalization(), [5], batch: 6, step: 1e-2f, tolerance: 3e-2);

    [Fact]
    public void BatchNormTraining4D() => GradientCheck.Check(new BatchNormalization(), [3, 3, 4], batch: 3, step: 1e-2f, tolerance: 3e-2);

    [Fact]
    public void BatchNormInference() => GradientCheck.Check(new BatchNormalization(), [3, 2, 4], batch: 2, training: false);

    [Fact]
    public void LeakyRelu() => GradientCheck.Check(new Activation(ActivationKind.LeakyRelu), [3, 4], input: AwayFromZero);

    [Fact]
    public void Relu() => GradientCheck.Check(new Activation(ActivationKind.Relu), [3, 4], input: AwayFromZero);

    [Fact]
    public void Tanh() => GradientCheck.Check(new Activation(ActivationKind.Tanh), [7]);

    [Fact]
    public void Sigmoid() => GradientCheck.Check(new Activation(ActivationKind.Sigmoid), [7]);

    [Fact]
    public void ReshapeAndFlatten()
    {
        GradientCheck.Check(new Reshape([2, 3, 2]), [12]);
        GradientCheck.Check(Reshape.Flatten(), [2, 3, 2]);
    }

    [Fact]
    public void DropoutInInference() => GradientCheck.Check(new Dropout(0.3f), [10], training: false);
}
