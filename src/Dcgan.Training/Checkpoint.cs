// The checkpoint file: both models (with BatchNorm statistics), both Adam states, the training state
// and the config, sealed with a SHA-256 so a damaged file is refused, and written atomically.
namespace Dcgan.Training;

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Models;

/// <summary>
/// Layout: "DCGANCK\0", u32 format version, u32 header length, UTF-8 JSON header (config, state,
/// array lengths), six float32 arrays each prefixed by its u32 length (G values, D values, G Adam m,
/// G Adam v, D Adam m, D Adam v), then the SHA-256 of every byte before it.
/// </summary>
public static class Checkpoint
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "DCGANCK\0"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private sealed class Header
    {
        public int Format { get; set; }
        public TrainConfig Config { get; set; } = new();
        public TrainingState State { get; set; } = new();
        public int[] Lengths { get; set; } = [];
    }

    /// <summary>Writes a checkpoint of <paramref name="gan"/> atomically (temp file, flush, rename).</summary>
    public static void Save(string path, TrainConfig config, TrainingState state, GanPair gan)
    {
        state.GeneratorIterations = gan.GeneratorOptimizer.Iterations;
        state.DiscriminatorIterations = gan.DiscriminatorOptimizer.Iterations;
        float[][] arrays = Arrays(gan);
        var header = new Header { Format = FormatVersion, Config = config, State = state, Lengths = arrays.Select(a => a.Length).ToArray() };
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        AtomicFile.Write(path, stream =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Put(ReadOnlySpan<byte> bytes)
            {
                hash.AppendData(bytes);
                stream.Write(bytes);
            }
            Span<byte> u32 = stackalloc byte[4];
            Put(Magic);
            BitConverter.TryWriteBytes(u32, (uint)FormatVersion);
            Put(u32);
            BitConverter.TryWriteBytes(u32, (uint)headerBytes.Length);
            Put(u32);
            Put(headerBytes);
            PauseForFaultTests();
            foreach (var a in arrays)
            {
                BitConverter.TryWriteBytes(u32, (uint)a.Length);
                Put(u32);
                Put(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
            }
            stream.Write(hash.GetHashAndReset());
        });
    }

    /// <summary>
    /// Test hook for the kill tests: with DCGAN_FAULT_CHECKPOINT_PAUSE_MS set, a write announces itself on
    /// stderr and stalls half-way, so a test can kill the process in the middle of a checkpoint write.
    /// </summary>
    private static void PauseForFaultTests()
    {
        if (Environment.GetEnvironmentVariable("DCGAN_FAULT_CHECKPOINT_PAUSE_MS") is { } text && int.TryParse(text, out int ms) && ms > 0)
        {
            Console.Error.WriteLine("checkpoint write paused");
            Console.Error.Flush();
            Thread.Sleep(ms);
        }
    }

    /// <summary>Reads and verifies a checkpoint's config and state without loading weights into a model.</summary>
    public static (TrainConfig Config, TrainingState State) ReadHeader(string path)
    {
        var (header, _) = ReadVerified(path);
        return (header.Config, header.State);
    }

    /// <summary>
    /// Verifies the file, then loads weights and optimizer state into <paramref name="gan"/>. Throws
    /// <see cref="CheckpointException"/> naming the file for every problem; the model is untouched then.
    /// </summary>
    public static (TrainConfig Config, TrainingState State) Load(string path, GanPair gan)
    {
        var (header, body) = ReadVerified(path);
        float[][] targets = Arrays(gan);
        if (header.Lengths.Length != targets.Length)
        {
            throw new CheckpointException(path, "holds a different set of arrays than this model");
        }
        string[] what = ["generator", "discriminator", "generator Adam m", "generator Adam v", "discriminator Adam m", "discriminator Adam v", "generator average"];
        for (int i = 0; i < targets.Length; i++)
        {
            if (header.Lengths[i] != targets[i].Length)
            {
                throw new CheckpointException(path, $"holds {header.Lengths[i]:N0} {what[i]} values where this model has {targets[i].Length:N0} (another architecture?)");
            }
        }
        int offset = 0;
        foreach (var t in targets)
        {
            offset += 4;
            body.AsSpan(offset, t.Length * 4).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan()));
            offset += t.Length * 4;
        }
        gan.GeneratorOptimizer.Iterations = header.State.GeneratorIterations;
        gan.DiscriminatorOptimizer.Iterations = header.State.DiscriminatorIterations;
        return (header.Config, header.State);
    }

    /// <summary>The arrays a checkpoint holds, in order; the generator's moving average last, for runs that keep one.</summary>
    private static float[][] Arrays(GanPair gan) => gan.GeneratorAverage is { } average
        ? [.. Arrays6(gan), average]
        : Arrays6(gan);

    private static float[][] Arrays6(GanPair gan) =>
    [
        gan.Generator.Values, gan.Discriminator.Values,
        gan.GeneratorOptimizer.M, gan.GeneratorOptimizer.V,
        gan.DiscriminatorOptimizer.M, gan.DiscriminatorOptimizer.V,
    ];

    private static (Header Header, byte[] Body) ReadVerified(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot be read: {e.Message}");
        }
        const int fixedSize = 8 + 4 + 4;
        if (bytes.Length < fixedSize + 32 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new CheckpointException(path, "is not a dcgan checkpoint");
        }
        uint version = BitConverter.ToUInt32(bytes, 8);
        if (version != FormatVersion)
        {
            throw new CheckpointException(path, $"has format version {version}; this dcgan reads version {FormatVersion}");
        }
        byte[] expected = SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32));
        if (!expected.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
        {
            throw new CheckpointException(path, "is damaged (checksum mismatch: truncated or modified)");
        }
        int headerLength = (int)BitConverter.ToUInt32(bytes, 12);
        if (headerLength < 0 || fixedSize + headerLength > bytes.Length - 32)
        {
            throw new CheckpointException(path, "is damaged (bad header length)");
        }
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(Encoding.UTF8.GetString(bytes, fixedSize, headerLength), Json)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"has an unreadable header ({e.Message})");
        }
        byte[] body = bytes.AsSpan(fixedSize + headerLength, bytes.Length - 32 - fixedSize - headerLength).ToArray();
        long expectedBody = header.Lengths.Sum(l => 4L + 4L * l);
        if (expectedBody != body.Length)
        {
            throw new CheckpointException(path, "is damaged (array sizes do not match the header)");
        }
        int offset = 0;
        foreach (int length in header.Lengths)
        {
            if (BitConverter.ToUInt32(body, offset) != (uint)length)
            {
                throw new CheckpointException(path, "is damaged (array length prefix mismatch)");
            }
            offset += 4 + 4 * length;
        }
        return (header, body);
    }
}
