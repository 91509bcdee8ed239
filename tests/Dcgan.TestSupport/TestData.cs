// Builders for small IDX, .npy and .npz files (written into a TempDir), so reader and resolver tests exercise real
// bytes on disk without touching the user's home or cache.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Dcgan.Data;

namespace Dcgan.TestSupport;

/// <summary>Writers for small data files in the formats the data sets come in.</summary>
public static class TestData
{
    /// <summary>IDX bytes: magic, big-endian dims, data.</summary>
    public static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return memory.ToArray();
    }

    /// <summary>Deterministic pixels: image i, pixel p = (i * 31 + p * 7) mod 256.</summary>
    public static byte[] Pixels(int count, int height, int width)
    {
        var data = new byte[count * height * width];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < height * width; p++)
            {
                data[i * height * width + p] = (byte)((i * 31 + p * 7) % 256);
            }
        }
        return data;
    }

    /// <summary>Deterministic labels: i mod 10.</summary>
    public static byte[] Labels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();

    /// <summary>Writes the four standard files (28x28) into a folder; returns the folder.</summary>
    public static string WriteIdxSet(string folder, int train, int test, bool gzip)
    {
        Directory.CreateDirectory(folder);
        void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(folder, name + (gzip ? ".gz" : "")), gzip ? Gzip(bytes) : bytes);
        Write("train-images-idx3-ubyte", Idx(0x803, [train, 28, 28], Pixels(train, 28, 28)));
        Write("train-labels-idx1-ubyte", Idx(0x801, [train], Labels(train)));
        Write("t10k-images-idx3-ubyte", Idx(0x803, [test, 28, 28], Pixels(test, 28, 28)));
        Write("t10k-labels-idx1-ubyte", Idx(0x801, [test], Labels(test)));
        return folder;
    }

    /// <summary>A .npy file image (version 1, 2 or 3) with a NumPy-style padded header.</summary>
    public static byte[] Npy(int[] shape, byte[] data, int version = 1, string descr = "|u1", string fortran = "False")
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shapeText}, }}";
        int prefix = version == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)version);
        bytes.Add(0);
        if (version == 1)
        {
            bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        }
        else
        {
            bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        }
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>Writes an .npz with the given members (names without .npy).</summary>
    public static void WriteNpz(string path, IEnumerable<(string Name, byte[] Npy)> members, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, byte[] npy) in members)
        {
            ZipArchiveEntry entry = zip.CreateEntry(name + ".npy", level);
            using Stream stream = entry.Open();
            stream.Write(npy);
        }
    }

    /// <summary>A Keras-layout mnist .npz with 28x28 images.</summary>
    public static void WriteKerasNpz(string path, int train, int test, CompressionLevel level = CompressionLevel.NoCompression) =>
        WriteNpz(path,
        [
            ("x_train", Npy([train, 28, 28], Pixels(train, 28, 28))),
            ("y_train", Npy([train], Labels(train))),
            ("x_test", Npy([test, 28, 28], Pixels(test, 28, 28))),
            ("y_test", Npy([test], Labels(test))),
        ], level);

    /// <summary>A spec like MNIST's whose checksums pin the content <see cref="WriteIdxSet"/> writes.</summary>
    public static DatasetSpec PinnedSpec(string name, int train, int test) => new(
        name, 28, 28, 10,
        DatasetSpec.Standard(
            new ByteTensor([train, 28, 28], Pixels(train, 28, 28)).IdxSha256(),
            new ByteTensor([train], Labels(train)).IdxSha256(),
            new ByteTensor([test, 28, 28], Pixels(test, 28, 28)).IdxSha256(),
            new ByteTensor([test], Labels(test)).IdxSha256()),
        []);
}
