// PNG writer for 8-bit grayscale, RGB and RGBA images, per the PNG specification (W3C Recommendation,
// 3rd edition): signature, IHDR, zlib-compressed IDAT with per-row adaptive filtering, IEND.
using System.Buffers.Binary;
using System.IO.Compression;

namespace Dcgan.Imaging;

/// <summary>Encodes row-major 8-bit pixels as PNG.</summary>
public static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Splitting IDAT keeps any single chunk (and a decoder's buffer for it) bounded; the split points are arbitrary.
    private const int MaxIdatChunk = 1 << 20;

    /// <summary>Writes a PNG of <paramref name="pixels"/> (row-major, <see cref="BytesPerPixel"/> bytes per pixel) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(output);
        int bpp = BytesPerPixel(colorType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int rowBytes = checked(width * bpp);
        if (pixels.Length != checked(rowBytes * height))
        {
            throw new ArgumentException($"Expected {width}x{height}x{bpp} = {(long)rowBytes * height} bytes, got {pixels.Length}.", nameof(pixels));
        }

        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                // bit depth
        header[9] = (byte)colorType;
        header[10] = 0;               // compression method: deflate
        header[11] = 0;               // filter method: adaptive, five basic types
        header[12] = 0;               // no interlace
        WriteChunk(output, "IHDR"u8, header);

        byte[] compressed = CompressScanlines(pixels, rowBytes, height, bpp, level, out int compressedLength);
        for (int offset = 0; offset < compressedLength; offset += MaxIdatChunk)
        {
            int n = Math.Min(MaxIdatChunk, compressedLength - offset);
            WriteChunk(output, "IDAT"u8, compressed.AsSpan(offset, n));
        }
        WriteChunk(output, "IEND"u8, ReadOnlySpan<byte>.Empty);
    }

    /// <summary>Writes a grayscale image as PNG to <paramref name="output"/>.</summary>
    public static void Write(Stream output, GrayImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        Write(output, image.Pixels, image.Width, image.Height, PngColorType.Gray, level);
    }

    /// <summary>Returns the PNG file bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var ms = new MemoryStream();
        Write(ms, pixels, width, height, colorType, level);
        return ms.ToArray();
    }

    /// <summary>Atomically writes a PNG file (temporary file, then rename).</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType, CompressionLevel level = CompressionLevel.Optimal)
    {
        // Encode before touching the file system so invalid arguments never leave a temporary file behind.
        byte[] png = Encode(pixels, width, height, colorType, level);
        AtomicFile.Write(path, s => s.Write(png, 0, png.Length));
    }

    /// <summary>Atomically writes a grayscale image as a PNG file.</summary>
    public static void WriteFile(string path, GrayImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        WriteFile(path, image.Pixels, image.Width, image.Height, PngColorType.Gray, level);
    }

    /// <summary>Bytes per pixel of an 8-bit image of the given colour type.</summary>
    public static int BytesPerPixel(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray => 1,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), colorType, "Unsupported PNG colour type."),
    };

    private static byte[] CompressScanlines(ReadOnlySpan<byte> pixels, int rowBytes, int height, int bpp, CompressionLevel level, out int length)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, level, leaveOpen: true))
        {
            // Row 0 has no row above; the spec treats it as zeros, which a zeroed buffer models exactly.
            byte[] zeros = new byte[rowBytes];
            // One candidate line per filter type, each with its leading filter-type byte.
            byte[][] candidates = new byte[5][];
            for (int f = 0; f < 5; f++)
            {
                candidates[f] = new byte[rowBytes + 1];
                candidates[f][0] = (byte)f;
            }
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<byte> row = pixels.Slice(y * rowBytes, rowBytes);
                ReadOnlySpan<byte> prior = y == 0 ? zeros : pixels.Slice((y - 1) * rowBytes, rowBytes);
                int best = ChooseFilter(row, prior, bpp, candidates);
                zlib.Write(candidates[best]);
            }
        }
        length = (int)buffer.Length;
        return buffer.GetBuffer();
    }

    /// <summary>
    /// Fills every candidate and returns the filter whose output has the smallest sum of absolute values
    /// (bytes read as signed), the heuristic the PNG specification recommends (section 12.8).
    /// </summary>
    private static int ChooseFilter(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, byte[][] candidates)
    {
        Span<byte> none = candidates[0].AsSpan(1);
        Span<byte> sub = candidates[1].AsSpan(1);
        Span<byte> up = candidates[2].AsSpan(1);
        Span<byte> avg = candidates[3].AsSpan(1);
        Span<byte> paeth = candidates[4].AsSpan(1);
        long sNone = 0, sSub = 0, sUp = 0, sAvg = 0, sPaeth = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int x = row[i];
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prior[i];
            int c = i >= bpp ? prior[i - bpp] : 0;
            byte vNone = (byte)x;
            byte vSub = (byte)(x - a);
            byte vUp = (byte)(x - b);
            byte vAvg = (byte)(x - ((a + b) >> 1));
            byte vPaeth = (byte)(x - PaethPredictor(a, b, c));
            none[i] = vNone;
            sub[i] = vSub;
            up[i] = vUp;
            avg[i] = vAvg;
            paeth[i] = vPaeth;
            sNone += Math.Abs((int)(sbyte)vNone);
            sSub += Math.Abs((int)(sbyte)vSub);
            sUp += Math.Abs((int)(sbyte)vUp);
            sAvg += Math.Abs((int)(sbyte)vAvg);
            sPaeth += Math.Abs((int)(sbyte)vPaeth);
        }
        // Ties go to the lower filter number: cheaper to decode and deterministic.
        int best = 0;
        long bestSum = sNone;
        Span<long> sums = [sNone, sSub, sUp, sAvg, sPaeth];
        for (int f = 1; f < 5; f++)
        {
            if (sums[f] < bestSum)
            {
                bestSum = sums[f];
                best = f;
            }
        }
        return best;
    }

    internal static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        // The CRC covers the chunk type and data but not the length.
        uint crc = Crc32.Update(0xFFFFFFFFu, type);
        crc = Crc32.Update(crc, data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
