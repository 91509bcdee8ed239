// ONNX Runtime (the CPU package, as an application would use it) runs every exported generator and draws the images
// `dcgan generate` draws from the same noise, at batch 1 and 64: plain, conditional and class-conditional-BatchNorm runs.
namespace Dcgan.Export.Tests;

using Dcgan.TestSupport;
using System.Security.Cryptography;
using Dcgan.Kernels;
using Dcgan.Models;
using Dcgan.Training;

[Collection(ExportedRunsCollection.Name)]
public sealed class OnnxRuntimeTests(ExportedRuns runs)
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string, int> CasesAndBatches()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in ExportedRuns.Names)
        {
            data.Add(name, 1);
            data.Add(name, 64);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAndBatches))]
    public void DrawsWhatGenerateDrawsFromTheSameNoise(string name, int count)
    {
        var run = runs[name];
        var sampler = run.Sampler;
        var config = sampler.Config;
        ulong seed = (ulong)(count * 7 + name.Length);
        // The noise `dcgan generate --seed S` draws: image i takes rows [i * Z, (i + 1) * Z) of the drawing stream; a
        // conditional run's images go through the classes in turn.
        var noise = new float[count * config.NoiseDim];
        Noise.Fill(Noise.ForDrawing(seed), config.NoiseKind, noise);
        long[]? labels = sampler.Classes > 0 ? Enumerable.Range(0, count).Select(i => (long)(i % sampler.Classes)).ToArray() : null;

        using var onnx = new OnnxRunner(run.Onnx);
        var (images, shape) = onnx.Run(noise, config.NoiseDim, labels);
        float[] expected = sampler.Draw(count, seed);

        Assert.Equal(new long[] { count, sampler.ImageSize, sampler.ImageSize, sampler.Generator.Options.Channels }, shape);
        Assert.Equal(expected.Length, images.Length);
        float worst = MaxAbsDifference(expected, images);
        Assert.True(worst <= Tolerance, $"{name} at batch {count}: ONNX Runtime differs from the sampler by {worst:G3}");
        Assert.True(images.Max() > images.Min() + 0.01f, "the images are not flat");
        Assert.All(images, v => Assert.InRange(v, -1f, 1f));
    }

    [Theory]
    [InlineData("conditional-spread")]
    [InlineData("class-norm-spread")]
    [InlineData("dcgan-class-norm-spread")]
    public void ConditionalRunsExportTheAveragedWeightsAndTheLabelMatters(string name)
    {
        var run = runs[name];
        var (gan, _, _) = Checkpoints.Open(run.Sampler.CheckpointPath);
        Assert.NotNull(gan.GeneratorAverage);
        int z = run.Sampler.Config.NoiseDim, classes = run.Sampler.Classes;
        var noise = new float[2 * z];
        new Rng(3).FillNormal(noise);
        using var onnx = new OnnxRunner(run.Onnx);
        Assert.Equal("moving-average", onnx.Metadata["generator_weights"]);

        // The same generator with the weights as trained draws other images: the export read the average.
        string trainedPath = Path.Combine(runs.Folder, name + "-trained.onnx");
        OnnxExport.Write(OnnxExport.Generator(gan.Generator, gan.Generator.Values, z, classes, [], "test", "trained weights"), trainedPath);
        using var trained = new OnnxRunner(trainedPath);
        var averaged = onnx.Run(noise, z, [3, 3]).Images;
        float weights = MaxAbsDifference(averaged, trained.Run(noise, z, [3, 3]).Images);
        Assert.True(weights > 1e-2f, $"the averaged and trained weights differ by only {weights:G3}");

        // The same noise under another label: another image (10x the tolerance; an AC-GAN generator this young barely
        // reads its label), while the first image, label unchanged, stays as it was.
        var other = onnx.Run(noise, z, [3, 8]).Images;
        int image = run.Sampler.ImageSize * run.Sampler.ImageSize * gan.Options.Channels;
        Assert.Equal(0f, MaxAbsDifference(averaged.AsSpan(0, image), other.AsSpan(0, image)));
        float label = MaxAbsDifference(averaged.AsSpan(image), other.AsSpan(image));
        Assert.True(label > 1e-3f, $"the label changes the image by only {label:G3}");
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("conditional")]
    [InlineData("class-norm")]
    [InlineData("dcgan")]
    [InlineData("dcgan-class-norm")]
    public void DeclaresItsInputsOutputAndMetadata(string name)
    {
        var run = runs[name];
        var config = run.Sampler.Config;
        using var onnx = new OnnxRunner(run.Onnx);

        var noise = onnx.Inputs["noise"];
        Assert.Equal(typeof(float), noise.ElementType);
        Assert.Equal(new[] { -1, config.NoiseDim }, noise.Dimensions);
        Assert.Equal("N", noise.SymbolicDimensions[0]);
        var images = Assert.Single(onnx.Outputs);
        Assert.Equal("images", images.Key);
        Assert.Equal(new[] { -1, config.ImageSize, config.ImageSize, config.Channels }, images.Value.Dimensions);
        Assert.Equal("N", images.Value.SymbolicDimensions[0]);
        if (config.Conditional)
        {
            Assert.Equal(2, onnx.Inputs.Count);
            Assert.Equal(typeof(long), onnx.Inputs["label"].ElementType);
            Assert.Equal(new[] { -1 }, onnx.Inputs["label"].Dimensions);
            Assert.Equal("10", onnx.Metadata["classes"]);
        }
        else
        {
            Assert.Single(onnx.Inputs);
            Assert.False(onnx.Metadata.ContainsKey("classes"));
        }

        var metadata = onnx.Metadata;
        Assert.Equal(config.NoiseDim.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["noise_dim"]);
        Assert.Equal(name == "class-norm" ? "uniform" : "normal", metadata["noise_distribution"]);
        Assert.Equal(name.StartsWith("dcgan", StringComparison.Ordinal) ? (name == "dcgan" ? "16" : "32") : "28", metadata["image_size"]);
        Assert.Equal(name.StartsWith("dcgan", StringComparison.Ordinal) ? "3" : "1", metadata["channels"]);
        Assert.Equal(name.StartsWith("dcgan", StringComparison.Ordinal) ? "dcgan" : "tutorial", metadata["architecture"]);
        Assert.Equal("test", metadata["dcgan_version"]);
        Assert.False(metadata.ContainsKey("class_names")); // the synthetic data set names no classes
        // The fingerprint is the SHA-256 of the run's config.json as written.
        byte[] configJson = File.ReadAllBytes(Path.Combine(run.RunFolder, "config.json"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(configJson)), metadata["config_sha256"]);
    }

    internal static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float worst = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }
        return worst;
    }
}
