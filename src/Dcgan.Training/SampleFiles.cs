// Writing generated images: a PNG grid, an IDX3 file of unsigned bytes (the MNIST format, gray runs), or NumPy's .npy
// and .npz (uint8 N x H x W x C, any run). The array formats are written a chunk of images at a time, so any count
// fits in memory. Reference for .npy: NumPy's format 1.0 (magic, little-endian header length, a Python dict literal).
namespace Dcgan.Training;

using Dcgan.Imaging;

/// <summary>Saves images in [-1, 1] as IDX or PNG.</summary>
public static class SampleFiles
{
    /// <summary>pixel = round((x + 1) * 127.5) clamped to [0, 255], as the inverse of the training scaling.</summary>
    public static byte ToByte(float x) => (byte)Math.Clamp(MathF.Round((x + 1f) * 127.5f, MidpointRounding.AwayFromZero), 0f, 255f);

    /// <summary>The file extensions <see cref="WriteArray"/> takes.</summary>
    public static readonly IReadOnlyList<string> ArrayExtensions = [".idx", ".npy", ".npz"];

    /// <summary>
    /// Draws <paramref name="count"/> images from <paramref name="sampler"/> straight into an array file chosen by the
    /// extension: .idx (IDX3, gray runs only), .npy (the images) or .npz (images.npy, plus labels.npy as int64 for a
    /// conditional run). Written atomically.
    /// </summary>
    public static void WriteArray(string path, Sampler sampler, int count, ulong seed, int? label)
    {
        int side = sampler.ImageSize, channels = sampler.Generator.Options.Channels;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".idx" && channels != 1)
        {
            throw new ArgumentException($"IDX holds gray images; this run draws {channels} channels (write .npy or .npz)");
        }
        int[] shape = channels == 1 && ext == ".idx" ? [count, side, side] : [count, side, side, channels];
        byte[] buffer = new byte[sampler.ChunkSize * sampler.ImageValues];
        var labels = new long[count];
        void Images(Stream stream) => sampler.Draw(count, seed, label, (images, drawn, start) =>
        {
            for (int i = 0; i < images.Length; i++)
            {
                buffer[i] = ToByte(images[i]);
            }
            stream.Write(buffer, 0, images.Length);
            for (int i = 0; i < drawn.Length; i++)
            {
                labels[start + i] = drawn[i];
            }
        });
        AtomicFile.Write(path, stream =>
        {
            switch (ext)
            {
                case ".idx":
                    stream.Write(IdxHeader(shape));
                    Images(stream);
                    break;
                case ".npy":
                    stream.Write(NpyHeader("|u1", shape));
                    Images(stream);
                    break;
                case ".npz":
                    using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
                    {
                        using (var entry = zip.CreateEntry("images.npy", System.IO.Compression.CompressionLevel.Fastest).Open())
                        {
                            entry.Write(NpyHeader("|u1", shape));
                            Images(entry);
                        }
                        if (sampler.Classes > 0)
                        {
                            using var entry = zip.CreateEntry("labels.npy", System.IO.Compression.CompressionLevel.Fastest).Open();
                            entry.Write(NpyHeader("<i8", [count]));
                            entry.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
                        }
                    }
                    break;
                default:
                    throw new ArgumentException($"cannot write {ext} (expected one of {string.Join(", ", ArrayExtensions)})");
            }
        });
    }

    /// <summary>The IDX header of an unsigned-byte array: magic 0x0000080R (R = rank) and each dimension big-endian.</summary>
    private static byte[] IdxHeader(int[] shape)
    {
        var header = new byte[4 + 4 * shape.Length];
        WriteBigEndian(header, 0x00000800 | shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            WriteBigEndian(header.AsSpan(4 + 4 * i), shape[i]);
        }
        return header;
    }

    /// <summary>A .npy 1.0 header: magic, version, u16 header length, the dict padded with spaces to a multiple of 64 bytes.</summary>
    public static byte[] NpyHeader(string descr, int[] shape)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        dict = dict.PadRight(dict.Length + padded - total) + "\n";
        var header = new byte[10 + dict.Length];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)dict.Length);
        System.Text.Encoding.ASCII.GetBytes(dict).CopyTo(header, 10);
        return header;
    }

    /// <summary>Writes a near-square PNG grid of the images (NHWC, 1 gray or 3 RGB channels), atomically.</summary>
    public static void WritePng(string path, ReadOnlySpan<float> images, int count, int height, int width, int channels, GridScaling scaling)
        => ImageFiles.WritePng(path, RunArtifacts.ComposeGrid(images, count, height, width, channels, scaling));

    private static void WriteBigEndian(Span<byte> target, int value) => System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(target, value);
}
