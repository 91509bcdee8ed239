// The paths a machine without AVX-512 takes (the Vector256 GEMM micro-kernel, element-wise loops, direct convolutions
// and Winograd transforms), run for real: the runtime is told to leave AVX-512 alone in a child process, which must
// train and draw the same bits as this process does with AVX-512.
namespace Dcgan.Cli.Tests;

using System.Runtime.Intrinsics;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class InstructionSetTests : IDisposable
{
    /// <summary>The runtime's switches for AVX-512 (both spellings the runtime has read).</summary>
    private static readonly Dictionary<string, string> Avx512Off = new()
    {
        ["DOTNET_EnableAVX512"] = "0",
        ["DOTNET_EnableAVX512F"] = "0",
    };

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] Train(string run, string algorithm, int threads) =>
    [
        "train", "--dataset", "synthetic", "--limit", "48", "--batch-size", "16", "--epochs", "2", "--samples", "4", "--seed", "5",
        "--conv-algorithm", algorithm, "--threads", threads.ToString(), "--out", run,
    ];

    private static string[] Generate(string run, string file, int threads) =>
        ["generate", "--from", run, "--count", "300", "--seed", "7", "--threads", threads.ToString(), "--out", file];

    [SkippableTheory]
    [InlineData("winograd")]
    [InlineData("direct")]
    public void WithoutAvx512TrainingAndGenerationGiveTheSameBits(string algorithm)
    {
        Skip.IfNot(Vector512.IsHardwareAccelerated, "this machine has no AVX-512: every process here already takes the Vector256 paths");
        // The child really runs without AVX-512, and its train steps allocate nothing there either.
        var probe = CliProcess.Run(["bench", "--batch-size", "4", "--steps", "2", "--warmup", "2", "--generate-batch", "2", "--threads", "1",
            "--conv-algorithm", algorithm], Avx512Off);
        Assert.True(probe.Exit == 0, probe.Err);
        Assert.Contains("Vector512 False", probe.Out);
        Assert.Contains(" 0.0 KiB allocated per step, 0 gen-0 collections", probe.Out);

        string wide = _dir.File("avx512"), narrow = _dir.File("avx2");
        var trained = CliRunner.Run(Train(wide, algorithm, threads: 2));
        Assert.True(trained.Exit == 0, trained.Err);
        // Three threads in the child: more than this machine's cores must not change a bit either.
        var child = CliProcess.Run(Train(narrow, algorithm, threads: 3), Avx512Off);
        Assert.True(child.Exit == 0, child.Err);

        var (expected, _, expectedState) = Checkpoints.Open(new RunFolder(wide).Checkpoints()[^1].Path);
        var (actual, _, actualState) = Checkpoints.Open(new RunFolder(narrow).Checkpoints()[^1].Path);
        Assert.Equal(2, expectedState.CompletedEpochs);
        Assert.Equal(2, actualState.CompletedEpochs);
        Checkpoints.AssertSameState(expected, actual);

        // 300 images: more than one slice of the generator's buffers.
        string wideImages = _dir.File("avx512.npy"), narrowImages = _dir.File("avx2.npy");
        var drawn = CliRunner.Run(Generate(wide, wideImages, threads: 2));
        Assert.True(drawn.Exit == 0, drawn.Err);
        var childDrawn = CliProcess.Run(Generate(wide, narrowImages, threads: 3), Avx512Off);
        Assert.True(childDrawn.Exit == 0, childDrawn.Err);
        byte[] images = File.ReadAllBytes(wideImages);
        Assert.True(images.Length > 300 * 28 * 28, $"{images.Length} bytes");
        Assert.Equal(images, File.ReadAllBytes(narrowImages));
    }
}
