// The decoded-images cache file: an image folder's training tensor, so it is decoded once. Named by a SHA-256 key over
// the decode settings and every candidate file's relative path, label, size and modification time, so any change to
// the folder gives another key. Layout: "DCGANIMG", u32 version, u32 header length, UTF-8 JSON header (shape,
// classes, the folder report), labels (u8 per image), pixels (u8, N x H x W x C), then the SHA-256 of every byte
// before it. Written atomically; a damaged or foreign file is ignored and decoded again.
namespace Dcgan.Data.Folders;

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dcgan.Imaging;

/// <summary>Reads and writes decoded image sets.</summary>
public static class DecodedCache
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "DCGANIMG"u8.ToArray();

    private sealed class Header
    {
        public int Count { get; set; }
        public int Height { get; set; }
        public int Width { get; set; }
        public int Channels { get; set; }
        public int Classes { get; set; }
        public List<string>? ClassNames { get; set; }
        public FolderReport? Report { get; set; }
    }

    /// <summary>The cache file of a list decoded with given settings: CACHE/decoded/KEY.images.</summary>
    public static string PathFor(string cacheRoot, ImageList list, DecodeSettings settings) =>
        Path.Combine(cacheRoot, "decoded", Key(list, settings) + ".images");

    /// <summary>SHA-256 (hex) over the format, the settings, the class names and every file's path, label, size and time.</summary>
    public static string Key(ImageList list, DecodeSettings settings)
    {
        var text = new StringBuilder();
        text.Append($"dcgan-decoded {FormatVersion}\nsize {settings.ImageSize} channels {settings.Channels} background {settings.BackgroundName} max-pixels {settings.MaxPixels}\n");
        text.Append("classes ").AppendJoin('\u001f', list.ClassNames).Append('\n');
        foreach (var f in list.Files)
        {
            text.Append(f.RelativePath).Append('\u001f').Append(f.Label).Append('\u001f').Append(f.Length).Append('\u001f').Append(f.ModifiedTicks).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Writes <paramref name="data"/> (an image folder's set, with its report) atomically.</summary>
    public static void Write(string path, ImageDataset data)
    {
        var header = new Header
        {
            Count = data.Count,
            Height = data.Height,
            Width = data.Width,
            Channels = data.Channels,
            Classes = data.Classes,
            ClassNames = data.ClassNames?.ToList(),
            Report = data.Report,
        };
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
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
            BinaryPrimitives.WriteUInt32LittleEndian(u32, FormatVersion);
            Put(u32);
            BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)headerBytes.Length);
            Put(u32);
            Put(headerBytes);
            Put(data.Labels);
            Put(data.Pixels);
            stream.Write(hash.GetHashAndReset());
        });
    }

    /// <summary>
    /// Reads a cached set; false when there is none (<paramref name="problem"/> null) or it is unusable
    /// (<paramref name="problem"/> says why). Never throws for a bad file.
    /// </summary>
    public static bool TryRead(string path, string name, string source, out ImageDataset? data, out string? problem)
    {
        data = null;
        problem = null;
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            long length = stream.Length;
            const int fixedSize = 8 + 4 + 4;
            if (length < fixedSize + 32)
            {
                problem = "is too short";
                return false;
            }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] start = new byte[fixedSize];
            stream.ReadExactly(start);
            hash.AppendData(start);
            if (!start.AsSpan(0, 8).SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(start.AsSpan(8)) != FormatVersion)
            {
                problem = "is not a decoded-images file of this version";
                return false;
            }
            uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(start.AsSpan(12));
            if (headerLength > length - fixedSize - 32 || headerLength > 64 << 20)
            {
                problem = "has a bad header length";
                return false;
            }
            byte[] headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            hash.AppendData(headerBytes);
            var header = JsonSerializer.Deserialize<Header>(headerBytes);
            if (header is null || header.Count < 1 || header.Height < 1 || header.Width < 1 || header.Channels is not (1 or 3) || header.Classes < 1)
            {
                problem = "has a bad header";
                return false;
            }
            long pixelCount = (long)header.Count * header.Height * header.Width * header.Channels;
            if (pixelCount > Array.MaxLength || fixedSize + headerLength + header.Count + pixelCount + 32 != length)
            {
                problem = "does not match its header's shape (truncated?)";
                return false;
            }
            byte[] labels = new byte[header.Count];
            stream.ReadExactly(labels);
            hash.AppendData(labels);
            byte[] pixels = new byte[pixelCount];
            stream.ReadExactly(pixels);
            hash.AppendData(pixels);
            byte[] seal = new byte[32];
            stream.ReadExactly(seal);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(seal))
            {
                problem = "is damaged (checksum mismatch)";
                return false;
            }
            if (labels.Any(l => l >= header.Classes))
            {
                problem = "has a label outside its classes";
                return false;
            }
            data = new ImageDataset(name, source, DataSplit.Train, header.Height, header.Width, pixels, labels, header.Channels, header.Classes, header.ClassNames)
            {
                Report = header.Report,
            };
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            problem = $"cannot be read ({e.Message.ReplaceLineEndings(" ")})";
            return false;
        }
    }
}
