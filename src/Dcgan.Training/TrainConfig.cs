// Every setting of a training run (the tutorial's recipe by default), saved as config.json and
// inside every checkpoint, so a run can be resumed, compared and reproduced.
namespace Dcgan.Training;

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dcgan.Engine.Layers;
using Dcgan.Models;

/// <summary>The settings of one run; JSON names are the CLI's flag names.</summary>
public sealed record TrainConfig : IJsonOnDeserializing
{
    /// <summary>The conditional scheme of new runs (<c>--cond-scheme</c>'s default).</summary>
    public const string DefaultCondScheme = "acgan";

    /// <summary>The conditional scheme names, as <c>--cond-scheme</c> takes them.</summary>
    public static readonly IReadOnlyList<string> CondSchemes = ["acgan", "projection", "projection-ac", "projection-cbn", "projection-ac-cbn"];

    private string _condScheme = DefaultCondScheme;
    private string _convAlgorithm = DefaultConvAlgorithm;
    private double _classLossWeight = ConditionalClassWeight;
    private string _recipe = DefaultRecipe;

    /// <summary>The recipe of new runs (<c>--recipe</c>'s default): the one the models come from.</summary>
    public const string DefaultRecipe = "tutorial";

    /// <summary>The <c>--recipe</c> names.</summary>
    public static readonly IReadOnlyList<string> Recipes = ["tutorial", "fast"];

    /// <summary>The convolution arithmetic of new runs (<c>--conv-algorithm</c>'s default).</summary>
    public const string DefaultConvAlgorithm = "winograd";

    /// <summary>The <c>--conv-algorithm</c> names.</summary>
    public static readonly IReadOnlyList<string> ConvAlgorithms = ["winograd", "direct"];

    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "mnist";
    [JsonPropertyName("data-dir")] public string? DataDir { get; init; }
    /// <summary>Which models: "tutorial" (the TensorFlow tutorial's, 28x28) or "dcgan" (the DCGAN paper's family).</summary>
    [JsonPropertyName("arch")] public string Architecture { get; init; } = "tutorial";
    /// <summary>Side of the square images trained on and drawn.</summary>
    [JsonPropertyName("image-size")] public int ImageSize { get; init; } = 28;
    /// <summary>1 (grayscale) or 3 (RGB); 0 before an image folder is loaded means "3 if any image has colour, else 1".</summary>
    [JsonPropertyName("channels")] public int Channels { get; init; } = 1;
    /// <summary>What transparent pixels of an image folder become: "white" or "black".</summary>
    [JsonPropertyName("background")] public string Background { get; init; } = "white";
    /// <summary>The DCGAN paper's models: G's and D's base feature maps (pytorch/examples' ngf and ndf).</summary>
    [JsonPropertyName("g-width")] public int GeneratorWidth { get; init; } = 64;
    [JsonPropertyName("d-width")] public int DiscriminatorWidth { get; init; } = 64;
    /// <summary>Classes of the data set (labels 0 to classes - 1): 10 for MNIST and Fashion-MNIST.</summary>
    [JsonPropertyName("classes")] public int ClassCount { get; init; } = 10;
    /// <summary>The classes' names where the data set has them (an image folder's subfolders), else null.</summary>
    [JsonPropertyName("class-names")] public IReadOnlyList<string>? ClassNames { get; init; }
    /// <summary>
    /// Which recipe filled in the optimizer settings the flags left open (see <see cref="WithDefaultsFor"/>); the resolved
    /// values are saved beside it. Configs written before the key existed load as "tutorial", the only recipe there was.
    /// </summary>
    [JsonPropertyName("recipe")] public string Recipe { get => _recipe; init => _recipe = value; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 50;
    [JsonPropertyName("batch-size")] public int BatchSize { get; init; } = 256;
    [JsonPropertyName("limit")] public int Limit { get; init; }
    [JsonPropertyName("drop-last")] public bool DropLast { get; init; }
    [JsonPropertyName("noise-dim")] public int NoiseDim { get; init; } = 100;
    [JsonPropertyName("noise")] public string Noise { get; init; } = "normal";
    [JsonPropertyName("lr-g")] public double LearningRateG { get; init; } = 1e-4;
    [JsonPropertyName("lr-d")] public double LearningRateD { get; init; } = 1e-4;
    [JsonPropertyName("beta1")] public double Beta1 { get; init; } = 0.9;
    [JsonPropertyName("beta2")] public double Beta2 { get; init; } = 0.999;
    [JsonPropertyName("g-activation")] public string GeneratorActivation { get; init; } = "leaky-relu";
    [JsonPropertyName("d-output")] public string DiscriminatorOutput { get; init; } = "logits";
    [JsonPropertyName("bn-variance")] public string BatchNormVariance { get; init; } = "keras2";
    [JsonPropertyName("conditional")] public bool Conditional { get; init; }
    /// <summary>
    /// How a conditional discriminator uses the class; configs and checkpoints written before the key
    /// existed load as "acgan", the only scheme there was.
    /// </summary>
    [JsonPropertyName("cond-scheme")] public string CondScheme { get => _condScheme; init => _condScheme = value; }
    /// <summary>
    /// The weight of the class loss in a conditional generator's loss; configs and checkpoints written before the key
    /// existed load as 1, the weight they were trained with.
    /// </summary>
    [JsonPropertyName("class-weight")] public double ClassLossWeight { get => _classLossWeight; init => _classLossWeight = value; }
    [JsonPropertyName("g-ema")] public double GeneratorEma { get; init; }
    /// <summary>One-sided label smoothing: D's target for real images is 1 minus this (0: none, as the tutorial).</summary>
    [JsonPropertyName("label-smoothing")] public double LabelSmoothing { get; init; }
    /// <summary>
    /// The convolutions' arithmetic (see <see cref="ModelOptions.ConvAlgorithm"/>); configs and checkpoints written before
    /// the key existed load as "direct", the only arithmetic there was, so they resume bit for bit.
    /// </summary>
    [JsonPropertyName("conv-algorithm")] public string ConvAlgorithm { get => _convAlgorithm; init => _convAlgorithm = value; }
    [JsonPropertyName("checkpoint-every")] public int CheckpointEvery { get; init; } = 15;
    [JsonPropertyName("eval-every")] public int EvalEvery { get; init; }
    [JsonPropertyName("samples")] public int Samples { get; init; } = 16;
    [JsonPropertyName("seed")] public long Seed { get; init; } = 42;
    [JsonPropertyName("threads")] public int Threads { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = "";

    /// <summary>
    /// The settings (flag names) that <c>train --resume</c> may change: how long the run goes on, how it uses the machine,
    /// where its data lie, how often it writes checkpoints and measures quality; none of them changes what a step computes.
    /// Every other setting must match the run's (the program version is recorded anew by every resume). The one owner of
    /// this list: train checks against it and docs/reliability.md lists it (a test holds them together).
    /// </summary>
    public static readonly IReadOnlyList<string> ResumableChanges = ["epochs", "threads", "checkpoint-every", "data-dir", "eval-every"];

    [JsonIgnore] public NoiseKind NoiseKind => Noise == "uniform" ? NoiseKind.Uniform : NoiseKind.Normal;

    /// <summary>The --arch names.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["tutorial", "dcgan"];

    /// <summary>The --background names (what transparent pixels of folder images become).</summary>
    public static readonly IReadOnlyList<string> Backgrounds = ["white", "black"];

    /// <summary>The --noise names.</summary>
    public static readonly IReadOnlyList<string> NoiseKinds = ["normal", "uniform"];

    /// <summary>The --g-activation names.</summary>
    public static readonly IReadOnlyList<string> GeneratorActivations = ["leaky-relu", "relu"];

    /// <summary>The --d-output names.</summary>
    public static readonly IReadOnlyList<string> DiscriminatorOutputs = ["logits", "sigmoid"];

    /// <summary>The --bn-variance names.</summary>
    public static readonly IReadOnlyList<string> BatchNormVariances = ["keras2", "keras3"];

    public ModelOptions ModelOptions() => new()
    {
        Architecture = ArchitectureOf(Architecture),
        ImageSize = ImageSize,
        Channels = Channels,
        GeneratorFeatures = GeneratorWidth,
        DiscriminatorFeatures = DiscriminatorWidth,
        NoiseDim = NoiseDim,
        GeneratorActivation = GeneratorActivation == "relu" ? Models.GeneratorActivation.Relu : Models.GeneratorActivation.LeakyRelu,
        DiscriminatorOutput = DiscriminatorOutput == "sigmoid" ? Models.DiscriminatorOutput.Sigmoid : Models.DiscriminatorOutput.Logits,
        MovingVarianceRule = BatchNormVariance == "keras3" ? MovingVarianceRule.Keras3 : MovingVarianceRule.Keras2,
        Classes = Conditional ? ClassCount : 0,
        ClassLossWeight = (float)ClassLossWeight,
        Scheme = SchemeOf(CondScheme).Scheme,
        ClassNormInGenerator = Conditional && SchemeOf(CondScheme).ClassNorm,
        AverageGenerator = GeneratorEma > 0,
        RealTarget = (float)(1 - LabelSmoothing),
        ConvAlgorithm = ConvAlgorithmOf(ConvAlgorithm),
    };

    /// <summary>
    /// The settings a run gets from its data set, architecture and recipe where <paramref name="given"/> (a flag name)
    /// says the user set nothing: image folders and the emoji set train the DCGAN paper's models at 64 px with the
    /// paper's recipe (Adam 2e-4, beta1 0.5, batch 128, ReLU in G) and decide their channels from the images (0 here);
    /// MNIST and Fashion-MNIST train the tutorial's at 28 px with the tutorial's recipe (this record's defaults). The
    /// recipe "fast" takes the paper's Adam and batch for every model and draws from a moving average of the generator
    /// (<see cref="FastGeneratorEma"/>); a conditional run draws from one in either recipe. The one place these defaults
    /// live, for train and for experiment files.
    /// </summary>
    public TrainConfig WithDefaultsFor(Func<string, bool> given)
    {
        bool folder = TrainingData.IsImageFolder(Dataset);
        string arch = given("arch") ? Architecture : folder ? "dcgan" : "tutorial";
        bool paper = ArchitectureOf(arch) == Models.Architecture.Dcgan;
        bool fast = Recipe == "fast";
        (double lr, double beta1) = paper || fast ? (2e-4, 0.5) : (1e-4, 0.9);
        double average = fast ? FastGeneratorEma : Conditional ? ConditionalGeneratorEma : 0;
        return this with
        {
            Architecture = arch,
            ImageSize = given("image-size") ? ImageSize : Models.ModelBuilder.DefaultImageSize(ArchitectureOf(arch)),
            Channels = given("channels") ? Channels : folder ? 0 : 1,
            BatchSize = given("batch-size") || !(paper || fast) ? BatchSize : 128,
            LearningRateG = given("lr-g") ? LearningRateG : lr,
            LearningRateD = given("lr-d") ? LearningRateD : lr,
            Beta1 = given("beta1") ? Beta1 : beta1,
            GeneratorEma = given("g-ema") ? GeneratorEma : average,
            GeneratorActivation = paper ? "relu" : GeneratorActivation,
        };
    }

    /// <summary>This config with what the loaded data decided: an image folder's channels and every set's classes.</summary>
    public TrainConfig WithData(Data.ImageDataset data) => this with
    {
        Channels = data.Channels,
        ClassCount = data.Classes,
        ClassNames = data.ClassNames,
    };

    /// <summary>
    /// Whether <paramref name="saved"/> (a run's config) is what this config, not yet given its data, asks for: the
    /// settings the data decides (channels when left to the images, classes) are taken from the saved one.
    /// </summary>
    public IReadOnlyList<string> DifferencesFromRun(TrainConfig saved) => (this with
    {
        Channels = Channels == 0 ? saved.Channels : Channels,
        ClassCount = saved.ClassCount,
        ClassNames = saved.ClassNames,
    }).Differences(saved);

    /// <summary>An --arch name as the models' architecture.</summary>
    public static Models.Architecture ArchitectureOf(string name) => name switch
    {
        "tutorial" => Models.Architecture.Tutorial,
        "dcgan" => Models.Architecture.Dcgan,
        _ => throw new InvalidDataException($"unknown architecture '{name}' (expected {string.Join(", ", Architectures)})"),
    };

    /// <summary>A --conv-algorithm name as the engine's algorithm.</summary>
    public static ConvAlgorithm ConvAlgorithmOf(string name) => name switch
    {
        "winograd" => Engine.Layers.ConvAlgorithm.Winograd,
        "direct" => Engine.Layers.ConvAlgorithm.Direct,
        _ => throw new InvalidDataException($"unknown convolution algorithm '{name}' (expected {string.Join(", ", ConvAlgorithms)})"),
    };

    /// <summary>
    /// A --cond-scheme name as the discriminator's scheme and whether the generator has class-conditional
    /// BatchNorm (the "-cbn" names).
    /// </summary>
    public static (ConditionalScheme Scheme, bool ClassNorm) SchemeOf(string name) => name switch
    {
        "acgan" => (ConditionalScheme.AcGan, false),
        "projection" => (ConditionalScheme.Projection, false),
        "projection-ac" => (ConditionalScheme.ProjectionAc, false),
        "projection-cbn" => (ConditionalScheme.Projection, true),
        "projection-ac-cbn" => (ConditionalScheme.ProjectionAc, true),
        _ => throw new InvalidDataException($"unknown conditional scheme '{name}' (expected {string.Join(", ", CondSchemes)})"),
    };

    /// <summary>
    /// Before a saved config's keys are read: a config without "cond-scheme" predates it and was AC-GAN; one without
    /// "class-weight" predates it and weighed the class loss 1; one without "conv-algorithm" predates Winograd and ran
    /// every convolution directly.
    /// </summary>
    void IJsonOnDeserializing.OnDeserializing()
    {
        _condScheme = "acgan";
        _recipe = "tutorial";
        _classLossWeight = 1;
        _convAlgorithm = "direct";
    }

    /// <summary>
    /// The --g-ema a conditional run gets unless told otherwise: its class accuracy swings from epoch to epoch with the
    /// tutorial's Adam, and samples from the averaged generator hold it (docs/conditional.md).
    /// </summary>
    public const double ConditionalGeneratorEma = 0.99;

    /// <summary>The --g-ema of the recipe "fast" (docs/quality.md: how it was chosen).</summary>
    public const double FastGeneratorEma = 0.995;

    /// <summary>
    /// The default weight of the class loss in a conditional generator's loss: 2, twice AC-GAN's, which with the
    /// averaged generator reads every digit as asked after 3 epochs (docs/conditional.md).
    /// </summary>
    public const double ConditionalClassWeight = 2;

    /// <summary>
    /// The per-epoch grid: the plain model draws <see cref="Samples"/> fixed noise vectors; a conditional
    /// one draws 10 fixed noise vectors (columns) for every class (rows).
    /// </summary>
    public (int Rows, int Columns, int NoiseVectors) SampleGrid()
    {
        if (Conditional)
        {
            return (ClassCount, 10, 10);
        }
        int cols = (int)Math.Ceiling(Math.Sqrt(Samples));
        return ((Samples + cols - 1) / cols, cols, Samples);
    }

    // A null where the type has none (say "noise": null) is refused as the JSON error it is.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, RespectNullableAnnotations = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The exact text of a run's config.json (what exports fingerprint): <see cref="ToJson"/> and a newline.</summary>
    public string ToFileText() => ToJson() + "\n";

    /// <summary>Reads a config.json; throws <see cref="JsonException"/> or <see cref="InvalidDataException"/> (see <see cref="Validate"/>).</summary>
    public static TrainConfig FromJson(string json)
    {
        var config = JsonSerializer.Deserialize<TrainConfig>(json, Json) ?? throw new InvalidDataException("empty configuration");
        config.Validate();
        return config;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> with <see cref="Problem"/> when a setting is not one train accepts.</summary>
    public void Validate()
    {
        if (Problem() is { } problem)
        {
            throw new InvalidDataException(problem);
        }
    }

    /// <summary>
    /// The first setting train's flags would refuse (same ranges, same names: <see cref="TrainLimits"/>), or a pair of
    /// settings that cannot go together, as one line naming the setting; null when the config describes a run train
    /// could start. Configs come from files anyone can edit, so every value is checked before a model is built from it.
    /// </summary>
    public string? Problem()
    {
        return Range("epochs", Epochs, TrainLimits.Epochs)
            ?? Range("batch-size", BatchSize, TrainLimits.BatchSize)
            ?? Range("limit", Limit, TrainLimits.Limit)
            ?? Range("noise-dim", NoiseDim, TrainLimits.NoiseDim)
            ?? Range("lr-g", LearningRateG, TrainLimits.LearningRate)
            ?? Range("lr-d", LearningRateD, TrainLimits.LearningRate)
            ?? Range("beta1", Beta1, TrainLimits.Beta1)
            ?? Range("beta2", Beta2, TrainLimits.Beta2)
            ?? Range("g-ema", GeneratorEma, TrainLimits.GeneratorEma)
            ?? Range("label-smoothing", LabelSmoothing, TrainLimits.LabelSmoothing)
            ?? Range("checkpoint-every", CheckpointEvery, TrainLimits.CheckpointEvery)
            ?? Range("class-weight", ClassLossWeight, TrainLimits.ClassWeight)
            ?? Range("eval-every", EvalEvery, TrainLimits.EvalEvery)
            ?? Range("samples", Samples, TrainLimits.Samples)
            ?? Range("seed", Seed, TrainLimits.Seed)
            ?? Range("threads", Threads, TrainLimits.Threads)
            ?? Range("image-size", ImageSize, TrainLimits.ImageSize)
            ?? (ImageSize % 4 == 0 ? null : $"--image-size must be a multiple of 4, got {ImageSize}")
            ?? (TrainLimits.Channels.Contains(Channels) ? null : $"--channels must be one of {string.Join(", ", TrainLimits.Channels)}, got {Channels}")
            ?? Range("g-width", GeneratorWidth, TrainLimits.Width)
            ?? Range("d-width", DiscriminatorWidth, TrainLimits.Width)
            ?? Range("classes", ClassCount, TrainLimits.Classes)
            ?? (ClassNames is null || (ClassNames.Count == ClassCount && ClassNames.All(n => n is not null))
                ? null : $"--class-names must name each of the {ClassCount} classes, got {ClassNames.Count} names")
            ?? (Dataset.Length > 0 ? null : "--dataset must not be empty")
            ?? Choice("recipe", Recipe, Recipes)
            ?? Choice("noise", Noise, NoiseKinds)
            ?? Choice("g-activation", GeneratorActivation, GeneratorActivations)
            ?? Choice("d-output", DiscriminatorOutput, DiscriminatorOutputs)
            ?? Choice("bn-variance", BatchNormVariance, BatchNormVariances)
            ?? Choice("arch", Architecture, Architectures)
            ?? Choice("background", Background, Backgrounds)
            ?? Choice("cond-scheme", CondScheme, CondSchemes)
            ?? Choice("conv-algorithm", ConvAlgorithm, ConvAlgorithms)
            ?? (Conditional && ClassCount < 2 ? $"--conditional needs at least 2 classes, got {ClassCount}" : null)
            ?? (Conditional && DiscriminatorOutput == "sigmoid"
                ? "--conditional needs --d-output logits (the discriminator's class head is a set of logits)" : null);

        static string? Range(string name, double value, SettingRange range) => range.Contains(value)
            ? null
            : $"--{name} must be {range.Describe()}, got {value.ToString("G", CultureInfo.InvariantCulture)}";

        static string? Choice(string name, string value, IReadOnlyList<string> choices) => choices.Contains(value)
            ? null
            : $"--{name} must be one of {string.Join(", ", choices)}, got '{(value.Length > 40 ? value[..40] + "..." : value)}'";
    }

    /// <summary>
    /// A setting's value as a flag takes it (<c>0.0001</c>, <c>relu</c>, <c>true</c>; <c>none</c> when unset), for messages
    /// that show a changed setting.
    /// </summary>
    public string ValueText(string name)
    {
        var element = JsonSerializer.SerializeToElement(this, Json);
        if (!element.TryGetProperty(name, out var value))
        {
            throw new ArgumentException($"no setting named '{name}'", nameof(name));
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "none",
            _ => value.GetRawText(),
        };
    }

    /// <summary>The settings (by flag name) whose values differ between two configs.</summary>
    public IReadOnlyList<string> Differences(TrainConfig other)
    {
        var a = JsonSerializer.SerializeToElement(this, Json);
        var b = JsonSerializer.SerializeToElement(other, Json);
        var names = new List<string>();
        foreach (var p in a.EnumerateObject())
        {
            if (!b.TryGetProperty(p.Name, out var q) || p.Value.GetRawText() != q.GetRawText())
            {
                names.Add(p.Name);
            }
        }
        return names;
    }
}
