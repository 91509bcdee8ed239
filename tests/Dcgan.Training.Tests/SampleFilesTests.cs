// generate's array files (.idx, .npy, .npz) are drawn a batch at a time straight into the file: the bytes are those of
// one whole draw, cut at batch boundaries or not, and writing many images allocates no array of all of them (so
// `generate --count 1000000` needs the memory of one batch, not of a million images).
namespace Dcgan.Training.Tests;

using System.IO.Compression;
using Dcgan.Kernels;
using Dcgan.Models;
using Dcgan.TestSupport;

public sealed class SampleFilesTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>A checkpoint of the tutorial's models as initialised (drawing needs no training).</summary>
    private Sampler UntrainedSampler()
    {
        var config = new TrainConfig { Dataset = "synthetic", Epochs = 1, BatchSize = 8, Samples = 1, Seed = 4, Version = "test" };
        var gan = new GanPair(config.ModelOptions());
        gan.Initialize(Rng.Derive((ulong)config.Seed, "init"));
        string path = _t.File("ckpt-1.dcgan");
        Checkpoint.Save(path, config, TrainingState.Start((ulong)config.Seed), gan);
        return Sampler.Open(path);
    }

    [Theory]
    [InlineData(".idx", 16)]
    [InlineData(".npy", 128)]
    [InlineData(".npz", 0)]
    public void EveryArrayFormatIsWrittenABatchAtATime(string ext, int header)
    {
        var sampler = UntrainedSampler();
        // Two whole batches and a part of a third.
        int count = 2 * sampler.ChunkSize + 5;
        long whole = (long)count * sampler.ImageValues * sizeof(float);
        string path = _t.File("images" + ext);
        // The generator keeps its buffers for the batch sizes it has seen: a first write sets them up, so what the
        // measured write allocates (on this thread: other tests run beside it) is the file's own: under half of the
        // images as floats, which a whole draw needs alone (drawing them all and then writing allocated 9.4 MB here).
        SampleFiles.WriteArray(_t.File("warm" + ext), sampler, sampler.ChunkSize + 5, seed: 7, label: null);

        long before = GC.GetAllocatedBytesForCurrentThread();
        SampleFiles.WriteArray(path, sampler, count, seed: 7, label: null);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < whole / 2, $"writing {count:N0} images allocated {allocated:N0} bytes; all of them as floats are {whole:N0}");

        byte[] bytes = ext == ".npz" ? Entry(path, "images.npy") : File.ReadAllBytes(path);
        if (ext == ".npz")
        {
            header = 128;
        }
        float[] expected = sampler.Draw(count, seed: 7);
        Assert.Equal(header + expected.Length, bytes.Length);
        Assert.Equal(expected.Select(SampleFiles.ToByte), bytes.Skip(header));
        Assert.Empty(Directory.EnumerateFiles(_t.Root, "*.tmp"));
    }

    private static byte[] Entry(string zip, string name)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
