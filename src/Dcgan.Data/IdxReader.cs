// Reader for the IDX format of LeCun's MNIST files (and Fashion-MNIST, which copies it): a big-endian header
// 0x00 0x00 <type> <rank>, one int32 per dimension, then the values. Raw or gzip, told apart by the gzip magic.
using System.Buffers.Binary;
using System.IO.Compression;

namespace Dcgan.Data;

/// <summary>Reads and validates IDX files of unsigned bytes, raw or gzip-compressed.</summary>
public static class IdxReader
{
    /// <summary>Magic of an image file: ubyte values, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic of a label file: ubyte values, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>True when the file starts with the gzip magic bytes 1f 8b.</summary>
    public static bool IsGzip(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        return stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
    }

    /// <summary>Reads an image file (N x rows x columns) and checks its magic and size.</summary>
    public static ByteTensor ReadImages(string path) => Read(path, ImagesMagic);

    /// <summary>Reads a label file (N) and checks its magic and size; label range is the caller's to check.</summary>
    public static ByteTensor ReadLabels(string path) => Read(path, LabelsMagic);

    /// <summary>Reads an IDX ubyte file whose magic must equal <paramref name="expectedMagic"/>.</summary>
    public static ByteTensor Read(string path, int expectedMagic)
    {
        Stream stream = OpenFile(path);
        try
        {
            bool gzip = stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
            stream.Position = 0;
            long fileLength = stream.Length;
            if (gzip)
            {
                stream = new GZipStream(stream, CompressionMode.Decompress);
            }
            return Read(stream, path, expectedMagic, gzip ? -1 : fileLength);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{path}: not a valid gzip stream ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{path}: read error: {e.Message}", e);
        }
        finally
        {
            stream.Dispose();
        }
    }

    /// <summary>
    /// Reads an IDX stream. <paramref name="knownLength"/> is the stream's byte length when known (raw files),
    /// so a wrong size is reported before reading; -1 for compressed streams, checked while reading.
    /// </summary>
    public static ByteTensor Read(Stream stream, string name, int expectedMagic, long knownLength = -1)
    {
        Span<byte> head = stackalloc byte[4];
        int got = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw new DataException($"{name}: file too short for an IDX header ({got} bytes)");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(head);
        int expectedRank = expectedMagic & 0xff;
        if (magic != expectedMagic)
        {
            string what = expectedMagic == ImagesMagic ? "an IDX image file" : expectedMagic == LabelsMagic ? "an IDX label file" : "the expected IDX file";
            throw new DataException(
                $"{name}: bad magic number 0x{magic:x8}, expected 0x{expectedMagic:x8} ({what}: unsigned bytes, {expectedRank} dimension{(expectedRank == 1 ? "" : "s")})");
        }

        Span<byte> dimBytes = stackalloc byte[4 * expectedRank];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
        {
            throw new DataException($"{name}: truncated header: {expectedRank} dimension sizes need {dimBytes.Length} bytes after the magic, found {got}");
        }
        int[] shape = new int[expectedRank];
        long size = 1;
        for (int i = 0; i < expectedRank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(dimBytes[(4 * i)..]);
            if (d <= 0)
            {
                throw new DataException($"{name}: dimension {i} has invalid size {d}");
            }
            shape[i] = d;
            size *= d;
            if (size > Array.MaxLength)
            {
                throw new DataException($"{name}: header claims more than {Array.MaxLength} values, too large to be a data set of this kind");
            }
        }
        string shapeText = string.Join("x", shape);
        long headerLength = 4 + dimBytes.Length;
        if (knownLength >= 0 && knownLength != headerLength + size)
        {
            string fault = knownLength < headerLength + size ? "truncated" : "extra bytes";
            throw new DataException(
                $"{name}: {fault}: header claims {shapeText} ({headerLength + size} bytes with header) but the file has {knownLength} bytes");
        }

        byte[] data = GC.AllocateUninitializedArray<byte>((int)size);
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            throw new DataException(
                $"{name}: truncated: header claims {shapeText} ({size} data bytes) but only {got} follow the header");
        }
        if (knownLength < 0)
        {
            Span<byte> probe = stackalloc byte[256];
            long extra = 0;
            int n;
            while ((n = stream.Read(probe)) > 0)
            {
                extra += n;
            }
            if (extra > 0)
            {
                throw new DataException($"{name}: extra bytes: {extra} bytes follow the {shapeText} data the header claims");
            }
        }
        return new ByteTensor(shape, data);
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new DataException($"{path}: file not found", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DataException($"{path}: folder not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataException($"{path}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{path}: cannot open: {e.Message}", e);
        }
    }
}
