// Which micro-kernel family the blocked SGEMM uses (AVX-512, AVX2/FMA or portable scalar) and its tile shape.
// The tile shapes follow the BLIS register-blocking analysis: MR x NR accumulators must fit the vector register file.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

[assembly: InternalsVisibleTo("Dcgan.Kernels.Tests")]
[assembly: InternalsVisibleTo("Dcgan.Bench")]

namespace Dcgan.Kernels;

/// <summary>Instruction-set family of the SGEMM micro-kernel.</summary>
internal enum GemmPath
{
    Scalar,
    Avx2,
    Avx512,
}

/// <summary>Picks the best micro-kernel the hardware runs natively and reports its register tile.</summary>
internal static class GemmPaths
{
    /// <summary>The path chosen for this process.</summary>
    public static readonly GemmPath Best =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmPath.Avx512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmPath.Avx2
        : GemmPath.Scalar;

    /// <summary>True if the path can run on this machine (tests use it to cover every family).</summary>
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        GemmPath.Avx2 => Vector256.IsHardwareAccelerated && Fma.IsSupported,
        _ => true,
    };

    /// <summary>Rows of the register tile (and of a packed A strip).</summary>
    public static int Mr(GemmPath path) => path == GemmPath.Avx512 ? 12 : 6;

    /// <summary>Columns of the register tile (and of a packed B strip).</summary>
    public static int Nr(GemmPath path) => path == GemmPath.Avx512 ? 32 : 16;
}
