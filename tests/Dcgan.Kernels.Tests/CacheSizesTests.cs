// The GEMM's row blocks follow the core's L2 (read by CPUID): the cache leaf's arithmetic, and the block size rule.
namespace Dcgan.Kernels.Tests;

using Dcgan.Kernels;

public class CacheSizesTests
{
    [Fact]
    public void ALevelTwoCacheLeafGivesItsSize()
    {
        // A 1 MB, 16-way L2 with 64-byte lines: 1024 sets. EAX: type 3 (unified), level 2.
        int eax = 3 | (2 << 5), ebx = (15 << 22) | (0 << 12) | 63, ecx = 1023;
        Assert.Equal(1 << 20, CacheSizes.L2FromCacheLeaf(eax, ebx, ecx));
        // A 48 KB L1 data cache (12-way, 64 sets) is not the L2.
        Assert.Null(CacheSizes.L2FromCacheLeaf(1 | (1 << 5), (11 << 22) | 63, 63));
        // An instruction cache at level 2 does not count either.
        Assert.Null(CacheSizes.L2FromCacheLeaf(2 | (2 << 5), ebx, ecx));
    }

    [Fact]
    public void ThisMachinesL2IsReadOrDefaulted()
    {
        Assert.InRange(CacheSizes.L2Bytes, 64 << 10, 64 << 20);
    }

    [Theory]
    [InlineData(256 << 10, 120)]
    [InlineData(512 << 10, 240)]
    [InlineData(1 << 20, 240)]
    [InlineData(2 << 20, 240)]
    [InlineData(64 << 10, 48)]
    public void RowBlocksTakeAtMostHalfTheL2(int l2, int rows)
    {
        int mc = GemmBlocked.McFor(l2);
        Assert.Equal(rows, mc);
        Assert.Equal(0, mc % GemmPaths.Mr(GemmPath.Avx512));
        Assert.Equal(0, mc % GemmPaths.Mr(GemmPath.Avx2));
    }
}
