// Animated GIF writer per the GIF89a specification (CompuServe, 1990): global colour table, NETSCAPE2.0
// looping application extension, a graphic control extension (delay) and an LZW-coded image per frame.
using System.Buffers.Binary;

namespace Dcgan.Imaging;

/// <summary>
/// Streams an animated GIF frame by frame. All frames share the logical screen size and one global
/// palette; by default the palette is 256 gray levels so a frame's bytes are simply its gray values.
/// </summary>
public sealed class GifEncoder : IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly int _paletteCount;
    private readonly int _minCodeSize;
    private readonly GifLzw _lzw = new();
    private bool _finished;

    /// <summary>Starts a GIF with the 256-level gray palette (index i is gray level i).</summary>
    /// <param name="loopCount">Number of repeats; 0 loops forever.</param>
    public GifEncoder(Stream output, int width, int height, int loopCount = 0, bool leaveOpen = false)
        : this(output, width, height, GrayPalette(), loopCount, leaveOpen)
    {
    }

    /// <summary>Starts a GIF with a custom palette of 2..256 RGB triples (padded with black to a power of two).</summary>
    /// <param name="loopCount">Number of repeats; 0 loops forever.</param>
    public GifEncoder(Stream output, int width, int height, ReadOnlySpan<byte> paletteRgb, int loopCount = 0, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (width is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "GIF sizes are 1..65535.");
        }
        if (height is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "GIF sizes are 1..65535.");
        }
        if (paletteRgb.Length % 3 != 0 || paletteRgb.Length < 6 || paletteRgb.Length > 768)
        {
            throw new ArgumentException("The palette holds 2..256 RGB triples.", nameof(paletteRgb));
        }
        if (loopCount is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(loopCount));
        }
        _output = output;
        _leaveOpen = leaveOpen;
        Width = width;
        Height = height;
        _paletteCount = paletteRgb.Length / 3;
        int tableBits = 1;
        while (1 << tableBits < _paletteCount)
        {
            tableBits++;
        }
        // LZW codes must be able to name every table entry, and the format's minimum is 2 bits.
        _minCodeSize = Math.Max(2, tableBits);

        Span<byte> head = stackalloc byte[13];
        "GIF89a"u8.CopyTo(head);
        BinaryPrimitives.WriteUInt16LittleEndian(head[6..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(head[8..], (ushort)height);
        // Global table present, colour resolution and table size both from tableBits, unsorted.
        head[10] = (byte)(0x80 | ((tableBits - 1) << 4) | (tableBits - 1));
        head[11] = 0; // background colour index
        head[12] = 0; // no pixel aspect ratio given
        output.Write(head);
        byte[] table = new byte[3 << tableBits];
        paletteRgb.CopyTo(table);
        output.Write(table);

        // NETSCAPE2.0 application extension: sub-block id 1, then the little-endian loop count.
        Span<byte> loop = stackalloc byte[19];
        loop[0] = 0x21;
        loop[1] = 0xFF;
        loop[2] = 11;
        "NETSCAPE2.0"u8.CopyTo(loop[3..]);
        loop[14] = 3;
        loop[15] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(loop[16..], (ushort)loopCount);
        loop[18] = 0; // block terminator
        output.Write(loop);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Number of frames written so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Appends a full-size frame of palette indices (row-major), shown for <paramref name="delayCentiseconds"/> hundredths of a second.</summary>
    public void AddFrame(ReadOnlySpan<byte> indices, int delayCentiseconds)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (indices.Length != Width * Height)
        {
            throw new ArgumentException($"Expected {Width}x{Height} = {Width * Height} pixels, got {indices.Length}.", nameof(indices));
        }
        if (delayCentiseconds is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(delayCentiseconds));
        }
        if (_paletteCount < 256)
        {
            // An index past the palette would decode to padding black or be rejected, depending on the viewer.
            int bad = indices.IndexOfAnyInRange((byte)_paletteCount, (byte)255);
            if (bad >= 0)
            {
                throw new ArgumentException($"Pixel {bad} has index {indices[bad]} but the palette has {_paletteCount} colours.", nameof(indices));
            }
        }

        Span<byte> gce = stackalloc byte[8];
        gce[0] = 0x21;
        gce[1] = 0xF9;
        gce[2] = 4;
        gce[3] = 1 << 2; // disposal 1 "do not dispose": every frame covers the whole screen anyway; no transparency
        BinaryPrimitives.WriteUInt16LittleEndian(gce[4..], (ushort)delayCentiseconds);
        gce[6] = 0; // transparent index (unused)
        gce[7] = 0; // terminator
        _output.Write(gce);

        Span<byte> descriptor = stackalloc byte[10];
        descriptor[0] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[1..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[3..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[5..], (ushort)Width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[7..], (ushort)Height);
        descriptor[9] = 0; // no local colour table, not interlaced
        _output.Write(descriptor);

        _lzw.Encode(indices, _minCodeSize, _output);
        FrameCount++;
    }

    /// <summary>Appends a grayscale frame (meaningful with the gray palette).</summary>
    public void AddFrame(GrayImage frame, int delayCentiseconds)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"Frame is {frame.Width}x{frame.Height}, the animation is {Width}x{Height}.", nameof(frame));
        }
        AddFrame(frame.Pixels, delayCentiseconds);
    }

    /// <summary>Writes the trailer. Further frames are rejected.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        if (FrameCount == 0)
        {
            throw new InvalidOperationException("A GIF needs at least one frame.");
        }
        _output.WriteByte(0x3B);
        _output.Flush();
        _finished = true;
    }

    /// <summary>Finishes the file if frames were written, and closes the stream unless told to leave it open.</summary>
    public void Dispose()
    {
        if (!_finished && FrameCount > 0)
        {
            Finish();
        }
        _finished = true;
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    /// <summary>Encodes grayscale frames (all the same size) with per-frame delays in hundredths of a second.</summary>
    public static byte[] Encode(IReadOnlyList<GrayImage> frames, IReadOnlyList<int> delaysCentiseconds, int loopCount = 0)
    {
        using var ms = new MemoryStream();
        Write(ms, frames, delaysCentiseconds, loopCount);
        return ms.ToArray();
    }

    /// <summary>Atomically writes an animated GIF of grayscale frames with per-frame delays.</summary>
    public static void WriteFile(string path, IReadOnlyList<GrayImage> frames, IReadOnlyList<int> delaysCentiseconds, int loopCount = 0)
    {
        byte[] gif = Encode(frames, delaysCentiseconds, loopCount);
        AtomicFile.Write(path, s => s.Write(gif, 0, gif.Length));
    }

    /// <summary>Atomically writes an animated GIF of grayscale frames shown <paramref name="delayCentiseconds"/> each.</summary>
    public static void WriteFile(string path, IReadOnlyList<GrayImage> frames, int delayCentiseconds, int loopCount = 0)
    {
        ArgumentNullException.ThrowIfNull(frames);
        WriteFile(path, frames, Enumerable.Repeat(delayCentiseconds, frames.Count).ToArray(), loopCount);
    }

    /// <summary>The 256-entry gray ramp palette as RGB triples.</summary>
    public static byte[] GrayPalette()
    {
        byte[] palette = new byte[768];
        for (int i = 0; i < 256; i++)
        {
            palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (byte)i;
        }
        return palette;
    }

    private static void Write(Stream output, IReadOnlyList<GrayImage> frames, IReadOnlyList<int> delays, int loopCount)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(delays);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A GIF needs at least one frame.", nameof(frames));
        }
        if (delays.Count != frames.Count)
        {
            throw new ArgumentException($"{frames.Count} frames but {delays.Count} delays.", nameof(delays));
        }
        using var gif = new GifEncoder(output, frames[0].Width, frames[0].Height, loopCount, leaveOpen: true);
        for (int i = 0; i < frames.Count; i++)
        {
            gif.AddFrame(frames[i], delays[i]);
        }
        gif.Finish();
    }
}
