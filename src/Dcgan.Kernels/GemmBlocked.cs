// Blocked, packed, parallel SGEMM driver in the BLIS loop order (jc, pc, ic, jr, ir), after Goto & van de Geijn (2008)
// and the BLIS papers; each task owns one MC x NC block of C and walks the whole K range for it.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dcgan.Kernels;

/// <summary>
/// Splits C into a grid of blocks that depends only on the problem shape, never on the thread count, and runs one
/// <see cref="Workers.For"/> task per block. Within a block K is consumed in fixed KC slices in increasing order, so every
/// element of C sees the same sequence of float operations however many threads run.
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>Depth of a packed slice: a B micro-panel (KC x NR) stays in L1, an A block (MC x KC) in L2.</summary>
    private const int Kc = 256;

    /// <summary>
    /// Depth of each K slice for a product of depth k: balanced slices of at most <see cref="Kc"/>. Every element of C
    /// is the sum, slice by slice, of one fused multiply-add chain per slice; the direct paths slice K the same way so
    /// that a result never depends on which path M and N select (an image drawn alone equals the same image in a batch).
    /// </summary>
    public static int SliceDepth(int k) => CeilDiv(k, CeilDiv(k, Kc));

    /// <summary>
    /// Rows of C per block, a multiple of both MR values: the packed A block (MC x KC) takes at most half the core's L2
    /// (<see cref="CacheSizes.L2Bytes"/>), up to 240 rows (240 KB, half of a 512 KB L2; on cores with 256 KB, 120 rows).
    /// Only how C is cut into blocks depends on it, never a sum, so results are the same on every machine.
    /// </summary>
    internal static readonly int Mc = McFor(CacheSizes.L2Bytes);

    /// <summary>The <see cref="Mc"/> for an L2 of <paramref name="l2Bytes"/>.</summary>
    internal static int McFor(int l2Bytes) => Math.Clamp(l2Bytes / 2 / (Kc * sizeof(float)) / 24 * 24, 48, 240);

    /// <summary>Columns of C per block; the packed B block (KC x NC) sits in L2/L3.</summary>
    private const int Nc = 1024;

    /// <summary>Blocks per thread that keep the threads balanced when work is handed out dynamically.</summary>
    private const int TasksPerThread = 2;

    /// <summary>Below this many multiply-adds per block a split no longer pays for its extra packing.</summary>
    private const long MinTaskFlops = 1L << 18;

    private struct Job
    {
        public float* A;
        public float* B;
        public float* C;
        public int Lda;
        public int Ldb;
        public int Ldc;
        public int M;
        public int N;
        public int K;
        public bool TransA;
        public bool TransB;
        public bool Overwrite;
        public GemmPath Path;
        public int Mr;
        public int Nr;
        public int McBlock;
        public int NcBlock;
        public int KcBlock;
        public int BlocksN;
        // op(B) packed beforehand (PackAll), or null to pack per block: the whole packed matrix is PaddedN columns wide,
        // and op(B)'s column 0 is its column PackedJ0.
        public float* PackedB;
        public int PaddedN;
        public int PackedJ0;
    }

    /// <summary>Runs the blocked algorithm; dimensions are non-zero and spans already validated.</summary>
    /// <remarks>
    /// With <paramref name="packedB"/>, op(B) is columns [<paramref name="packedJ0"/>, + n) of a whole packed op(B) of
    /// <paramref name="packedN"/> columns (<see cref="PackAll"/>); packedJ0 is a whole number of NR strips, so the strips
    /// of the window are those a packing of the window alone would have, and every result is the same.
    /// </remarks>
    public static void Run(GemmPath path, bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, bool overwrite, float* c, int ldc, float* packedB = null, int packedN = 0, int packedJ0 = 0)
    {
        int mr = GemmPaths.Mr(path);
        int nr = GemmPaths.Nr(path);

        // Balanced slices: equal-ish parts instead of full blocks plus a thin remainder.
        int kc = SliceDepth(k);
        int mBlocks = CeilDiv(m, Mc);
        int mc = RoundUp(CeilDiv(m, mBlocks), mr);
        int nBlocks = CeilDiv(n, Nc);
        int nc = RoundUp(CeilDiv(n, nBlocks), nr);

        // Split further until there are enough tasks to balance the threads (two per thread). N is split first: every column block
        // re-reads A, every row block re-reads B, and a row split is only taken while both halves keep at least two
        // strips, so thin operands (M or N of a few strips) are not re-streamed from memory for little gain. A product
        // that will run on this thread alone (one thread, or inside another kernel's task, like Winograd's point GEMMs)
        // is not split: its blocks would only pack the operands again. The split never changes a result, since every
        // element of C sees the same K slices in the same order whichever block holds it.
        int minTasks = TasksPerThread * Workers.Threads;
        while (Workers.RunsInParallel && CeilDiv(m, mc) * CeilDiv(n, nc) < minTasks && (long)mc * nc * k / 2 >= MinTaskFlops)
        {
            if (nc >= 2 * nr && (nc >= mc || mc < 4 * mr))
            {
                nc = RoundUp(CeilDiv(nc, 2), nr);
            }
            else if (mc >= 4 * mr)
            {
                mc = RoundUp(CeilDiv(mc, 2), mr);
            }
            else
            {
                break;
            }
        }

        Job job = new()
        {
            A = a,
            B = b,
            C = c,
            Lda = lda,
            Ldb = ldb,
            Ldc = ldc,
            M = m,
            N = n,
            K = k,
            TransA = transA,
            TransB = transB,
            Overwrite = overwrite,
            Path = path,
            Mr = mr,
            Nr = nr,
            McBlock = mc,
            NcBlock = nc,
            KcBlock = kc,
            BlocksN = CeilDiv(n, nc),
            PackedB = packedB,
            PaddedN = RoundUp(packedB == null ? n : packedN, nr),
            PackedJ0 = packedJ0,
        };
        int tasks = CeilDiv(m, mc) * job.BlocksN;
        Workers.For(tasks, &RunBlock, &job);
    }

    private static void RunBlock(void* state, int task)
    {
        Job* job = (Job*)state;
        int mr = job->Mr;
        int nr = job->Nr;
        int i0 = task / job->BlocksN * job->McBlock;
        int j0 = task % job->BlocksN * job->NcBlock;
        int mc = Math.Min(job->McBlock, job->M - i0);
        int nc = Math.Min(job->NcBlock, job->N - j0);
        int kcMax = job->KcBlock;
        float* ap = GemmBuffers.A(RoundUp(mc, mr) * kcMax);
        float* bp = GemmBuffers.B(RoundUp(nc, nr) * kcMax);
        float* edge = stackalloc float[12 * 32 + CacheAligned.LineFloats];
        edge = CacheAligned.Up(edge);

        // An operand strip that feeds a single micro-kernel call per slice gains nothing from packing (it is read
        // once either way), so it is read in place when its layout allows; only edge strips are then packed.
        bool directA = nc <= nr;
        bool prepacked = job->PackedB != null;
        bool directB = mc <= mr && !job->TransB && !prepacked;
        float* a = job->A;
        float* b = job->B;
        int lda = job->Lda;
        int ldb = job->Ldb;

        for (int p0 = 0; p0 < job->K; p0 += kcMax)
        {
            int kc = Math.Min(kcMax, job->K - p0);
            bool overwrite = p0 == 0 && job->Overwrite;
            if (prepacked)
            {
                // Slice p0 of the whole packed op(B) starts after p0 rows of PaddedN columns; its strips are kc deep.
                bp = job->PackedB + (long)p0 * job->PaddedN + (long)(job->PackedJ0 + j0) * kc;
            }
            else if (!directB)
            {
                GemmPacking.PackB(b, ldb, job->TransB, p0, kc, j0, nc, nr, bp);
            }
            if (!directA)
            {
                GemmPacking.PackA(a, lda, job->TransA, i0, mc, p0, kc, mr, ap);
            }
            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                float* bStrip = bp + jr * kc;
                nint bStep = nr;
                if (directB)
                {
                    if (cols == nr)
                    {
                        bStrip = b + (long)p0 * ldb + j0 + jr;
                        bStep = ldb;
                    }
                    else
                    {
                        GemmPacking.PackB(b, ldb, false, p0, kc, j0 + jr, cols, nr, bStrip);
                    }
                }
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int rows = Math.Min(mr, mc - ir);
                    float* aStrip = ap + ir * kc;
                    nint rsA = 1;
                    nint csA = mr;
                    if (directA)
                    {
                        if (rows == mr)
                        {
                            int row = i0 + ir;
                            aStrip = job->TransA ? a + (long)p0 * lda + row : a + (long)row * lda + p0;
                            rsA = job->TransA ? 1 : lda;
                            csA = job->TransA ? lda : 1;
                        }
                        else
                        {
                            GemmPacking.PackA(a, lda, job->TransA, i0 + ir, rows, p0, kc, mr, aStrip);
                        }
                    }
                    float* cTile = job->C + (long)(i0 + ir) * job->Ldc + j0 + jr;
                    // C's next tile is asked for while this one computes: with short K slices (a Winograd layer's
                    // kernel gradient sums 84-148 tiles per call), reading a tile of C from memory after the call would
                    // cost a fifth of the product.
                    if (ir + mr < mc)
                    {
                        PrefetchTile(cTile + (long)mr * job->Ldc, job->Ldc, Math.Min(mr, mc - ir - mr), cols);
                    }
                    else if (jr + nr < nc)
                    {
                        PrefetchTile(job->C + (long)i0 * job->Ldc + j0 + jr + nr, job->Ldc, Math.Min(mr, mc), Math.Min(nr, nc - jr - nr));
                    }
                    if (rows == mr && cols == nr)
                    {
                        Kernel(job->Path, kc, aStrip, rsA, csA, bStrip, bStep, cTile, job->Ldc, overwrite);
                    }
                    else
                    {
                        // Edge tile: run the full kernel into scratch, then merge the valid part. The merge does the
                        // same single add per element as the full kernel, keeping results tiling-independent.
                        Kernel(job->Path, kc, aStrip, rsA, csA, bStrip, bStep, edge, nr, true);
                        MergeEdge(edge, nr, cTile, job->Ldc, rows, cols, overwrite);
                    }
                }
            }
        }
    }

    /// <summary>Asks for the lines of a rows x cols tile of C (row stride ldc), so the kernel's loads and stores find them.</summary>
    private static void PrefetchTile(float* c, int ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            Prefetch.Segment(c + (long)r * ldc, cols);
        }
    }

    /// <summary>Calls the path's kernel; rsA == 1 means a k-major strip (csA apart), otherwise rows rsA apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(GemmPath path, int kc, float* a, nint rsA, nint csA, float* b, nint bStep,
        float* c, int ldc, bool overwrite)
    {
        switch (path)
        {
            case GemmPath.Avx512:
                if (rsA == 1)
                {
                    GemmMicroKernel.Kernel12x32(kc, a, csA, b, bStep, c, ldc, overwrite);
                }
                else
                {
                    GemmMicroKernel.Kernel12x32Rows(kc, a, rsA, b, bStep, c, ldc, overwrite);
                }
                break;
            case GemmPath.Avx2:
                if (rsA == 1)
                {
                    GemmMicroKernel.Kernel6x16(kc, a, csA, b, bStep, c, ldc, overwrite);
                }
                else
                {
                    GemmMicroKernel.Kernel6x16Rows(kc, a, rsA, b, bStep, c, ldc, overwrite);
                }
                break;
            default:
                GemmMicroKernel.KernelScalar6x16(kc, a, rsA, csA, b, bStep, c, ldc, overwrite);
                break;
        }
    }

    private static void MergeEdge(float* tile, int ldt, float* c, int ldc, int rows, int cols, bool overwrite)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + r * ldt;
            float* dst = c + (long)r * ldc;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= cols; j += 8)
                {
                    Vector256<float> v = Vector256.Load(src + j);
                    Vector256.Store(overwrite ? v : Vector256.Load(dst + j) + v, dst + j);
                }
            }
            for (; j < cols; j++)
            {
                dst[j] = overwrite ? src[j] : dst[j] + src[j];
            }
        }
    }

    /// <summary>Floats of op(B) (k x n) packed whole by <see cref="PackAll"/>.</summary>
    public static long PackedFloats(GemmPath path, int k, int n) => (long)k * PaddedColumns(path, n);

    /// <summary>The columns a packed op(B) of n columns takes per row: whole strips of NR.</summary>
    public static int PaddedColumns(GemmPath path, int n) => RoundUp(n, GemmPaths.Nr(path));

    /// <summary>
    /// Packs the whole of op(B) (k x n) as <see cref="RunBlock"/> would pack it block by block: K slice by K slice
    /// (<see cref="SliceDepth"/>), each slice's NR-column strips in order, so any block can stream its part in place.
    /// A task packs up to <see cref="PackTaskStrips"/> strips of one slice; from inside another kernel's task (the
    /// Winograd layers pack a kernel per transform point) they run one after another on that thread.
    /// </summary>
    public static void PackAll(GemmPath path, bool transB, int k, int n, float* b, int ldb, float* packed)
    {
        int nr = GemmPaths.Nr(path), kc = SliceDepth(k);
        PackJob job = new()
        {
            B = b,
            Packed = packed,
            Ldb = ldb,
            K = k,
            N = n,
            Nr = nr,
            Kc = kc,
            PaddedN = RoundUp(n, nr),
            TasksPerSlice = CeilDiv(CeilDiv(n, nr), PackTaskStrips),
            TransB = transB,
        };
        Workers.For(CeilDiv(k, kc) * job.TasksPerSlice, &PackTask, &job);
    }

    /// <summary>Strips of op(B) one task of <see cref="PackAll"/> packs.</summary>
    private const int PackTaskStrips = 4;

    private struct PackJob
    {
        public float* B;
        public float* Packed;
        public int Ldb;
        public int K;
        public int N;
        public int Nr;
        public int Kc;
        public int PaddedN;
        public int TasksPerSlice;
        public bool TransB;
    }

    private static void PackTask(void* state, int task)
    {
        PackJob* job = (PackJob*)state;
        int p0 = task / job->TasksPerSlice * job->Kc;
        int kc = Math.Min(job->Kc, job->K - p0);
        int j0 = task % job->TasksPerSlice * PackTaskStrips * job->Nr;
        int cols = Math.Min(PackTaskStrips * job->Nr, job->N - j0);
        GemmPacking.PackB(job->B, job->Ldb, job->TransB, p0, kc, j0, cols, job->Nr, job->Packed + (long)p0 * job->PaddedN + (long)j0 * kc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
