// The one place that picks the models for a set of options: the TensorFlow tutorial's (SeedModels) or the DCGAN paper's
// (DcganModels), and the checks every builder shares (image sizes per architecture, noise size, classes).
namespace Dcgan.Models;

using Dcgan.Engine;

/// <summary>Builds the generator and discriminator of <see cref="ModelOptions.Architecture"/> and validates options for it.</summary>
public static class ModelBuilder
{
    /// <summary>The image sides the tutorial's models take (their generator starts from 7x7 and doubles twice).</summary>
    public static IReadOnlyList<int> TutorialImageSizes { get; } = [28];

    /// <summary>The image sides the DCGAN paper's models take: 4 * 2^L for L = 2..6 up-sampling layers.</summary>
    public static IReadOnlyList<int> DcganImageSizes { get; } = [16, 32, 64, 128, 256];

    /// <summary>The image sides an architecture takes.</summary>
    public static IReadOnlyList<int> ImageSizes(Architecture architecture)
        => architecture == Architecture.Dcgan ? DcganImageSizes : TutorialImageSizes;

    /// <summary>The image side an architecture uses when none is given: 28 (MNIST) for the tutorial, 64 (the paper's) for dcgan.</summary>
    public static int DefaultImageSize(Architecture architecture) => architecture == Architecture.Dcgan ? 64 : 28;

    /// <summary>The generator of <paramref name="options"/>'s architecture (see <see cref="SeedModels"/>, <see cref="DcganModels"/>).</summary>
    public static Sequential Generator(ModelOptions options, LayerNamer? namer = null, ClassLabels? labels = null)
        => options.Architecture == Architecture.Dcgan
            ? DcganModels.Generator(options, namer, labels)
            : SeedModels.Generator(options, namer, labels);

    /// <summary>The discriminator of <paramref name="options"/>'s architecture.</summary>
    public static Sequential Discriminator(ModelOptions options, LayerNamer? namer = null)
        => options.Architecture == Architecture.Dcgan
            ? DcganModels.Discriminator(options, namer)
            : SeedModels.Discriminator(options, namer);

    /// <summary>
    /// Throws a one-line <see cref="ArgumentException"/> when the options do not describe models of their architecture: an
    /// image size it does not take (the message names the sizes of every architecture), no noise, negative classes, a
    /// conditional (or dcgan) discriminator without logits, or dcgan widths below 1.
    /// </summary>
    public static void Validate(ModelOptions options) => Validate(options, options.Architecture);

    /// <summary>As <see cref="Validate(ModelOptions)"/>, for a builder of <paramref name="architecture"/>.</summary>
    internal static void Validate(ModelOptions options, Architecture architecture)
    {
        if (options.Architecture != architecture)
        {
            throw new ArgumentException($"these options describe the {Name(options.Architecture)} architecture, not the {Name(architecture)} one");
        }
        if (!ImageSizes(architecture).Contains(options.ImageSize))
        {
            throw new ArgumentException($"image size {options.ImageSize} does not fit the {Name(architecture)} architecture " +
                $"(tutorial takes {Sizes(Architecture.Tutorial)}; dcgan takes {Sizes(Architecture.Dcgan)})");
        }
        if (options.Channels < 1)
        {
            throw new ArgumentException($"images need at least 1 channel, got {options.Channels}");
        }
        if (options.Classes < 0)
        {
            throw new ArgumentException("classes must not be negative");
        }
        if (options.Conditional && options.DiscriminatorOutput == DiscriminatorOutput.Sigmoid)
        {
            throw new ArgumentException("a conditional discriminator ends in logits (its class head needs them); drop --d-output sigmoid");
        }
        if (options.NoiseDim < 1)
        {
            throw new ArgumentException("noise size must be at least 1");
        }
        if (architecture == Architecture.Dcgan && options.DiscriminatorOutput == DiscriminatorOutput.Sigmoid)
        {
            throw new ArgumentException("the dcgan architecture's discriminator ends in logits (trained with BCE from logits); drop --d-output sigmoid");
        }
        if (architecture == Architecture.Dcgan && (options.GeneratorFeatures < 1 || options.DiscriminatorFeatures < 1))
        {
            throw new ArgumentException($"the dcgan architecture's widths must be at least 1, got g-width {options.GeneratorFeatures} and d-width {options.DiscriminatorFeatures}");
        }
    }

    /// <summary>The architecture's name as --arch spells it.</summary>
    public static string Name(Architecture architecture) => architecture == Architecture.Dcgan ? "dcgan" : "tutorial";

    private static string Sizes(Architecture architecture)
    {
        var sizes = ImageSizes(architecture);
        return sizes.Count == 1 ? $"{sizes[0]}" : $"{string.Join(", ", sizes.Take(sizes.Count - 1))} or {sizes[^1]}";
    }
}
