// Image folders as data sets: scanning and classes, decoding every format and kind of broken file (each broken kind
// skipped, counted and listed with its reason), centre-crop, resize and alpha compositing, the channel decision, and
// the decoded cache's key (a changed folder decodes again, a damaged cache is ignored).
namespace Dcgan.Data.Tests;

using System.Buffers.Binary;
using System.IO.Compression;
using Dcgan.Data.Folders;
using Background = Dcgan.Imaging.Background;
using SquareDecoder = Dcgan.Imaging.SquareDecoder;
using Dcgan.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

public sealed class FolderTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private static Image<Rgba32> Solid(int width, int height, Rgba32 colour)
    {
        var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                rows.GetRowSpan(y).Fill(colour);
            }
        });
        return image;
    }

    private string Save(string relative, Image image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        string path = Path.Combine(_t.Root, "set", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        image.Save(path, encoder);
        return path;
    }

    private string Write(string relative, byte[] bytes)
    {
        string path = Path.Combine(_t.Root, "set", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string SetDir => Path.Combine(_t.Root, "set");

    /// <summary>A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> pixels (a decompression bomb's shape).</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] body)
        {
            Span<byte> n = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(n, body.Length);
            ms.Write(n);
            byte[] typeAndBody = [.. System.Text.Encoding.ASCII.GetBytes(type), .. body];
            ms.Write(typeAndBody);
            BinaryPrimitives.WriteUInt32BigEndian(n, Crc(typeAndBody));
            ms.Write(n);
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // gray
        Chunk("IHDR", ihdr);
        var z = new MemoryStream();
        using (var d = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
        {
            d.Write(new byte[1 + width]);
        }
        Chunk("IDAT", z.ToArray());
        Chunk("IEND", []);
        return ms.ToArray();
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        }
        return c ^ 0xFFFFFFFF;
    }

    [Fact]
    public void ScanFindsImagesRecursivelyWithSubfoldersAsClasses()
    {
        using (var red = Solid(8, 8, new Rgba32(255, 0, 0)))
        {
            Save("dog/a.png", red, new PngEncoder());
            Save("dog/deeper/b.JPG", red, new JpegEncoder());
            Save("cat/c.bmp", red, new BmpEncoder());
            Save("cat/.hidden.png", red, new PngEncoder());
            Save("cat/.git/d.png", red, new PngEncoder());
        }
        Write("cat/notes.txt", "hello"u8.ToArray());
        var list = ImageList.Scan(SetDir);
        Assert.Equal(["cat", "dog"], list.ClassNames);
        Assert.Equal(["cat/c.bmp", "dog/a.png", "dog/deeper/b.JPG"], list.Files.Select(f => f.RelativePath.Replace('\\', '/')));
        Assert.Equal([0, 1, 1], list.Files.Select(f => f.Label));
        Assert.Equal(1, list.OtherFiles);
    }

    [Fact]
    public void ImagesBesideSubfoldersOrOneSubfolderMeanNoClasses()
    {
        using (var gray = Solid(4, 4, new Rgba32(9, 9, 9)))
        {
            Save("only/a.png", gray, new PngEncoder());
            Save("only/b.png", gray, new PngEncoder());
        }
        Assert.Empty(ImageList.Scan(SetDir).ClassNames);
        using (var gray = Solid(4, 4, new Rgba32(9, 9, 9)))
        {
            Save("other/c.png", gray, new PngEncoder());
            Save("top.png", gray, new PngEncoder());
        }
        var list = ImageList.Scan(SetDir);
        Assert.Empty(list.ClassNames);
        Assert.All(list.Files, f => Assert.Equal(0, f.Label));
    }

    [Fact]
    public void MissingFolderFileAndEmptyFolderAreOneLineErrors()
    {
        var missing = Assert.Throws<DataException>(() => ImageList.Scan(Path.Combine(_t.Root, "nope")));
        Assert.Contains("folder not found", missing.Message);
        string file = _t.File("x.png");
        File.WriteAllBytes(file, [1]);
        Assert.Contains("is a file", Assert.Throws<DataException>(() => ImageList.Scan(file)).Message);
        var empty = ImageList.Scan(_t.Dir("empty"));
        var none = Assert.Throws<DataException>(() => FolderDecoder.Load("folder", empty, new DecodeSettings(16), _t.Dir("cache"), TextWriter.Null));
        Assert.Contains("no images found", none.Message);
    }

    [Fact]
    public void EveryFormatAndBitDepthDecodesAndEveryBrokenKindIsSkippedWithItsReason()
    {
        using (var rgb = Solid(20, 20, new Rgba32(200, 40, 10)))
        {
            Save("a/rgb.png", rgb, new PngEncoder());
            Save("a/rgb.jpg", rgb, new JpegEncoder { Quality = 95 });
            Save("a/rgb.bmp", rgb, new BmpEncoder());
            Save("a/rgb.webp", rgb, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
            Save("a/sixteen.png", rgb, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
            Save("a/palette.png", rgb, new PngEncoder { ColorType = PngColorType.Palette });
        }
        using (var animated = Solid(10, 10, new Rgba32(0, 0, 255)))
        {
            using var second = Solid(10, 10, new Rgba32(0, 255, 0));
            animated.Frames.AddFrame(second.Frames.RootFrame);
            Save("b/animated.gif", animated, new GifEncoder());
        }
        byte[] good = File.ReadAllBytes(Path.Combine(SetDir, "a/rgb.png"));
        Write("b/empty.png", []);
        Write("b/truncated.png", good[..(good.Length / 2)]);
        Write("b/text.jpg", "this is not a picture"u8.ToArray());
        Write("b/bomb.png", PngHeaderOnly(50_000, 50_000));

        var list = ImageList.Scan(SetDir);
        var data = FolderDecoder.Decode("folder", list, new DecodeSettings(8), TextWriter.Null);
        var report = data.Report!;
        Assert.Equal(11, report.Candidates);
        Assert.Equal(7, report.Used);
        Assert.Equal(7, data.Count);
        Assert.Equal(3, data.Channels);
        Assert.Equal("colour found", report.ChannelsReason);
        var reasons = report.Skipped.ToDictionary(s => s.File.Replace('\\', '/'), s => s.Reason);
        Assert.Equal(["b/bomb.png", "b/empty.png", "b/text.jpg", "b/truncated.png"], reasons.Keys.Order());
        Assert.Equal("empty file", reasons["b/empty.png"]);
        Assert.StartsWith("not an image", reasons["b/text.jpg"]);
        Assert.StartsWith("too large: 50000 x 50000 pixels", reasons["b/bomb.png"]);
        Assert.StartsWith("damaged or unsupported", reasons["b/truncated.png"]);
        Assert.Contains("4 skipped", report.Summary());
        Assert.Equal(new Dictionary<string, int> { ["BMP"] = 1, ["GIF"] = 1, ["JPEG"] = 1, ["PNG"] = 3, ["Webp"] = 1 }, report.Formats);

        // Each used image is the solid colour it was written with (JPEG within its loss); the GIF is its first frame.
        var byFile = list.Files.Select(f => f.RelativePath.Replace('\\', '/')).Where(f => !reasons.ContainsKey(f)).ToList();
        for (int n = 0; n < data.Count; n++)
        {
            var image = data.Image(n);
            (int r, int g, int b) = byFile[n] == "b/animated.gif" ? (0, 0, 255) : (200, 40, 10);
            int tolerance = byFile[n].EndsWith(".jpg", StringComparison.Ordinal) ? 6 : 0;
            for (int p = 0; p < 64; p++)
            {
                Assert.InRange(image[3 * p], r - tolerance, r + tolerance);
                Assert.InRange(image[3 * p + 1], g - tolerance, g + tolerance);
                Assert.InRange(image[3 * p + 2], b - tolerance, b + tolerance);
            }
        }
        Assert.Equal(["a", "b"], data.ClassNames);
        Assert.Equal([("a", 6), ("b", 1)], report.Classes.Select(c => (c.Name, c.Images)));
    }

    [SkippableFact]
    public void CmykJpegFromAnIndependentEncoderDecodes()
    {
        string path = Path.Combine(SetDir, "cmyk.jpg");
        Directory.CreateDirectory(SetDir);
        string script = "import sys\nfrom PIL import Image\nImage.new('CMYK', (16, 16), (0, 255, 255, 0)).save(sys.argv[1], quality=95)\n";
        Skip.IfNot(PillowScript.TryRun(script, path), "Pillow (python3-pil) is not installed");
        var square = SquareDecoder.Decode(path, 8);
        Assert.True(square.IsColour);
        // CMYK (0, 100 %, 100 %, 0) is red.
        Assert.InRange(square.Rgb[0], 230, 255);
        Assert.InRange(square.Rgb[1], 0, 30);
        Assert.InRange(square.Rgb[2], 0, 30);
    }

    [Fact]
    public void CentreCropResizeAndAlphaOverTheBackground()
    {
        // 30 x 10: a red 10 x 10 square between green and blue ones; the centre crop keeps the red one.
        using var wide = new Image<Rgba32>(30, 10);
        wide.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < 10; y++)
            {
                var row = rows.GetRowSpan(y);
                row[..10].Fill(new Rgba32(0, 255, 0));
                row[10..20].Fill(new Rgba32(255, 0, 0));
                row[20..].Fill(new Rgba32(0, 0, 255));
            }
        });
        string widePath = Save("wide.png", wide, new PngEncoder());
        var square = SquareDecoder.Decode(widePath, 5);
        Assert.All(Enumerable.Range(0, 25), p => Assert.Equal((255, 0, 0), (square.Rgb[3 * p], square.Rgb[3 * p + 1], square.Rgb[3 * p + 2])));
        Assert.Equal((30, 10), (square.SourceWidth, square.SourceHeight));

        using var clear = Solid(4, 4, new Rgba32(0, 0, 0, 0));
        string clearPath = Save("clear.png", clear, new PngEncoder());
        Assert.All(SquareDecoder.Decode(clearPath, 4, Background.White).Rgb, v => Assert.Equal(255, v));
        Assert.All(SquareDecoder.Decode(clearPath, 4, Background.Black).Rgb, v => Assert.Equal(0, v));
        using var half = Solid(4, 4, new Rgba32(0, 0, 0, 128));
        string halfPath = Save("half.png", half, new PngEncoder());
        Assert.All(SquareDecoder.Decode(halfPath, 4, Background.White).Rgb, v => Assert.InRange(v, 125, 129));
    }

    [Fact]
    public void GraySetsBecomeOneChannelUnlessThreeAreAsked()
    {
        using (var gray = Solid(6, 6, new Rgba32(77, 77, 77)))
        {
            Save("g1.png", gray, new PngEncoder());
            Save("g2.jpg", gray, new JpegEncoder { ColorType = JpegColorType.Luminance });
        }
        var list = ImageList.Scan(SetDir);
        var auto = FolderDecoder.Decode("folder", list, new DecodeSettings(6), TextWriter.Null);
        Assert.Equal(1, auto.Channels);
        Assert.Equal("no colour found", auto.Report!.ChannelsReason);
        Assert.Equal(2 * 36, auto.Pixels.Length);
        Assert.All(auto.Pixels, v => Assert.InRange(v, 75, 79));
        var rgb = FolderDecoder.Decode("folder", list, new DecodeSettings(6, Channels: 3), TextWriter.Null);
        Assert.Equal(3, rgb.Channels);
        Assert.Equal(2 * 108, rgb.Pixels.Length);

        // A colour image asked for as gray gets BT.601 luma.
        using (var red = Solid(6, 6, new Rgba32(255, 0, 0)))
        {
            Save("red.png", red, new PngEncoder());
        }
        var asGray = FolderDecoder.Decode("folder", ImageList.Scan(SetDir), new DecodeSettings(6, Channels: 1), TextWriter.Null);
        Assert.Equal(1, asGray.Channels);
        Assert.Equal(76, asGray.Image(2)[0]); // round(0.299 * 255)
    }

    [Fact]
    public void NothingUsableIsOneLineErrorNamingTheReasons()
    {
        Write("a.png", []);
        Write("b.jpg", "text"u8.ToArray());
        var e = Assert.Throws<DataException>(() => FolderDecoder.Load("folder", ImageList.Scan(SetDir), new DecodeSettings(8), _t.Dir("cache"), TextWriter.Null));
        Assert.Contains("none of the 2 image files could be used", e.Message);
        Assert.Contains("1 empty file", e.Message);
        Assert.Contains("1 not an image", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheCacheIsUsedUntilTheFolderChanges()
    {
        using (var blue = Solid(12, 12, new Rgba32(0, 0, 200)))
        {
            Save("x/1.png", blue, new PngEncoder());
            Save("y/2.png", blue, new PngEncoder());
        }
        string cache = _t.Dir("cache");
        var settings = new DecodeSettings(8);
        var log = new StringWriter();
        var first = FolderDecoder.Load("folder", ImageList.Scan(SetDir), settings, cache, log);
        Assert.DoesNotContain("from the cache", log.ToString());
        string cacheFile = Assert.Single(Directory.GetFiles(Path.Combine(cache, "decoded")));

        log = new StringWriter();
        var again = FolderDecoder.Load("folder", ImageList.Scan(SetDir), settings, cache, log);
        Assert.Contains("2 decoded images from the cache", log.ToString());
        Assert.Equal(first.Pixels, again.Pixels);
        Assert.Equal(first.Labels, again.Labels);
        Assert.Equal(first.ClassNames, again.ClassNames);
        Assert.Equal(first.Report!.Used, again.Report!.Used);

        // Another size, a touched file, an added file: each is another key.
        string key = DecodedCache.Key(ImageList.Scan(SetDir), settings);
        Assert.NotEqual(key, DecodedCache.Key(ImageList.Scan(SetDir), settings with { ImageSize = 16 }));
        Assert.NotEqual(key, DecodedCache.Key(ImageList.Scan(SetDir), settings with { Background = Background.Black }));
        File.SetLastWriteTimeUtc(Path.Combine(SetDir, "x/1.png"), DateTime.UtcNow.AddMinutes(-5));
        string touched = DecodedCache.Key(ImageList.Scan(SetDir), settings);
        Assert.NotEqual(key, touched);
        using (var green = Solid(12, 12, new Rgba32(0, 200, 0)))
        {
            Save("y/3.png", green, new PngEncoder());
        }
        log = new StringWriter();
        var grown = FolderDecoder.Load("folder", ImageList.Scan(SetDir), settings, cache, log);
        Assert.DoesNotContain("from the cache", log.ToString());
        Assert.Equal(3, grown.Count);

        // A damaged cache file is reported and decoded again, never trusted.
        string grownFile = DecodedCache.PathFor(cache, ImageList.Scan(SetDir), settings);
        byte[] bytes = File.ReadAllBytes(grownFile);
        bytes[^40] ^= 0xFF;
        File.WriteAllBytes(grownFile, bytes);
        log = new StringWriter();
        var redone = FolderDecoder.Load("folder", ImageList.Scan(SetDir), settings, cache, log);
        Assert.Contains("is damaged (checksum mismatch); decoding again", log.ToString());
        Assert.Equal(grown.Pixels, redone.Pixels);
        Assert.True(File.Exists(cacheFile));
    }
}
