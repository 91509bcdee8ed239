// Takes a checkpoint file apart and puts it back together sealed with a fresh SHA-256, as someone crafting a file
// would: the tests edit its JSON header, its length fields and its arrays and then see what the reader makes of it.
namespace Dcgan.Training.Tests;

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>A checkpoint's parts: the JSON header and the bytes after it (length-prefixed arrays), seal left off.</summary>
public sealed class CheckpointBytes
{
    private const int FixedSize = 16;

    private CheckpointBytes(JsonObject header, byte[] arrays)
    {
        Header = header;
        Arrays = arrays;
    }

    public JsonObject Header { get; }

    /// <summary>Everything between the header and the seal.</summary>
    public byte[] Arrays { get; }

    public static CheckpointBytes Parse(byte[] file)
    {
        int headerLength = (int)BitConverter.ToUInt32(file, 12);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, FixedSize, headerLength))!.AsObject();
        return new CheckpointBytes(header, file.AsSpan(FixedSize + headerLength, file.Length - 32 - FixedSize - headerLength).ToArray());
    }

    /// <summary>
    /// The file with <see cref="Header"/> as edited (or <paramref name="headerText"/> instead) and <see cref="Arrays"/>,
    /// sealed; <paramref name="headerLength"/> overrides the length field.
    /// </summary>
    public byte[] ToFile(string? headerText = null, uint? headerLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerText ?? Header.ToJsonString());
        var file = new byte[FixedSize + header.Length + Arrays.Length + 32];
        "DCGANCK\0"u8.CopyTo(file);
        BitConverter.TryWriteBytes(file.AsSpan(8), 1u);
        BitConverter.TryWriteBytes(file.AsSpan(12), headerLength ?? (uint)header.Length);
        header.CopyTo(file, FixedSize);
        Arrays.CopyTo(file, FixedSize + header.Length);
        SHA256.HashData(file.AsSpan(0, file.Length - 32), file.AsSpan(file.Length - 32));
        return file;
    }

    /// <summary>Appends the SHA-256 of <paramref name="unsealed"/> to it.</summary>
    public static byte[] Seal(byte[] unsealed) => [.. unsealed, .. SHA256.HashData(unsealed)];

    /// <summary>Replaces a file's last 32 bytes with the seal of the bytes before them.</summary>
    public static byte[] Reseal(byte[] file)
    {
        SHA256.HashData(file.AsSpan(0, file.Length - 32), file.AsSpan(file.Length - 32));
        return file;
    }

    /// <summary>Where array <paramref name="index"/>'s values start inside <see cref="Arrays"/>.</summary>
    public int ArrayStart(int index)
    {
        int offset = 0;
        for (int i = 0; i < index; i++)
        {
            offset += 4 + (4 * (int)BitConverter.ToUInt32(Arrays, offset));
        }
        return offset + 4;
    }
}
