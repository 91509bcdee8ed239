// Register-tiled SGEMM micro-kernels: C[MR x NR] (+)= A strip (kc x MR) times B strip (kc x NR).
// Structure after the BLIS micro-kernel (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dcgan.Kernels;

/// <summary>
/// The innermost loops of the blocked SGEMM. Every accumulator lane sums its k terms in increasing k order with one
/// fused multiply-add per term, then adds the result to C once; that fixed order is what makes the kernel bit-reproducible
/// whatever tile, task or thread an element lands in, and whether its operands were packed or read in place.
/// A strips come in two forms: k-major (the MR values of one k step adjacent, as packed, or as a transposed A stores
/// them; aStep floats apart) or row-major in place (rows lda apart, one float per k step). B strips hold NR adjacent
/// floats per k step, bStep floats apart (NR when packed, ldb when read in place).
/// </summary>
internal static unsafe class GemmMicroKernel
{
    /// <summary>12 x 32 tile on AVX-512: 24 zmm accumulators, 2 B loads and 12 broadcasts per k step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel12x32(int kc, float* a, nint aStep, float* b, nint bStep, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero, c61 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero, c71 = Vector512<float>.Zero;
        Vector512<float> c80 = Vector512<float>.Zero, c81 = Vector512<float>.Zero;
        Vector512<float> c90 = Vector512<float>.Zero, c91 = Vector512<float>.Zero;
        Vector512<float> c100 = Vector512<float>.Zero, c101 = Vector512<float>.Zero;
        Vector512<float> c110 = Vector512<float>.Zero, c111 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av;
            av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Vector512.FusedMultiplyAdd(av, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Vector512.FusedMultiplyAdd(av, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            c100 = Vector512.FusedMultiplyAdd(av, b0, c100);
            c101 = Vector512.FusedMultiplyAdd(av, b1, c101);
            av = Vector512.Create(a[11]);
            c110 = Vector512.FusedMultiplyAdd(av, b0, c110);
            c111 = Vector512.FusedMultiplyAdd(av, b1, c111);
            a += aStep;
            b += bStep;
        }
        if (overwrite)
        {
            Vector512.Store(c00, c + 0 * ldc);
            Vector512.Store(c01, c + 0 * ldc + 16);
            Vector512.Store(c10, c + 1 * ldc);
            Vector512.Store(c11, c + 1 * ldc + 16);
            Vector512.Store(c20, c + 2 * ldc);
            Vector512.Store(c21, c + 2 * ldc + 16);
            Vector512.Store(c30, c + 3 * ldc);
            Vector512.Store(c31, c + 3 * ldc + 16);
            Vector512.Store(c40, c + 4 * ldc);
            Vector512.Store(c41, c + 4 * ldc + 16);
            Vector512.Store(c50, c + 5 * ldc);
            Vector512.Store(c51, c + 5 * ldc + 16);
            Vector512.Store(c60, c + 6 * ldc);
            Vector512.Store(c61, c + 6 * ldc + 16);
            Vector512.Store(c70, c + 7 * ldc);
            Vector512.Store(c71, c + 7 * ldc + 16);
            Vector512.Store(c80, c + 8 * ldc);
            Vector512.Store(c81, c + 8 * ldc + 16);
            Vector512.Store(c90, c + 9 * ldc);
            Vector512.Store(c91, c + 9 * ldc + 16);
            Vector512.Store(c100, c + 10 * ldc);
            Vector512.Store(c101, c + 10 * ldc + 16);
            Vector512.Store(c110, c + 11 * ldc);
            Vector512.Store(c111, c + 11 * ldc + 16);
        }
        else
        {
            Vector512.Store(Vector512.Load(c + 0 * ldc) + c00, c + 0 * ldc);
            Vector512.Store(Vector512.Load(c + 0 * ldc + 16) + c01, c + 0 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 1 * ldc) + c10, c + 1 * ldc);
            Vector512.Store(Vector512.Load(c + 1 * ldc + 16) + c11, c + 1 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 2 * ldc) + c20, c + 2 * ldc);
            Vector512.Store(Vector512.Load(c + 2 * ldc + 16) + c21, c + 2 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 3 * ldc) + c30, c + 3 * ldc);
            Vector512.Store(Vector512.Load(c + 3 * ldc + 16) + c31, c + 3 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 4 * ldc) + c40, c + 4 * ldc);
            Vector512.Store(Vector512.Load(c + 4 * ldc + 16) + c41, c + 4 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 5 * ldc) + c50, c + 5 * ldc);
            Vector512.Store(Vector512.Load(c + 5 * ldc + 16) + c51, c + 5 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 6 * ldc) + c60, c + 6 * ldc);
            Vector512.Store(Vector512.Load(c + 6 * ldc + 16) + c61, c + 6 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 7 * ldc) + c70, c + 7 * ldc);
            Vector512.Store(Vector512.Load(c + 7 * ldc + 16) + c71, c + 7 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 8 * ldc) + c80, c + 8 * ldc);
            Vector512.Store(Vector512.Load(c + 8 * ldc + 16) + c81, c + 8 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 9 * ldc) + c90, c + 9 * ldc);
            Vector512.Store(Vector512.Load(c + 9 * ldc + 16) + c91, c + 9 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 10 * ldc) + c100, c + 10 * ldc);
            Vector512.Store(Vector512.Load(c + 10 * ldc + 16) + c101, c + 10 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 11 * ldc) + c110, c + 11 * ldc);
            Vector512.Store(Vector512.Load(c + 11 * ldc + 16) + c111, c + 11 * ldc + 16);
        }
    }

    /// <summary>12 x 32 AVX-512 tile reading A in place from 12 rows lda apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel12x32Rows(int kc, float* a, nint lda, float* b, nint bStep, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero, c61 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero, c71 = Vector512<float>.Zero;
        Vector512<float> c80 = Vector512<float>.Zero, c81 = Vector512<float>.Zero;
        Vector512<float> c90 = Vector512<float>.Zero, c91 = Vector512<float>.Zero;
        Vector512<float> c100 = Vector512<float>.Zero, c101 = Vector512<float>.Zero;
        Vector512<float> c110 = Vector512<float>.Zero, c111 = Vector512<float>.Zero;
        nint ld2 = 2 * lda, ld3 = 3 * lda;
        float* a4 = a + 4 * lda;
        float* a8 = a + 8 * lda;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av;
            av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[lda]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[ld2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[ld3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[lda]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[ld2]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[ld3]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a8[0]);
            c80 = Vector512.FusedMultiplyAdd(av, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a8[lda]);
            c90 = Vector512.FusedMultiplyAdd(av, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a8[ld2]);
            c100 = Vector512.FusedMultiplyAdd(av, b0, c100);
            c101 = Vector512.FusedMultiplyAdd(av, b1, c101);
            av = Vector512.Create(a8[ld3]);
            c110 = Vector512.FusedMultiplyAdd(av, b0, c110);
            c111 = Vector512.FusedMultiplyAdd(av, b1, c111);
            a++;
            a4++;
            a8++;
            b += bStep;
        }
        if (overwrite)
        {
            Vector512.Store(c00, c + 0 * ldc);
            Vector512.Store(c01, c + 0 * ldc + 16);
            Vector512.Store(c10, c + 1 * ldc);
            Vector512.Store(c11, c + 1 * ldc + 16);
            Vector512.Store(c20, c + 2 * ldc);
            Vector512.Store(c21, c + 2 * ldc + 16);
            Vector512.Store(c30, c + 3 * ldc);
            Vector512.Store(c31, c + 3 * ldc + 16);
            Vector512.Store(c40, c + 4 * ldc);
            Vector512.Store(c41, c + 4 * ldc + 16);
            Vector512.Store(c50, c + 5 * ldc);
            Vector512.Store(c51, c + 5 * ldc + 16);
            Vector512.Store(c60, c + 6 * ldc);
            Vector512.Store(c61, c + 6 * ldc + 16);
            Vector512.Store(c70, c + 7 * ldc);
            Vector512.Store(c71, c + 7 * ldc + 16);
            Vector512.Store(c80, c + 8 * ldc);
            Vector512.Store(c81, c + 8 * ldc + 16);
            Vector512.Store(c90, c + 9 * ldc);
            Vector512.Store(c91, c + 9 * ldc + 16);
            Vector512.Store(c100, c + 10 * ldc);
            Vector512.Store(c101, c + 10 * ldc + 16);
            Vector512.Store(c110, c + 11 * ldc);
            Vector512.Store(c111, c + 11 * ldc + 16);
        }
        else
        {
            Vector512.Store(Vector512.Load(c + 0 * ldc) + c00, c + 0 * ldc);
            Vector512.Store(Vector512.Load(c + 0 * ldc + 16) + c01, c + 0 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 1 * ldc) + c10, c + 1 * ldc);
            Vector512.Store(Vector512.Load(c + 1 * ldc + 16) + c11, c + 1 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 2 * ldc) + c20, c + 2 * ldc);
            Vector512.Store(Vector512.Load(c + 2 * ldc + 16) + c21, c + 2 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 3 * ldc) + c30, c + 3 * ldc);
            Vector512.Store(Vector512.Load(c + 3 * ldc + 16) + c31, c + 3 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 4 * ldc) + c40, c + 4 * ldc);
            Vector512.Store(Vector512.Load(c + 4 * ldc + 16) + c41, c + 4 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 5 * ldc) + c50, c + 5 * ldc);
            Vector512.Store(Vector512.Load(c + 5 * ldc + 16) + c51, c + 5 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 6 * ldc) + c60, c + 6 * ldc);
            Vector512.Store(Vector512.Load(c + 6 * ldc + 16) + c61, c + 6 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 7 * ldc) + c70, c + 7 * ldc);
            Vector512.Store(Vector512.Load(c + 7 * ldc + 16) + c71, c + 7 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 8 * ldc) + c80, c + 8 * ldc);
            Vector512.Store(Vector512.Load(c + 8 * ldc + 16) + c81, c + 8 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 9 * ldc) + c90, c + 9 * ldc);
            Vector512.Store(Vector512.Load(c + 9 * ldc + 16) + c91, c + 9 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 10 * ldc) + c100, c + 10 * ldc);
            Vector512.Store(Vector512.Load(c + 10 * ldc + 16) + c101, c + 10 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 11 * ldc) + c110, c + 11 * ldc);
            Vector512.Store(Vector512.Load(c + 11 * ldc + 16) + c111, c + 11 * ldc + 16);
        }
    }

    /// <summary>6 x 16 tile on AVX2/FMA: 12 ymm accumulators, 2 B loads and 6 broadcasts per k step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x16(int kc, float* a, nint aStep, float* b, nint bStep, float* c, int ldc, bool overwrite)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> av;
            av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a += aStep;
            b += bStep;
        }
        if (overwrite)
        {
            Vector256.Store(c00, c + 0 * ldc);
            Vector256.Store(c01, c + 0 * ldc + 8);
            Vector256.Store(c10, c + 1 * ldc);
            Vector256.Store(c11, c + 1 * ldc + 8);
            Vector256.Store(c20, c + 2 * ldc);
            Vector256.Store(c21, c + 2 * ldc + 8);
            Vector256.Store(c30, c + 3 * ldc);
            Vector256.Store(c31, c + 3 * ldc + 8);
            Vector256.Store(c40, c + 4 * ldc);
            Vector256.Store(c41, c + 4 * ldc + 8);
            Vector256.Store(c50, c + 5 * ldc);
            Vector256.Store(c51, c + 5 * ldc + 8);
        }
        else
        {
            Vector256.Store(Vector256.Load(c + 0 * ldc) + c00, c + 0 * ldc);
            Vector256.Store(Vector256.Load(c + 0 * ldc + 8) + c01, c + 0 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 1 * ldc) + c10, c + 1 * ldc);
            Vector256.Store(Vector256.Load(c + 1 * ldc + 8) + c11, c + 1 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 2 * ldc) + c20, c + 2 * ldc);
            Vector256.Store(Vector256.Load(c + 2 * ldc + 8) + c21, c + 2 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 3 * ldc) + c30, c + 3 * ldc);
            Vector256.Store(Vector256.Load(c + 3 * ldc + 8) + c31, c + 3 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 4 * ldc) + c40, c + 4 * ldc);
            Vector256.Store(Vector256.Load(c + 4 * ldc + 8) + c41, c + 4 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 5 * ldc) + c50, c + 5 * ldc);
            Vector256.Store(Vector256.Load(c + 5 * ldc + 8) + c51, c + 5 * ldc + 8);
        }
    }

    /// <summary>6 x 16 AVX2 tile reading A in place from 6 rows lda apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x16Rows(int kc, float* a, nint lda, float* b, nint bStep, float* c, int ldc, bool overwrite)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        nint ld2 = 2 * lda, ld3 = 3 * lda;
        float* a3 = a + 3 * lda;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> av;
            av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[lda]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[ld2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[0]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a3[lda]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a3[ld2]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a++;
            a3++;
            b += bStep;
        }
        if (overwrite)
        {
            Vector256.Store(c00, c + 0 * ldc);
            Vector256.Store(c01, c + 0 * ldc + 8);
            Vector256.Store(c10, c + 1 * ldc);
            Vector256.Store(c11, c + 1 * ldc + 8);
            Vector256.Store(c20, c + 2 * ldc);
            Vector256.Store(c21, c + 2 * ldc + 8);
            Vector256.Store(c30, c + 3 * ldc);
            Vector256.Store(c31, c + 3 * ldc + 8);
            Vector256.Store(c40, c + 4 * ldc);
            Vector256.Store(c41, c + 4 * ldc + 8);
            Vector256.Store(c50, c + 5 * ldc);
            Vector256.Store(c51, c + 5 * ldc + 8);
        }
        else
        {
            Vector256.Store(Vector256.Load(c + 0 * ldc) + c00, c + 0 * ldc);
            Vector256.Store(Vector256.Load(c + 0 * ldc + 8) + c01, c + 0 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 1 * ldc) + c10, c + 1 * ldc);
            Vector256.Store(Vector256.Load(c + 1 * ldc + 8) + c11, c + 1 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 2 * ldc) + c20, c + 2 * ldc);
            Vector256.Store(Vector256.Load(c + 2 * ldc + 8) + c21, c + 2 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 3 * ldc) + c30, c + 3 * ldc);
            Vector256.Store(Vector256.Load(c + 3 * ldc + 8) + c31, c + 3 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 4 * ldc) + c40, c + 4 * ldc);
            Vector256.Store(Vector256.Load(c + 4 * ldc + 8) + c41, c + 4 * ldc + 8);
            Vector256.Store(Vector256.Load(c + 5 * ldc) + c50, c + 5 * ldc);
            Vector256.Store(Vector256.Load(c + 5 * ldc + 8) + c51, c + 5 * ldc + 8);
        }
    }

    /// <summary>Portable 6 x 16 tile for machines without FMA vectors; A element (r, p) at a[r * rsA + p * csA].</summary>
    public static void KernelScalar6x16(int kc, float* a, nint rsA, nint csA, float* b, nint bStep,
        float* c, int ldc, bool overwrite)
    {
        const int Mr = 6, Nr = 16;
        float* acc = stackalloc float[Mr * Nr];
        new Span<float>(acc, Mr * Nr).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < Mr; r++)
            {
                float av = a[r * rsA];
                float* row = acc + r * Nr;
                for (int j = 0; j < Nr; j++)
                {
                    row[j] = MathF.FusedMultiplyAdd(av, b[j], row[j]);
                }
            }
            a += csA;
            b += bStep;
        }
        for (int r = 0; r < Mr; r++)
        {
            float* row = acc + r * Nr;
            float* dst = c + r * ldc;
            for (int j = 0; j < Nr; j++)
            {
                dst[j] = overwrite ? row[j] : dst[j] + row[j];
            }
        }
    }
}
