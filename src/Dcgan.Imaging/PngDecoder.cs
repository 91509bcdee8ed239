// Minimal PNG reader for what PngEncoder writes (8-bit gray, RGB, RGBA, non-interlaced), following the
// PNG specification (W3C, 3rd edition): verifies chunk CRCs, inflates IDAT, reverses the five filters.
using System.Buffers.Binary;
using System.IO.Compression;

namespace Dcgan.Imaging;

/// <summary>Decodes 8-bit non-interlaced PNG files; for round-trip checks, not a general-purpose reader.</summary>
public static class PngDecoder
{
    /// <summary>Decodes <paramref name="png"/> and returns its row-major pixels.</summary>
    /// <exception cref="InvalidDataException">The data is not a PNG this decoder supports, or is corrupt.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> png, out int width, out int height, out PngColorType colorType)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(PngEncoder.Signature))
        {
            throw new InvalidDataException("Missing PNG signature.");
        }
        width = height = 0;
        colorType = PngColorType.Gray;
        bool haveHeader = false, haveEnd = false;
        using var idat = new MemoryStream();
        int pos = 8;
        while (!haveEnd)
        {
            if (pos + 12 > png.Length)
            {
                throw new InvalidDataException("Truncated PNG chunk.");
            }
            int length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            if (length < 0 || pos + 12L + length > png.Length)
            {
                throw new InvalidDataException("Bad PNG chunk length.");
            }
            ReadOnlySpan<byte> typeAndData = png.Slice(pos + 4, 4 + length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + length)..]);
            if (Crc32.Compute(typeAndData) != stored)
            {
                throw new InvalidDataException("PNG chunk CRC mismatch.");
            }
            ReadOnlySpan<byte> type = typeAndData[..4];
            ReadOnlySpan<byte> data = typeAndData[4..];
            if (type.SequenceEqual("IHDR"u8))
            {
                if (length != 13)
                {
                    throw new InvalidDataException("Bad IHDR length.");
                }
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                colorType = (PngColorType)data[9];
                if (width <= 0 || height <= 0 || data[8] != 8 || data[10] != 0 || data[11] != 0 || data[12] != 0
                    || colorType is not (PngColorType.Gray or PngColorType.Rgb or PngColorType.Rgba))
                {
                    throw new InvalidDataException("Unsupported PNG header (only 8-bit gray/RGB/RGBA, non-interlaced).");
                }
                haveHeader = true;
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                haveEnd = true;
            }
            else if ((type[0] & 0x20) == 0)
            {
                // Lower-case first letter marks an ancillary chunk that may be skipped; anything else is critical.
                throw new InvalidDataException("Unknown critical PNG chunk.");
            }
            pos += 12 + length;
        }
        if (!haveHeader)
        {
            throw new InvalidDataException("Missing IHDR.");
        }

        int bpp = PngEncoder.BytesPerPixel(colorType);
        int rowBytes = checked(width * bpp);
        byte[] pixels = new byte[checked(rowBytes * height)];
        byte[] line = new byte[rowBytes + 1];
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        for (int y = 0; y < height; y++)
        {
            zlib.ReadExactly(line);
            Span<byte> row = pixels.AsSpan(y * rowBytes, rowBytes);
            ReadOnlySpan<byte> prior = y == 0 ? new byte[rowBytes] : pixels.AsSpan((y - 1) * rowBytes, rowBytes);
            Unfilter(line[0], line.AsSpan(1), row, prior, bpp);
        }
        return pixels;
    }

    private static void Unfilter(byte filter, ReadOnlySpan<byte> src, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prior[i];
            int c = i >= bpp ? prior[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                4 => PngEncoder.PaethPredictor(a, b, c),
                _ => throw new InvalidDataException($"Bad PNG filter type {filter}."),
            };
            row[i] = (byte)(src[i] + predictor);
        }
    }
}
