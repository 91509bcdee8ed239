// An n-dimensional uint8 array as stored in IDX files and .npy members (row-major), plus its canonical
// checksum: the SHA-256 of the equivalent raw IDX file, so IDX (raw or gzip) and .npz copies compare alike.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Dcgan.Data;

/// <summary>A row-major uint8 array with its shape.</summary>
public sealed class ByteTensor
{
    public ByteTensor(int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long size = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d);
            size *= d;
        }
        if (size != data.LongLength)
        {
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {size} values, data has {data.LongLength}");
        }
        Shape = shape;
        Data = data;
    }

    /// <summary>Dimension sizes, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>The values, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>The shape as text, e.g. "60000x28x28".</summary>
    public string ShapeText => string.Join("x", Shape);

    /// <summary>SHA-256 (lowercase hex) of this array written as a raw IDX uint8 file.</summary>
    public string IdxSha256()
    {
        // IDX header: two zero bytes, type 0x08 (ubyte), rank, then each dimension as big-endian int32.
        byte[] header = new byte[4 + 4 * Shape.Length];
        header[2] = 0x08;
        header[3] = (byte)Shape.Length;
        for (int i = 0; i < Shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), Shape[i]);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(Data);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
