// The architecture flags of summary and bench (--arch, --image-size, --channels, --g-width, --d-width): the DCGAN paper's
// models with pytorch/examples' parameter counts, the default sizes, and one-line errors (exit 2) for what does not fit.
namespace Dcgan.Cli.Tests;

public sealed class ArchitectureFlagTests
{
    [Fact]
    public void SummaryOfTheDcganArchHasPyTorchExamplesCounts()
    {
        var (exit, output, error) = CliRunner.Run("summary", "--arch", "dcgan", "--image-size", "64", "--channels", "3");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        // pytorch/examples' netG and netD at 64x64x3, nz 100, ngf = ndf = 64; BatchNorm's running statistics are buffers there.
        Assert.Contains(" Trainable params: 3,576,704 (13.64 MB)", output);
        Assert.Contains(" Non-trainable params: 1,920 (7.50 KB)", output);
        Assert.Contains(" Trainable params: 2,765,568 (10.55 MB)", output);
        Assert.Contains(" Non-trainable params: 1,792 (7.00 KB)", output);
        Assert.Contains("│ dense (Dense)                   │ (None, 8192)           │       819,200 │", output);
        Assert.Contains("│ conv2d_transpose                │ (None, 8, 8, 256)      │     2,097,152 │", output);
        Assert.Contains("│ conv2d_transpose_3              │ (None, 64, 64, 3)      │         3,072 │", output);
        Assert.Contains("│ conv2d (Conv2D)                 │ (None, 32, 32, 64)     │         3,072 │", output);
        Assert.Contains("│ dense_1 (Dense)                 │ (None, 1)              │         8,192 │", output);
        // Every table line is as wide as the header: long names wrap inside their column.
        var widths = output.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Length).Distinct();
        Assert.Single(widths);
    }

    [Fact]
    public void DcganDefaultsToSixtyFourAndWidthsScaleIt()
    {
        var paper = CliRunner.Run("summary", "--arch", "dcgan");
        Assert.Equal(0, paper.Exit);
        Assert.Contains("(None, 64, 64, 1)", paper.Out);
        var small = CliRunner.Run("summary", "--arch", "dcgan", "--image-size", "16", "--g-width", "8", "--d-width", "4", "--noise-dim", "10");
        Assert.Equal(0, small.Exit);
        // G: Dense 10 x (4*4*16), BN(16), ConvT 16 -> 8, BN(8), ConvT 8 -> 1; D: Conv 1 -> 4, Conv 4 -> 8, BN(8), Dense 128 -> 1.
        Assert.Contains(" Trainable params: 4,784 (18.69 KB)", small.Out);
        Assert.Contains(" Trainable params: 720 (2.81 KB)", small.Out);
        var tutorial = CliRunner.Run("summary", "--channels", "3");
        Assert.Equal(0, tutorial.Exit);
        Assert.Contains("(None, 28, 28, 3)", tutorial.Out);
    }

    [Theory]
    [InlineData(new[] { "summary", "--arch", "dcgan", "--image-size", "48" },
        "image size 48 does not fit the dcgan architecture (tutorial takes 28; dcgan takes 16, 32, 64, 128 or 256)")]
    [InlineData(new[] { "summary", "--image-size", "64" },
        "image size 64 does not fit the tutorial architecture (tutorial takes 28; dcgan takes 16, 32, 64, 128 or 256)")]
    [InlineData(new[] { "bench", "--arch", "dcgan", "--image-size", "28" }, "image size 28 does not fit the dcgan architecture")]
    [InlineData(new[] { "summary", "--arch", "gan" }, "--arch must be one of tutorial, dcgan, got 'gan'")]
    [InlineData(new[] { "summary", "--channels", "2" }, "--channels must be one of 1, 3, got '2'")]
    [InlineData(new[] { "summary", "--arch", "dcgan", "--g-width", "0" }, "--g-width must be between 1 and 1024, got 0")]
    [InlineData(new[] { "summary", "--g-width", "32" }, "--g-width only applies with --arch dcgan")]
    [InlineData(new[] { "bench", "--d-width", "32" }, "--d-width only applies with --arch dcgan")]
    [InlineData(new[] { "summary", "--arch", "dcgan", "--g-activation", "relu" }, "--g-activation only applies with --arch tutorial")]
    [InlineData(new[] { "summary", "--arch", "dcgan", "--bn-variance", "keras3" }, "--bn-variance only applies with --arch tutorial")]
    [InlineData(new[] { "summary", "--arch", "dcgan", "--d-output", "sigmoid" }, "the dcgan architecture's discriminator ends in logits")]
    public void WhatDoesNotFitGetsOneLineAndExitTwo(string[] args, string message)
    {
        var (exit, output, error) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("dcgan: error: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void BenchRunsTheDcganArch()
    {
        var (exit, output, error) = CliRunner.Run("bench", "--arch", "dcgan", "--image-size", "16", "--channels", "3", "--g-width", "8",
            "--d-width", "8", "--batch-size", "4", "--steps", "1", "--warmup", "0", "--generate-batch", "2", "--threads", "1");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        // Winograd (the default) has no 4x4 form, so the bench says the convolutions run direct.
        Assert.Contains("direct convolutions, dcgan models at 16x16x3", output);
        Assert.Contains("\"train_images_per_s\":", output.TrimEnd().Split('\n')[^1]);
    }
}
