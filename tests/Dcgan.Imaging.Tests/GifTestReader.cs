// Test helper: a deliberately strict GIF89a reader (GIF89a spec, appendix F) that also reports LZW details
// such as how many clear codes a frame used and whether the end code came exactly where expected.
namespace Dcgan.Imaging.Tests;

internal sealed record GifFrameInfo(byte[] Pixels, int DelayCentiseconds, int ClearCodes, int MinCodeSize, bool WidenedBeforeEnd, long BitsUsed);

internal sealed record GifFileInfo(int Width, int Height, byte[] Palette, int? Loop, List<GifFrameInfo> Frames);

internal static class GifTestReader
{
    public static GifFileInfo Read(byte[] gif)
    {
        int pos = 0;
        Assert.Equal("GIF89a"u8.ToArray(), gif[..6]);
        int width = gif[6] | gif[7] << 8;
        int height = gif[8] | gif[9] << 8;
        byte packed = gif[10];
        Assert.True((packed & 0x80) != 0, "no global colour table");
        int tableSize = 2 << (packed & 7);
        byte[] palette = gif[13..(13 + 3 * tableSize)];
        pos = 13 + 3 * tableSize;
        int? loop = null;
        int delay = -1;
        var frames = new List<GifFrameInfo>();
        while (true)
        {
            byte b = gif[pos++];
            if (b == 0x3B)
            {
                Assert.Equal(gif.Length, pos);
                return new GifFileInfo(width, height, palette, loop, frames);
            }
            if (b == 0x21)
            {
                byte label = gif[pos++];
                List<byte[]> blocks = SubBlocks(gif, ref pos);
                if (label == 0xFF && blocks[0].AsSpan().SequenceEqual("NETSCAPE2.0"u8))
                {
                    Assert.Equal(1, blocks[1][0]);
                    loop = blocks[1][1] | blocks[1][2] << 8;
                }
                else if (label == 0xF9)
                {
                    delay = blocks[0][1] | blocks[0][2] << 8;
                }
                continue;
            }
            Assert.Equal(0x2C, b);
            int fw = gif[pos + 4] | gif[pos + 5] << 8;
            int fh = gif[pos + 6] | gif[pos + 7] << 8;
            Assert.Equal(0, gif[pos + 8]);
            pos += 9;
            int minCodeSize = gif[pos++];
            byte[] data = SubBlocks(gif, ref pos).SelectMany(x => x).ToArray();
            byte[] pixels = Lzw(data, minCodeSize, fw * fh, out int clears, out bool widened, out long bits);
            frames.Add(new GifFrameInfo(pixels, delay, clears, minCodeSize, widened, bits));
            delay = -1;
        }
    }

    private static List<byte[]> SubBlocks(byte[] gif, ref int pos)
    {
        var blocks = new List<byte[]>();
        while (true)
        {
            int n = gif[pos++];
            if (n == 0)
            {
                return blocks;
            }
            blocks.Add(gif[pos..(pos + n)]);
            pos += n;
        }
    }

    private static byte[] Lzw(byte[] data, int minCodeSize, int pixelCount, out int clears, out bool widenedBeforeEnd, out long bitsUsed)
    {
        int clear = 1 << minCodeSize, end = clear + 1;
        var prefix = new int[4096];
        var suffix = new byte[4096];
        var length = new int[4096];
        for (int i = 0; i < clear; i++)
        {
            suffix[i] = (byte)i;
            length[i] = 1;
        }
        var output = new List<byte>(pixelCount);
        int codeSize = minCodeSize + 1, next = end + 1, prev = -1;
        long bitPos = 0;
        clears = 0;
        widenedBeforeEnd = false;
        Span<byte> scratch = new byte[4096];
        while (true)
        {
            Assert.True(bitPos + codeSize <= data.Length * 8L, "LZW data ended before the end code");
            int code = 0;
            for (int i = 0; i < codeSize; i++, bitPos++)
            {
                code |= ((data[bitPos >> 3] >> (int)(bitPos & 7)) & 1) << i;
            }
            if (code == end)
            {
                break;
            }
            widenedBeforeEnd = false;
            if (code == clear)
            {
                clears++;
                codeSize = minCodeSize + 1;
                next = end + 1;
                prev = -1;
                continue;
            }
            Assert.True(clears > 0, "stream does not start with a clear code");
            if (prev == -1)
            {
                Assert.True(code < clear, $"first code after clear is {code}");
                output.Add((byte)code);
                prev = code;
                continue;
            }
            Assert.True(code <= next, $"code {code} beyond next {next}");
            Assert.True(next < 4096, "table overflow: encoder should have sent a clear code");
            int entry = code == next ? prev : code;
            int len = length[entry];
            for (int c = entry, k = len - 1; k >= 0; k--, c = prefix[c])
            {
                scratch[k] = suffix[c];
            }
            byte first = scratch[0];
            prefix[next] = prev;
            suffix[next] = first;
            length[next] = length[prev] + 1;
            next++;
            if (code == next - 1 && entry == prev)
            {
                // KwKwK case: the string is prev's string plus its own first byte.
                scratch[len] = first;
                len++;
            }
            for (int k = 0; k < len; k++)
            {
                output.Add(scratch[k]);
            }
            if (next == 1 << codeSize && codeSize < 12)
            {
                codeSize++;
                widenedBeforeEnd = true;
            }
            prev = code;
        }
        // Strict: only zero padding of the last byte may follow the end code.
        Assert.True(data.Length * 8L - bitPos < 8, $"{data.Length * 8L - bitPos} bits left after the end code");
        Assert.Equal(pixelCount, output.Count);
        bitsUsed = bitPos;
        return output.ToArray();
    }
}
