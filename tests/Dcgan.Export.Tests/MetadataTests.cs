// The model's metadata_props from a run's config: what a client needs to draw (noise size and distribution, image
// size, channels, classes and their names) and where the model came from (version, config fingerprint).
namespace Dcgan.Export.Tests;

using System.Security.Cryptography;
using System.Text;
using Dcgan.Training;

public sealed class MetadataTests
{
    [Fact]
    public void ConditionalRunsNameTheirClassesAndEveryRunIsFingerprinted()
    {
        var config = new TrainConfig { Conditional = true, ClassCount = 3, ClassNames = ["cat", "dog", "hen \"h\""], NoiseDim = 64, Noise = "uniform" };
        var metadata = OnnxExport.Metadata(config, averaged: true, "9.9.9").ToDictionary();

        Assert.Equal(
            ["noise_dim", "noise_distribution", "image_size", "channels", "classes", "class_names", "architecture", "generator_weights", "dcgan_version", "config_sha256"],
            metadata.Keys);
        Assert.Equal("64", metadata["noise_dim"]);
        Assert.Equal("uniform", metadata["noise_distribution"]);
        Assert.Equal("28", metadata["image_size"]);
        Assert.Equal("1", metadata["channels"]);
        Assert.Equal("3", metadata["classes"]);
        Assert.Equal("[\"cat\",\"dog\",\"hen \\u0022h\\u0022\"]", metadata["class_names"]);
        Assert.Equal(["cat", "dog", "hen \"h\""], System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["class_names"])!);
        Assert.Equal("moving-average", metadata["generator_weights"]);
        Assert.Equal("9.9.9", metadata["dcgan_version"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.ToFileText()))), metadata["config_sha256"]);

        var plain = OnnxExport.Metadata(config with { Conditional = false }, averaged: false, "9.9.9").ToDictionary();
        Assert.False(plain.ContainsKey("classes"));
        Assert.False(plain.ContainsKey("class_names"));
        Assert.Equal("trained", plain["generator_weights"]);
        Assert.NotEqual(metadata["config_sha256"], plain["config_sha256"]);
    }
}
