// The machine's per-core L2 cache, read once from CPUID (deterministic cache parameters: leaf 4 on Intel, leaf
// 0x8000001D on AMD), for the GEMM's block sizes. Virtual machines often hide /sys's cache folders; CPUID answers there.
using System.Runtime.Intrinsics.X86;

namespace Dcgan.Kernels;

/// <summary>Cache sizes the kernels block for.</summary>
public static class CacheSizes
{
    /// <summary>What the kernels assume when CPUID says nothing: 1 MB, the L2 of recent AMD and Intel cores.</summary>
    public const int DefaultL2Bytes = 1 << 20;

    /// <summary>The per-core unified L2 cache in bytes, or <see cref="DefaultL2Bytes"/> when it cannot be read.</summary>
    public static int L2Bytes { get; } = ReadL2() ?? DefaultL2Bytes;

    private static int? ReadL2()
    {
        if (!X86Base.IsSupported)
        {
            return null;
        }
        try
        {
            var (maxLeaf, vendorB, vendorC, vendorD) = X86Base.CpuId(0, 0);
            bool amd = vendorB == 0x68747541 && vendorD == 0x69746E65 && vendorC == 0x444D4163;   // "AuthenticAMD"
            bool hygon = vendorB == 0x6F677948;                                                        // "HygonGenuine"
            int leaf = amd || hygon ? unchecked((int)0x8000001D) : 4;
            if (leaf == 4 && maxLeaf < 4 || leaf != 4 && (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax < 0x8000001D)
            {
                return null;
            }
            for (int index = 0; index < 16; index++)
            {
                var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, index);
                int type = eax & 0x1F;
                if (type == 0)
                {
                    break;
                }
                if (L2FromCacheLeaf(eax, ebx, ecx) is int bytes)
                {
                    return bytes;
                }
            }
        }
        catch (PlatformNotSupportedException)
        {
        }
        return null;
    }

    /// <summary>
    /// The size of one cache described by a CPUID cache-parameters leaf, when it is a level-2 data or unified cache:
    /// ways x partitions x line size x sets; null for any other cache, or a size outside 64 KB to 64 MB.
    /// </summary>
    public static int? L2FromCacheLeaf(int eax, int ebx, int ecx)
    {
        int type = eax & 0x1F, level = (eax >> 5) & 0x7;
        if (level != 2 || type is not (1 or 3))
        {
            return null;
        }
        long ways = ((uint)ebx >> 22) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, line = (ebx & 0xFFF) + 1, sets = (uint)ecx + 1L;
        long bytes = ways * partitions * line * sets;
        return bytes is >= 64 << 10 and <= 64 << 20 ? (int)bytes : null;
    }
}
