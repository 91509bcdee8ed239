// Writing generated images: an IDX3 file of unsigned bytes (the MNIST format) or a PNG grid.
namespace Dcgan.Training;

using Dcgan.Imaging;

/// <summary>Saves images in [-1, 1] as IDX or PNG.</summary>
public static class SampleFiles
{
    /// <summary>pixel = round((x + 1) * 127.5) clamped to [0, 255], as the inverse of the training scaling.</summary>
    public static byte ToByte(float x) => (byte)Math.Clamp(MathF.Round((x + 1f) * 127.5f, MidpointRounding.AwayFromZero), 0f, 255f);

    /// <summary>Writes N x H x W unsigned bytes with the IDX3 header (magic 0x00000803), atomically.</summary>
    public static void WriteIdx(string path, ReadOnlySpan<float> images, int count, int height, int width)
    {
        int size = height * width;
        if (images.Length != count * size)
        {
            throw new ArgumentException("image buffer does not match count x height x width");
        }
        var bytes = new byte[16 + count * size];
        WriteBigEndian(bytes.AsSpan(0), 0x00000803);
        WriteBigEndian(bytes.AsSpan(4), count);
        WriteBigEndian(bytes.AsSpan(8), height);
        WriteBigEndian(bytes.AsSpan(12), width);
        for (int i = 0; i < images.Length; i++)
        {
            bytes[16 + i] = ToByte(images[i]);
        }
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Writes a near-square PNG grid of the images (NHWC, 1 gray or 3 RGB channels), atomically.</summary>
    public static void WritePng(string path, ReadOnlySpan<float> images, int count, int height, int width, int channels, GridScaling scaling)
        => ImageFiles.WritePng(path, RunArtifacts.ComposeGrid(images, count, height, width, channels, scaling));

    private static void WriteBigEndian(Span<byte> target, int value) => System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(target, value);
}
