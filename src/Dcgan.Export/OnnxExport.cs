// `dcgan export`'s work: a trained generator as an ONNX model (IR version 8, opset 17, standard operators only) that
// ONNX Runtime and other clients run without this program. Reference: onnx/docs/IR.md (models, metadata_props).
namespace Dcgan.Export;

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dcgan.Engine;
using Dcgan.Imaging;
using Dcgan.Training;
using Google.Protobuf;
using Onnx;

/// <summary>Builds and writes ONNX models of generators.</summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graphs use (ONNX 1.12's newest, so its checker and every newer runtime accept them).</summary>
    public const int Opset = 17;

    /// <summary>The IR version of ONNX 1.12 (opset 17).</summary>
    public const int IrVersion = 8;

    /// <summary>How the graph is laid out, for the model's doc_string (docs/export.md says the same at length).</summary>
    public const string Layout =
        "Inference mode: every BatchNorm is a BatchNormalization node with its moving statistics (not folded into its " +
        "neighbours); a class-conditional BatchNorm adds Gather of the label's rows of a (K, C, 1, 1) scale and shift, Mul, Add. " +
        "Inputs: noise float32 [N, noise_dim]; conditional generators also take label int64 [N], a class index 0..K-1, " +
        "one-hot by Gather from a constant K x K identity and concatenated after the noise. " +
        "Output: images float32 [N, H, W, C] (NHWC, as the engine draws them) in [-1, 1]. " +
        "Inside, images are NCHW as ONNX convolutions take them: the projection's Reshape goes to [N, H, W, C] and a " +
        "Transpose (0, 3, 1, 2) follows; a Transpose (0, 2, 3, 1) makes the output NHWC again. " +
        "Kernels: Keras's Conv2DTranspose (kh, kw, out, in) is stored as ConvTranspose's (in, out, kh, kw), Conv2D's " +
        "(kh, kw, in, out) as Conv's (out, in, kh, kw), Dense's (in, out) as Gemm's B unchanged. " +
        "TensorFlow's 'same' padding is written as explicit pads with the odd pixel after (bottom, right).";

    /// <summary>
    /// The ONNX model of <paramref name="generator"/> with its parameters read from <paramref name="values"/> (laid out as
    /// <see cref="Sequential.Values"/>), taking <paramref name="noiseDim"/> noise values and, when
    /// <paramref name="classes"/> is positive, a class label. Throws <see cref="ExportException"/> for a layer kind the
    /// exporter does not know.
    /// </summary>
    public static byte[] Generator(Sequential generator, float[] values, int noiseDim, int classes,
        IEnumerable<KeyValuePair<string, string>> metadata, string version, string description)
    {
        var graph = GeneratorGraph.Build(generator, values, noiseDim, classes);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "dcgan",
            ProducerVersion = version,
            DocString = description + " " + Layout,
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model.ToByteArray();
    }

    /// <summary>
    /// The ONNX model of a restored run's generator: the weights samples are drawn from (the moving average for a run
    /// trained with --g-ema, as <see cref="Models.GanPair.Generate"/> draws), and the run's facts as metadata.
    /// </summary>
    public static byte[] FromSampler(Sampler sampler, string version)
    {
        var generator = sampler.Generator;
        var config = sampler.Config;
        var options = generator.Options;
        bool averaged = options.AverageGenerator;
        string weights = !averaged
            ? "the weights as trained"
            : $"the moving average of the generator's weights (--g-ema {config.GeneratorEma.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
        string description =
            $"dcgan generator ({config.Architecture} architecture, {options.ImageSize}x{options.ImageSize}x{options.Channels} images" +
            (options.Conditional ? $", {options.Classes} classes" : "") + $"), from {weights}; noise drawn from {NoiseDescription(config)}.";
        return Generator(generator.Network, generator.Network.Values, config.NoiseDim, options.Classes,
            Metadata(config, averaged, version), version, description);
    }

    /// <summary>
    /// The model's metadata_props: noise_dim, noise_distribution, image_size, channels, classes and class_names (conditional
    /// runs; names only where the data set has them), architecture, generator_weights, dcgan_version and config_sha256 (the
    /// SHA-256 of the run's config.json text).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(TrainConfig config, bool averaged, string version)
    {
        var options = config.ModelOptions();
        var entries = new List<KeyValuePair<string, string>>
        {
            new("noise_dim", Text(config.NoiseDim)),
            new("noise_distribution", config.Noise),
            new("image_size", Text(options.ImageSize)),
            new("channels", Text(options.Channels)),
        };
        if (options.Conditional)
        {
            entries.Add(new("classes", Text(options.Classes)));
            if (config.ClassNames is { } names)
            {
                entries.Add(new("class_names", JsonSerializer.Serialize(names)));
            }
        }
        entries.Add(new("architecture", config.Architecture));
        entries.Add(new("generator_weights", averaged ? "moving-average" : "trained"));
        entries.Add(new("dcgan_version", version));
        entries.Add(new("config_sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.ToFileText())))));
        return entries;
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically (a temporary sibling renamed into place), so a
    /// failed export leaves no partial file and an existing one untouched. Errors name <paramref name="path"/>.
    /// </summary>
    public static void Write(byte[] model, string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new ExportException($"{path} is a folder, not a file name");
        }
        string? parent = Path.GetDirectoryName(full);
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new ExportException($"cannot write {path}: folder {parent} does not exist");
        }
        try
        {
            AtomicFile.WriteAllBytes(path, model);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // AtomicFile's message names the user's file and the system's reason, never the temporary sibling.
            throw new ExportException(e.Message.ReplaceLineEndings(" "), e);
        }
    }

    private static string NoiseDescription(TrainConfig config) => config.NoiseKind == Models.NoiseKind.Uniform
        ? "uniform [-1, 1)"
        : "normal(0, 1)";

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
