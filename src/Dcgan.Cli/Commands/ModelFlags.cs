// The architecture flags shared by train, summary and bench: which models (the tutorial's or the DCGAN paper's), image
// size and channels, widths, noise size and the tutorial model's variants.
namespace Dcgan.Cli.Commands;

using Dcgan.Engine.Layers;
using Dcgan.Models;

/// <summary>
/// Declares and reads --arch, --image-size, --channels, --g-width, --d-width, --noise-dim, --g-activation, --d-output,
/// --bn-variance, --conditional, --cond-scheme, --conv-algorithm.
/// </summary>
public static class ModelFlags
{
    /// <summary>Flags that only change the tutorial's models (the DCGAN paper's fix ReLU in G and PyTorch's BatchNorm).</summary>
    private static readonly string[] TutorialOnly = ["g-activation", "bn-variance"];

    /// <summary>Flags that only change the DCGAN paper's models.</summary>
    private static readonly string[] DcganOnly = ["g-width", "d-width"];

    public static OptionSet Add(OptionSet options) => options
        .Choice("arch", "tutorial",
            "Models: tutorial (the TensorFlow tutorial's, 28x28) or dcgan (the DCGAN paper's, as pytorch/examples builds them)",
            [.. Training.TrainConfig.Architectures])
        .Int("image-size", null,
            $"Image side: {Sizes(Architecture.Tutorial)} for --arch tutorial, {Sizes(Architecture.Dcgan)} for dcgan " +
            $"[default: {ModelBuilder.DefaultImageSize(Architecture.Tutorial)}, or {ModelBuilder.DefaultImageSize(Architecture.Dcgan)} with dcgan]", Training.TrainLimits.ImageSize)
        .Choice("channels", "1", "Image channels: 1 (grayscale) or 3 (RGB)", "1", "3")
        .Int("g-width", 64, "dcgan: feature maps of G's last hidden layer (ngf), doubled per layer toward the noise", Training.TrainLimits.Width)
        .Int("d-width", 64, "dcgan: feature maps of D's first layer (ndf), doubled per layer down", Training.TrainLimits.Width)
        .Int("noise-dim", 100, "Size of the generator's noise vector", Training.TrainLimits.NoiseDim)
        .Choice("g-activation", "leaky-relu", "Tutorial: generator hidden activation", [.. Training.TrainConfig.GeneratorActivations])
        .Choice("d-output", "logits", "Discriminator output: a logit (BCE from logits) or, tutorial only, a sigmoid probability", [.. Training.TrainConfig.DiscriminatorOutputs])
        .Choice("bn-variance", "keras2", "Tutorial: moving-variance update: keras2 (unbiased for conv layers) or keras3 (biased)", [.. Training.TrainConfig.BatchNormVariances])
        .Flag("conditional", "Class-conditional DCGAN: the label enters G with the noise; D judges it per --cond-scheme")
        .Choice("cond-scheme", Training.TrainConfig.DefaultCondScheme,
            "Conditional: how D uses the class: acgan (a class head, Odena et al. 2017), projection (Miyato and Koyama 2018) or both; -cbn: class-conditional BatchNorm in G",
            [.. Training.TrainConfig.CondSchemes])
        .Choice("conv-algorithm", Training.TrainConfig.DefaultConvAlgorithm,
            "Convolution arithmetic: winograd (the tutorial's wide 5x5 layers with 3-5x fewer multiplies) or direct (im2col + GEMM, as TensorFlow)",
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

    /// <summary>The architecture flags as model options, checked against the architecture (one-line errors).</summary>
    public static ModelOptions Read(OptionSet o)
    {
        var architecture = Training.TrainConfig.ArchitectureOf(o.GetText("arch")!);
        var options = new ModelOptions
        {
            Architecture = architecture,
            ImageSize = o.GetIntOrNull("image-size") ?? ModelBuilder.DefaultImageSize(architecture),
            Channels = o.GetInt("channels"),
            GeneratorFeatures = o.GetInt("g-width"),
            DiscriminatorFeatures = o.GetInt("d-width"),
            NoiseDim = o.GetInt("noise-dim"),
            GeneratorActivation = o.GetText("g-activation") == "relu" ? GeneratorActivation.Relu : GeneratorActivation.LeakyRelu,
            DiscriminatorOutput = o.GetText("d-output") == "sigmoid" ? DiscriminatorOutput.Sigmoid : DiscriminatorOutput.Logits,
            MovingVarianceRule = o.GetText("bn-variance") == "keras3" ? MovingVarianceRule.Keras3 : MovingVarianceRule.Keras2,
            Classes = o.GetFlag("conditional") ? new Training.TrainConfig().ClassCount : 0,
            Scheme = Training.TrainConfig.SchemeOf(o.GetText("cond-scheme")!).Scheme,
            ClassNormInGenerator = o.GetFlag("conditional") && Training.TrainConfig.SchemeOf(o.GetText("cond-scheme")!).ClassNorm,
            ConvAlgorithm = Training.TrainConfig.ConvAlgorithmOf(o.GetText("conv-algorithm")!),
        };
        Check(o, options);
        return options;
    }

    /// <summary>
    /// One-line errors for flags the options' architecture does not use, and for options the models refuse (sizes per
    /// architecture and the like).
    /// </summary>
    public static void Check(OptionSet o, ModelOptions options)
    {
        RejectUnlessConditional(o, o.GetFlag("conditional"), "cond-scheme");
        bool paper = options.Architecture == Architecture.Dcgan;
        foreach (string flag in paper ? TutorialOnly : DcganOnly)
        {
            if (o.Has(flag))
            {
                throw new UserError($"--{flag} only applies with --arch {(paper ? "tutorial" : "dcgan")}");
            }
        }
        try
        {
            ModelBuilder.Validate(options);
        }
        catch (ArgumentException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static string Sizes(Architecture architecture) => string.Join(", ", ModelBuilder.ImageSizes(architecture));
}
