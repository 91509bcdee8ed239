// The checkpoint file: both models (with BatchNorm statistics), both Adam states, the training state
// and the config, sealed with a SHA-256 so a damaged file is refused, and written atomically. Reading
// trusts nothing in it, not even a file someone sealed again after editing it: every field is checked.
namespace Dcgan.Training;

using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Models;

/// <summary>
/// Layout: "DCGANCK\0", u32 format version, u32 header length, UTF-8 JSON header (config, state,
/// array lengths), six float32 arrays each prefixed by its u32 length (G values, D values, G Adam m,
/// G Adam v, D Adam m, D Adam v; a seventh, G's moving average, for runs with --g-ema), then the
/// SHA-256 of every byte before it.
/// </summary>
/// <remarks>
/// A file is read in passes through one small buffer: the seal over every byte, then the header (its length checked
/// against the file's size before anything is allocated), the config and state checked field by field, every array
/// checked for values that are not finite, and only then the arrays a caller needs copied into place. Nothing is
/// read from a file that is not a regular file of at least a checkpoint's fixed size (a FIFO or /dev/zero would
/// never end), and nothing beyond the size the file had when it was opened.
/// </remarks>
public static class Checkpoint
{
    public const int FormatVersion = 1;

    /// <summary>The largest JSON header read (a long run's per-step losses take a few MB).</summary>
    public const int MaxHeaderBytes = 256 << 20;

    private const int FixedSize = 8 + 4 + 4;
    private const int SealSize = 32;
    private const int BufferSize = 1 << 20;
    private static readonly byte[] Magic = "DCGANCK\0"u8.ToArray();

    // Nulls where the types have none ("State": null) are JSON errors, not exceptions later on.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, RespectNullableAnnotations = true };

    private static readonly string[] ArrayNames =
        ["generator", "discriminator", "generator Adam m", "generator Adam v", "discriminator Adam m", "discriminator Adam v", "generator average"];

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
        Save(path, config, state, Arrays(gan));
    }

    /// <summary>Writes a checkpoint of given arrays (the tests' fuzzer seals small ones of its own).</summary>
    internal static void Save(string path, TrainConfig config, TrainingState state, float[][] arrays)
    {
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
                Put(MemoryMarshal.AsBytes(a.AsSpan()));
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

    /// <summary>Reads and verifies a whole checkpoint (seal, config, state, arrays) without loading weights into a model.</summary>
    public static (TrainConfig Config, TrainingState State) ReadHeader(string path)
    {
        using var file = VerifiedFile.Open(path);
        return (file.Header.Config, file.Header.State);
    }

    /// <summary>
    /// Verifies the file, then loads weights and optimizer state into <paramref name="gan"/>. Throws
    /// <see cref="CheckpointException"/> naming the file for every problem; the model is untouched then.
    /// </summary>
    public static (TrainConfig Config, TrainingState State) Load(string path, GanPair gan)
    {
        using var file = VerifiedFile.Open(path);
        var header = file.Header;
        float[][] targets = Arrays(gan);
        if (header.Lengths.Length != targets.Length)
        {
            throw new CheckpointException(path, "holds a different set of arrays than this model");
        }
        for (int i = 0; i < targets.Length; i++)
        {
            CheckLength(path, header.Lengths[i], targets[i].Length, ArrayNames[i]);
        }
        for (int i = 0; i < targets.Length; i++)
        {
            file.ReadArray(i, targets[i]);
        }
        gan.GeneratorOptimizer.Iterations = header.State.GeneratorIterations;
        gan.DiscriminatorOptimizer.Iterations = header.State.DiscriminatorIterations;
        return (header.Config, header.State);
    }

    /// <summary>
    /// Verifies the file and builds only the generator samples are drawn from: its moving average for runs that keep
    /// one, else the generator as trained. The discriminator and the Adam states are checked but never loaded, so a
    /// drawing process holds a third to a sixth of what <see cref="Load"/> would. <paramref name="reuse"/> may hand
    /// back a generator of these options to load into (its buffers are kept); otherwise a new one is built.
    /// </summary>
    public static (GeneratorModel Generator, TrainConfig Config, TrainingState State) LoadGenerator(string path, Func<ModelOptions, GeneratorModel?>? reuse = null)
    {
        using var file = VerifiedFile.Open(path);
        var header = file.Header;
        int index = header.Lengths.Length == 7 ? 6 : 0;
        var options = header.Config.ModelOptions();
        var generator = reuse?.Invoke(options) is { } spare && spare.Options == options ? spare : new GeneratorModel(options);
        CheckLength(path, header.Lengths[index], generator.Network.Values.Length, ArrayNames[index]);
        file.ReadArray(index, generator.Network.Values);
        return (generator, header.Config, header.State);
    }

    private static void CheckLength(string path, int stored, int expected, string what)
    {
        if (stored != expected)
        {
            throw new CheckpointException(path, $"holds {stored:N0} {what} values where this model has {expected:N0} (another architecture?)");
        }
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

    /// <summary>An open checkpoint whose every byte and field has been checked; arrays are read on demand.</summary>
    private sealed class VerifiedFile : IDisposable
    {
        private readonly FileStream _stream;
        private readonly string _path;
        private readonly long[] _offsets;

        private VerifiedFile(FileStream stream, string path, Header header, long[] offsets)
        {
            _stream = stream;
            _path = path;
            Header = header;
            _offsets = offsets;
        }

        public Header Header { get; }

        public void Dispose() => _stream.Dispose();

        /// <summary>Copies array <paramref name="index"/> (length already matched) into <paramref name="target"/>.</summary>
        public void ReadArray(int index, float[] target)
        {
            _stream.Position = _offsets[index];
            Read(MemoryMarshal.AsBytes(target.AsSpan()));
        }

        public static VerifiedFile Open(string path)
        {
            var stream = OpenRegularFile(path);
            try
            {
                return Verify(stream, path);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        private static FileStream OpenRegularFile(string path)
        {
            // The size before opening (of what a symbolic link finally points to): a FIFO would block open(2) itself,
            // and devices report 0 bytes.
            var info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
            {
                info = target;
            }
            if (!info.Exists)
            {
                throw new CheckpointException(path, Directory.Exists(path) ? "is a folder, not a checkpoint file" : "does not exist");
            }
            if (info.Length < FixedSize + SealSize)
            {
                throw new CheckpointException(path, $"is not a dcgan checkpoint ({info.Length} bytes: empty, cut short or not a regular file)");
            }
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CheckpointException(path, $"cannot be read: {e.Message.ReplaceLineEndings(" ")}");
            }
            if (!stream.CanSeek)
            {
                stream.Dispose();
                throw new CheckpointException(path, "is not a regular file");
            }
            return stream;
        }

        private static VerifiedFile Verify(FileStream stream, string path)
        {
            // The length as opened: nothing past it is read, whatever the file does meanwhile.
            long length = stream.Length;
            if (length < FixedSize + SealSize)
            {
                throw new CheckpointException(path, "is not a dcgan checkpoint");
            }
            var file = new Reader(stream, path, length);
            Span<byte> start = stackalloc byte[FixedSize];
            file.ReadAt(0, start);
            if (!start[..8].SequenceEqual(Magic))
            {
                throw new CheckpointException(path, "is not a dcgan checkpoint");
            }
            uint version = BitConverter.ToUInt32(start[8..]);
            if (version != FormatVersion)
            {
                throw new CheckpointException(path, $"has format version {version}; this dcgan reads version {FormatVersion}");
            }
            file.CheckSeal();

            // The header: its length against the file's size before a byte of it is allocated.
            uint headerLength = BitConverter.ToUInt32(start[12..]);
            long bodyLength = length - SealSize - FixedSize - headerLength;
            if (headerLength > MaxHeaderBytes || bodyLength < 0)
            {
                throw new CheckpointException(path, $"is damaged (a header of {headerLength:N0} bytes does not fit a file of {length:N0})");
            }
            var headerBytes = new byte[headerLength];
            file.ReadAt(FixedSize, headerBytes);
            Header header;
            try
            {
                header = JsonSerializer.Deserialize<Header>(headerBytes, Json) ?? throw new JsonException("the header is null");
            }
            catch (JsonException e)
            {
                throw new CheckpointException(path, $"has an unreadable header ({OneLine(e.Message)})");
            }
            if (header.Format != FormatVersion)
            {
                throw new CheckpointException(path, $"has a header of format {header.Format} in a version {FormatVersion} file");
            }
            if (header.Config.Problem() is { } setting)
            {
                throw new CheckpointException(path, $"holds a setting train refuses: {setting}");
            }
            if (header.State.Problem(header.Config) is { } state)
            {
                throw new CheckpointException(path, $"holds an impossible training state: {state}");
            }

            // The arrays: as many as the run keeps, their lengths adding up to the file's size exactly.
            int expectedArrays = header.Config.GeneratorEma > 0 ? 7 : 6;
            if (header.Lengths.Length != expectedArrays)
            {
                throw new CheckpointException(path, $"is damaged ({header.Lengths.Length} arrays where a run with these settings keeps {expectedArrays})");
            }
            if (header.Lengths.Any(l => l < 0) || header.Lengths.Sum(l => 4L + (4L * l)) != bodyLength)
            {
                throw new CheckpointException(path, "is damaged (array sizes do not match the header)");
            }
            var offsets = new long[header.Lengths.Length];
            long offset = FixedSize + headerLength;
            Span<byte> prefix = stackalloc byte[4];
            for (int i = 0; i < header.Lengths.Length; i++)
            {
                file.ReadAt(offset, prefix);
                if (BitConverter.ToUInt32(prefix) != (uint)header.Lengths[i])
                {
                    throw new CheckpointException(path, "is damaged (array length prefix mismatch)");
                }
                offsets[i] = offset + 4;
                // Adam's second moments are running means of squares: never negative.
                file.CheckFinite(offsets[i], header.Lengths[i], ArrayNames[i], nonNegative: i is 3 or 5);
                offset = offsets[i] + (4L * header.Lengths[i]);
            }
            return new VerifiedFile(stream, path, header, offsets);
        }

        private void Read(Span<byte> destination)
        {
            try
            {
                _stream.ReadExactly(destination);
            }
            catch (Exception e) when (e is IOException)
            {
                throw new CheckpointException(_path, $"cannot be read: {OneLine(e.Message)}");
            }
        }
    }

    /// <summary>Reads a checkpoint's bytes through one pooled buffer, never past the length it had when opened.</summary>
    private readonly struct Reader(FileStream stream, string path, long length)
    {
        public void ReadAt(long offset, Span<byte> destination)
        {
            if (offset < 0 || offset + destination.Length > length)
            {
                throw new CheckpointException(path, "is damaged (cut short)");
            }
            try
            {
                stream.Position = offset;
                stream.ReadExactly(destination);
            }
            catch (Exception e) when (e is IOException)
            {
                throw new CheckpointException(path, e is EndOfStreamException ? "is damaged (cut short while being read)" : $"cannot be read: {OneLine(e.Message)}");
            }
        }

        /// <summary>The SHA-256 of every byte before the last 32 must be those 32 bytes.</summary>
        public void CheckSeal()
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                long sealedLength = length - SealSize;
                for (long at = 0; at < sealedLength; at += BufferSize)
                {
                    var chunk = buffer.AsSpan(0, (int)Math.Min(BufferSize, sealedLength - at));
                    ReadAt(at, chunk);
                    hash.AppendData(chunk);
                }
                Span<byte> seal = stackalloc byte[SealSize];
                ReadAt(sealedLength, seal);
                if (!hash.GetHashAndReset().AsSpan().SequenceEqual(seal))
                {
                    throw new CheckpointException(path, "is damaged (checksum mismatch: truncated or modified)");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Every float of the array at <paramref name="offset"/> is a finite number (and not negative, when asked).</summary>
        public void CheckFinite(long offset, int count, string what, bool nonNegative)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                for (int done = 0; done < count;)
                {
                    int n = Math.Min(BufferSize / 4, count - done);
                    var chunk = buffer.AsSpan(0, n * 4);
                    ReadAt(offset + (4L * done), chunk);
                    var values = MemoryMarshal.Cast<byte, float>(chunk);
                    int bad = FiniteValues.FirstNonFinite(values);
                    if (bad < 0 && nonNegative)
                    {
                        bad = values.IndexOfAnyExceptInRange(0f, float.MaxValue);
                    }
                    if (bad >= 0)
                    {
                        throw new CheckpointException(path, $"holds {values[bad]} at {what} value {done + bad:N0} (a diverged model, or a modified file)");
                    }
                    done += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
