// Finding a NaN or an infinity in a weight array quickly: the trainer checks its models before every checkpoint, and
// the checkpoint reader checks every array it reads, tens of MB at a time.
namespace Dcgan.Training;

using System.Numerics;
using System.Runtime.InteropServices;

/// <summary>Checks float arrays for values that are not finite numbers.</summary>
internal static class FiniteValues
{
    /// <summary>The index of the first NaN or infinity (exponent bits all ones), or -1 when every value is finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        const uint exponent = 0x7F80_0000;
        var bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<uint>(exponent);
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                if (Vector.EqualsAny(new Vector<uint>(bits.Slice(i, Vector<uint>.Count)) & mask, mask))
                {
                    break;
                }
            }
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & exponent) == exponent)
            {
                return i;
            }
        }
        return -1;
    }
}
