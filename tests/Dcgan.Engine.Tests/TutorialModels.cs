// The tutorial's generator and discriminator built layer for layer from the engine (Dcgan.Gan's SeedModels
// builds the same stacks); shared by the golden-model and allocation tests.
namespace Dcgan.Engine.Tests;

using Dcgan.Engine;
using Dcgan.Engine.Layers;

public static class TutorialModels
{
    public static Sequential Generator(ConvAlgorithm algorithm = ConvAlgorithm.Direct) => new("generator", [100],
    [
        new Dense(12544, useBias: false), new BatchNormalization(), new Activation(ActivationKind.LeakyRelu), new Reshape([7, 7, 256]),
        new Conv2DTranspose(128, 5, 1, "same", useBias: false, algorithm: algorithm), new BatchNormalization(), new Activation(ActivationKind.LeakyRelu),
        new Conv2DTranspose(64, 5, 2, "same", useBias: false, algorithm: algorithm), new BatchNormalization(), new Activation(ActivationKind.LeakyRelu),
        new Conv2DTranspose(1, 5, 2, "same", useBias: false), new Activation(ActivationKind.Tanh),
    ]);

    public static Sequential Discriminator(ConvAlgorithm algorithm = ConvAlgorithm.Direct) => new("discriminator", [28, 28, 1],
    [
        new Conv2D(64, 5, 2, "same"), new Activation(ActivationKind.LeakyRelu), new Dropout(0.3f),
        new Conv2D(128, 5, 2, "same", algorithm: algorithm), new Activation(ActivationKind.LeakyRelu), new Dropout(0.3f),
        Reshape.Flatten(), new Dense(1),
    ]);
}
