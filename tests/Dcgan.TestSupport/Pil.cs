// Test helper: the one place that talks to Pillow (Debian's python3-pil under /usr/bin/python3), an image library
// independent of ours. It decodes PNG and GIF files and reports what it saw as JSON, and writes reference images
// (JPEG, 16-bit gray PNG, RGBA PNG) with its own encoders for the reading tests.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Dcgan.TestSupport;

public static class Pil
{
    private const string Python = "/usr/bin/python3";

    // Walks the chunks itself with zlib.crc32 so a CRC error is reported even if Pillow were lenient,
    // and reports each row's filter byte so tests can see which filters the encoder chose.
    private const string PngScript = """
        import sys, json, zlib, struct
        from PIL import Image
        p = sys.argv[1]
        data = open(p, 'rb').read()
        pos, chunks, crc_ok, idat = 8, [], True, b''
        while pos < len(data):
            n, = struct.unpack('>I', data[pos:pos+4]); t = data[pos+4:pos+8]; body = data[pos+8:pos+8+n]
            crc, = struct.unpack('>I', data[pos+8+n:pos+12+n])
            crc_ok = crc_ok and (zlib.crc32(t + body) & 0xffffffff) == crc
            chunks.append(t.decode('ascii'))
            if t == b'IDAT': idat += body
            pos += 12 + n
        im = Image.open(p); im.load()
        bpp = {'L': 1, 'RGB': 3, 'RGBA': 4}[im.mode]
        raw = zlib.decompress(idat); stride = im.width * bpp + 1
        filters = [raw[y * stride] for y in range(im.height)]
        print(json.dumps({'format': im.format, 'mode': im.mode, 'width': im.width, 'height': im.height,
                          'pixels': im.tobytes().hex(), 'crc_ok': crc_ok, 'chunks': chunks, 'filters': filters}))
        """;

    // Frames are converted to the asked mode after Pillow composes them onto the canvas, as a viewer shows them.
    private const string GifScript = """
        import sys, json
        from PIL import Image
        im = Image.open(sys.argv[1])
        mode = sys.argv[2]
        frames, durations = [], []
        loop = im.info.get('loop')
        for i in range(getattr(im, 'n_frames', 1)):
            im.seek(i)
            durations.append(im.info.get('duration'))
            frames.append(im.convert(mode).tobytes().hex())
        print(json.dumps({'format': im.format, 'width': im.width, 'height': im.height, 'loop': loop,
                          'durations': durations, 'frames': frames}))
        """;

    // Raw pixels arrive as hex on standard input; extra keyword arguments (JPEG quality) follow the format.
    private const string WriteScript = """
        import sys
        from PIL import Image
        path, fmt, mode, w, h = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        raw = bytes.fromhex(sys.stdin.read().strip())
        im = Image.frombytes(mode, (w, h), raw)
        if fmt == 'JPEG': im.save(path, fmt, quality=95, subsampling=0)
        else: im.save(path, fmt)
        """;

    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>
    /// Skips the calling test when Pillow cannot run (no /usr/bin/python3, no PIL module) or DCGAN_SKIP_PIL=1 asks to.
    /// Call it first in a [SkippableFact] or [SkippableTheory], so the test is reported as skipped, never as passed.
    /// </summary>
    public static void SkipIfMissing()
    {
        Skip.If(Environment.GetEnvironmentVariable("DCGAN_SKIP_PIL") == "1", "DCGAN_SKIP_PIL=1 skips the Pillow checks");
        string? missing = Missing.Value;
        Skip.If(missing is not null, missing);
    }

    public static PngInfo DecodePng(string path)
    {
        using JsonDocument doc = Run(PngScript, path);
        JsonElement r = doc.RootElement;
        return new PngInfo(
            r.GetProperty("format").GetString()!,
            r.GetProperty("mode").GetString()!,
            r.GetProperty("width").GetInt32(),
            r.GetProperty("height").GetInt32(),
            Convert.FromHexString(r.GetProperty("pixels").GetString()!),
            r.GetProperty("crc_ok").GetBoolean(),
            r.GetProperty("chunks").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            r.GetProperty("filters").EnumerateArray().Select(e => e.GetInt32()).ToArray());
    }

    /// <param name="mode">Pillow mode each frame is converted to: "L" for gray palettes, "RGB" otherwise.</param>
    public static GifInfo DecodeGif(string path, string mode = "L")
    {
        using JsonDocument doc = Run(GifScript, path, mode);
        JsonElement r = doc.RootElement;
        JsonElement loop = r.GetProperty("loop");
        return new GifInfo(
            r.GetProperty("format").GetString()!,
            r.GetProperty("width").GetInt32(),
            r.GetProperty("height").GetInt32(),
            loop.ValueKind == JsonValueKind.Null ? null : loop.GetInt32(),
            r.GetProperty("durations").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? -1 : e.GetInt32()).ToArray(),
            r.GetProperty("frames").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray());
    }

    /// <summary>
    /// Writes <paramref name="pixels"/> (row-major; mode "L", "RGB", "RGBA" or "I;16" for 16-bit little-endian gray) as a
    /// <paramref name="format"/> file ("PNG", "JPEG", "BMP", ...) with Pillow's own encoder; JPEGs at quality 95, 4:4:4.
    /// </summary>
    public static void WriteImage(string path, string format, string mode, int width, int height, byte[] pixels)
    {
        RunText(WriteScript, Convert.ToHexString(pixels), path, format, mode,
            width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture));
    }

    private static JsonDocument Run(string script, params string[] args) => JsonDocument.Parse(RunText(script, null, args));

    private static string? FindMissing()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} not found: install python3 and python3-pil (apt-get install python3-pil) for the independent-decoder checks";
        }
        try
        {
            RunText("import PIL", null);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private static string RunText(string script, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Python}.");
        // Read stderr concurrently so a chatty failure cannot deadlock on a full pipe.
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }
        process.StandardInput.Close();
        process.WaitForExit();
        string err = stderr.Result;
        if (process.ExitCode != 0)
        {
            if (err.Contains("No module named 'PIL'", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("Pillow is missing: apt-get install python3-pil for the independent-decoder checks");
            }
            throw new InvalidOperationException($"Pillow failed on {(args.Length > 0 ? args[0] : "its import")} (exit {process.ExitCode}):\n{err}");
        }
        return stdout.Result;
    }
}

public sealed record PngInfo(string Format, string Mode, int Width, int Height, byte[] Pixels, bool CrcOk, string[] Chunks, int[] Filters);

public sealed record GifInfo(string Format, int Width, int Height, int? Loop, int[] Durations, byte[][] Frames);
