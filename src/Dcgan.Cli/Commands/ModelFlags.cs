// The architecture flags shared by train, summary and bench: noise size and the seeds' variants.
namespace Dcgan.Cli.Commands;

using Dcgan.Engine.Layers;
using Dcgan.Models;

/// <summary>Declares and reads --noise-dim, --g-activation, --d-output, --bn-variance, --conditional, --cond-scheme, --conv-algorithm.</summary>
public static class ModelFlags
{
    public static OptionSet Add(OptionSet options) => options
        .Int("noise-dim", 100, "Size of the generator's noise vector", Training.TrainLimits.NoiseDim)
        .Choice("g-activation", "leaky-relu", "Generator hidden activation", [.. Training.TrainConfig.GeneratorActivations])
        .Choice("d-output", "logits", "Discriminator output: a logit (BCE from logits) or a sigmoid probability", [.. Training.TrainConfig.DiscriminatorOutputs])
        .Choice("bn-variance", "keras2", "Moving-variance update: keras2 (unbiased for conv layers) or keras3 (biased)", [.. Training.TrainConfig.BatchNormVariances])
        .Flag("conditional", "Class-conditional DCGAN: the label enters G with the noise; D judges it per --cond-scheme")
        .Choice("cond-scheme", Training.TrainConfig.DefaultCondScheme,
            "Conditional: how D uses the class: acgan (a class head, Odena et al. 2017), projection (Miyato and Koyama 2018) or both; -cbn: class-conditional BatchNorm in G",
            [.. Training.TrainConfig.CondSchemes])
        .Choice("conv-algorithm", Training.TrainConfig.DefaultConvAlgorithm,
            "Convolution arithmetic: winograd (the wide 5x5 layers with 2-4x fewer multiplies) or direct (im2col + GEMM, as TensorFlow)",
            [.. Training.TrainConfig.ConvAlgorithms]);

    /// <summary>A one-line error when one of <paramref name="flags"/> was given for a model that is not conditional.</summary>
    public static void RejectUnlessConditional(OptionSet o, bool conditional, params string[] flags)
    {
        foreach (string flag in flags)
        {
            if (!conditional && o.Has(flag))
            {
                throw new UserError($"--{flag} only applies with --conditional");
            }
        }
    }

    public static ModelOptions Read(OptionSet o)
    {
        RejectUnlessConditional(o, o.GetFlag("conditional"), "cond-scheme");
        return new()
        {
            NoiseDim = o.GetInt("noise-dim"),
            GeneratorActivation = o.GetText("g-activation") == "relu" ? GeneratorActivation.Relu : GeneratorActivation.LeakyRelu,
            DiscriminatorOutput = o.GetText("d-output") == "sigmoid" ? DiscriminatorOutput.Sigmoid : DiscriminatorOutput.Logits,
            MovingVarianceRule = o.GetText("bn-variance") == "keras3" ? MovingVarianceRule.Keras3 : MovingVarianceRule.Keras2,
            Classes = o.GetFlag("conditional") ? new Training.TrainConfig().ClassCount : 0,
            Scheme = Training.TrainConfig.SchemeOf(o.GetText("cond-scheme")!).Scheme,
            ClassNormInGenerator = o.GetFlag("conditional") && Training.TrainConfig.SchemeOf(o.GetText("cond-scheme")!).ClassNorm,
            ConvAlgorithm = Training.TrainConfig.ConvAlgorithmOf(o.GetText("conv-algorithm")!),
        };
    }
}
