// Winograd minimal filtering (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) for stride-1
// 'same' convolutions in NHWC: F(4x4, 5x5), and for 3x3 kernels F(4, 3) or F(7, 3) in each direction. Each block of
// output pixels (4x4, 7x4, ...) is Y = A^T [(G k G^T) . (B^T d B)] A over its input tile d (8x8 for F(4x4, 5x5), 6 or 9
// along a direction for F(4, 3) or F(7, 3)), so a (pair of channels, 4x4 tile) costs 64 multiplies instead of 400, or 36
// instead of 144, and a 7x4 tile 54 instead of 252. The element-wise products, summed over input channels, are
// independent GEMMs. Backward passes are the exact adjoints of the forward transforms. Matrices: Toom-Cook at the points
// 0, 1, -1, 2, -2, (1/2, -1/2) and infinity, for F(7, 3) at 1, -1, 2, -2, 1/2, -1/2, 3/4, -3/4 and infinity (F(4, 5)'s and
// F(7, 3)'s derivations: tools/winograd_matrices.py; F(4, 3)'s are Lavin & Gray's).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dcgan.Kernels;

/// <summary>
/// The shape of a stride-1 'same' KernelSize x KernelSize convolution (5 or 3) over Height x Width images from InC to OutC
/// channels, and its tiling: output tile (ty, tx) covers output rows 4ty..4ty+3 and columns 4tx..4tx+3 and reads the
/// Tile x Tile input pixels from row 4ty - Pad and column 4tx - Pad on (zero outside the image). Tiles are numbered image
/// by image, row by row; a transformed array holds them by position: in each point's plane, every image's tile (0, 0),
/// then every image's tile (0, 1), and so on (<see cref="Winograd"/>'s products skip the positions a point does not reach
/// the image from in runs).
/// </summary>
public readonly record struct WinogradShape(int Height, int Width, int InC, int OutC, int KernelSize = 5)
{
    /// <summary>Rows of an output tile: 4, or 7 for F(7, 3) down the columns (<see cref="OutputRowsFor"/>).</summary>
    public int OutputRows { get; init; } = 4;

    /// <summary>Columns of an output tile: 4, or 7 for F(7, 3) along the rows.</summary>
    public int OutputCols { get; init; } = 4;

    /// <summary>Rows of an input tile: 8 for F(4, 5), 6 for F(4, 3), 9 for F(7, 3).</summary>
    public int TileRows => OutputRows + KernelSize - 1;

    /// <summary>Columns of an input tile.</summary>
    public int TileCols => OutputCols + KernelSize - 1;

    /// <summary>Points of the transform domain: TileRows * TileCols.</summary>
    public int Points => TileRows * TileCols;

    /// <summary>'same' padding: the kernel's offset of its centre.</summary>
    public int Pad => KernelSize / 2;

    /// <summary>
    /// The input is stored as its four pixel phases, not phase-stacked: channel (2 ry + rx) * InC/4 + k of pixel (h, w)
    /// lives at pixel (2h + ry, 2w + rx), channel k, of a (2 Height) x (2 Width) x InC/4 image (Polyphase.SpaceToDepth,
    /// read in place). Needs InC/4 to be a multiple of 16, so no block of 16 channels straddles two phases.
    /// </summary>
    public bool InputPhases { get; init; }

    /// <summary>The same for the output: channel (2 ry + rx) * OutC/4 + k of pixel (h, w) at pixel (2h + ry, 2w + rx).</summary>
    public bool OutputPhases { get; init; }

    /// <summary>Whether phases can be read in place for this many phase-stacked channels.</summary>
    public static bool PhasesInPlace(int channels) => channels % 64 == 0;

    /// <summary>Floats of a KernelSize x KernelSize kernel (KernelSize, KernelSize, OutC, InC).</summary>
    public int KernelTaps => KernelSize * KernelSize * OutC * InC;

    public int TilesH => (Height + OutputRows - 1) / OutputRows;

    public int TilesW => (Width + OutputCols - 1) / OutputCols;

    public int TilesPerImage => TilesH * TilesW;

    /// <summary>
    /// Whether the last row of tiles reaches below the image: its last output row is cropped, and that is the only output
    /// the transform's last point (infinity) reaches, so the products there are not needed for those tiles.
    /// </summary>
    public bool LastTileRowCropped => TilesH * OutputRows > Height;

    /// <summary>Whether the last column of tiles reaches past the image (see <see cref="LastTileRowCropped"/>).</summary>
    public bool LastTileColCropped => TilesW * OutputCols > Width;

    /// <summary>
    /// The row of a transformed array's plane that holds tile position (the tile's index within its image, row by row)
    /// of image image, for a group of images images: position by position, every image's tile at a position together.
    /// </summary>
    public static long TileRow(int images, int image, int position) => (long)position * images + image;

    /// <summary>Whether the kernels have this shape's transform: F(4x4, 5x5), or F(4, 3) or F(7, 3) in each direction.</summary>
    public bool Supported => KernelSize == 5 ? (OutputRows, OutputCols) == (4, 4) : KernelSize == 3 && OutputRows is 4 or 7 && OutputCols is 4 or 7;

    /// <summary>
    /// Output rows a tile for a 3x3 kernel over images of this height: 7 (F(7, 3), 9 points down a tile) where that
    /// covers the height with fewer points than F(4, 3)'s 6 a tile (7 rows: 9 against 12), else 4. Only one direction
    /// takes F(7, 3): its points reach 2 and 3/4, and it rounds about four times as much as F(4, 3) in one direction,
    /// twenty times in both.
    /// </summary>
    public static int OutputRowsFor(int height, int kernelSize)
        => kernelSize == 3 && (height + 6) / 7 * 9 < (height + 3) / 4 * 6 ? 7 : 4;

    /// <summary>
    /// Padding between the planes (one a point) of a transformed array, in floats. Without it the planes' strides are multiples of
    /// 4 KB, so the values of one tile, one a plane, written or read together, would all fall in the same L1 cache set.
    /// </summary>
    private const int PlanePad = 16;

    /// <summary>Floats from one point's plane of a transformed input to the next: [tiles][InC] plus padding.</summary>
    public int InputPlane(int images) => images * TilesPerImage * InC + PlanePad;

    /// <summary>Floats from one point's plane of the products to the next: [tiles][OutC] plus padding.</summary>
    public int ProductPlane(int images) => images * TilesPerImage * OutC + PlanePad;

    /// <summary>Floats from one point's plane of the transformed kernel to the next: [OutC][InC] plus padding.</summary>
    public int KernelPlane => OutC * InC + PlanePad;

    /// <summary>Floats of the transformed input of images images: a plane of [tiles][InC] for each point.</summary>
    public int InputFloats(int images) => Points * InputPlane(images);

    /// <summary>Floats of the products of images images: a plane of [tiles][OutC] for each point.</summary>
    public int ProductFloats(int images) => Points * ProductPlane(images);

    /// <summary>Floats of the transformed kernel: a plane of [OutC][InC] for each point.</summary>
    public int KernelFloats => Points * KernelPlane;

    /// <summary>
    /// Floats from one point's plane of a packed kernel to the next (<see cref="Winograd.PackKernel"/>): the larger of the
    /// forward product's op(B) (InC x OutC) and the input gradient's (OutC x InC) as Gemm.PackB lays them out, plus padding.
    /// </summary>
    public int PackedKernelPlane => checked((int)Math.Max(Gemm.PackedBFloats(InC, OutC), Gemm.PackedBFloats(OutC, InC))) + PlanePad;

    /// <summary>Floats of a packed kernel: a plane for each point.</summary>
    public int PackedKernelFloats => Points * PackedKernelPlane;
}

/// <summary>
/// F(4x4, 5x5) or F(m1, 3) x F(m2, 3) for the correlation y[n, p, q, o] = sum over (a, b, c) of x[n, p + a - P, q + b - P, c] * k(a, b, o, c)
/// (r = 5 or 3, P = r / 2), with k(a, b, o, c) = w[a, b, o, c] or, flipped, w[r-1-a, r-1-b, o, c]; w is stored
/// (r, r, OutC, InC), which is a Keras Conv2DTranspose kernel as it is, and its flipped form is what a stride-1 'same'
/// transposed convolution computes. Every kernel here is parallel over a split that depends only on the shape, so results
/// never depend on the thread count.
/// </summary>
[SkipLocalsInit]
public static unsafe class Winograd
{
    /// <summary>The most points of a transform domain (F(7x7, 3x3)'s 9 x 9), the size of the per-task scratch.</summary>
    private const int MaxPoints = 81;

    /// <summary>The most outputs of a tile (7 x 7).</summary>
    private const int MaxOutputs = 49;

    /// <summary>Channels the transforms take at a time: 16 floats, a cache line (one Vector512, or two Vector256).</summary>
    private const int Lanes = 16;

    /// <summary>
    /// How far ahead, in floats (four cache lines), the kernels that read a transformed array point by point ask for the
    /// lines they read next: 36 to 81 planes read side by side are more streams than the hardware prefetchers follow.
    /// </summary>
    private const int PrefetchAhead = 64;

    /// <summary>u[xi, o, c] = (G k G^T)[xi] for every pair of channels. w is (r, r, OutC, InC).</summary>
    public static void TransformKernel(in WinogradShape s, ReadOnlySpan<float> w, bool flip, Span<float> u)
    {
        Require(s.Supported && w.Length >= s.KernelTaps && u.Length >= s.KernelFloats, "kernel transform: buffer too small");
        fixed (float* pw = w, pu = u)
        {
            var job = new KernelJob { S = s, Taps = pw, Transformed = pu, Flip = flip };
            Workers.For(s.OutC, Task(s, TaskKind.Kernel), &job);
        }
    }

    /// <summary>dw[a, b, o, c] += (G^T du G)[a, b] (at (r-1-a, r-1-b) when flipped): the adjoint of <see cref="TransformKernel"/>.</summary>
    public static void AccumulateKernelGradient(in WinogradShape s, ReadOnlySpan<float> du, bool flip, Span<float> dw)
    {
        Require(s.Supported && dw.Length >= s.KernelTaps && du.Length >= s.KernelFloats, "kernel gradient: buffer too small");
        fixed (float* pdu = du, pdw = dw)
        {
            var job = new KernelJob { S = s, Transformed = pdu, Taps = pdw, Flip = flip };
            Workers.For(s.OutC, Task(s, TaskKind.KernelGradient), &job);
        }
    }

    /// <summary>v[xi, t, c] = (B^T d B)[xi] for every input tile t of images images (x is images x Height x Width x InC).</summary>
    public static void TransformInput(in WinogradShape s, int images, ReadOnlySpan<float> x, Span<float> v)
    {
        Require(x.Length >= images * s.Height * s.Width * s.InC && v.Length >= s.InputFloats(images), "input transform: buffer too small");
        fixed (float* px = x, pv = v)
        {
            // The transformed input is several times the size of the images and goes to memory whatever happens; streaming
            // stores write it there without first reading every line they fill.
            var job = new TileJob { S = s, Pixels = px, Transformed = pv, Images = images, Streaming = CanStream(pv, s.InC) };
            Workers.For(job.Tiles, Task(s, TaskKind.Input), &job);
        }
    }

    /// <summary>dx = the sum over tiles of B dv B^T inside the image: the adjoint of <see cref="TransformInput"/> (dx is overwritten).</summary>
    public static void InputGradient(in WinogradShape s, int images, ReadOnlySpan<float> dv, Span<float> dx)
    {
        Require(dx.Length >= images * s.Height * s.Width * s.InC && dv.Length >= s.InputFloats(images), "input gradient: buffer too small");
        fixed (float* pdv = dv, pdx = dx)
        {
            // One task per image: its tiles overlap, so they are added in a fixed order by one thread.
            var job = new TileJob { S = s, Transformed = pdv, Pixels = pdx, Images = images };
            Workers.For(images, Task(s, TaskKind.InputGradient), &job);
        }
    }

    /// <summary>y = A^T m A for every tile, cropped to the image (y is images x Height x Width x OutC, overwritten).</summary>
    public static void TransformOutput(in WinogradShape s, int images, ReadOnlySpan<float> m, Span<float> y)
    {
        Require(y.Length >= images * s.Height * s.Width * s.OutC && m.Length >= s.ProductFloats(images), "output transform: buffer too small");
        fixed (float* pm = m, py = y)
        {
            var job = new TileJob { S = s, Transformed = pm, Pixels = py, Images = images };
            Workers.For(job.Tiles, Task(s, TaskKind.Output), &job);
        }
    }

    /// <summary>dm = A dy A^T for every tile, dy read as zero outside the image: the adjoint of <see cref="TransformOutput"/>.</summary>
    public static void OutputGradient(in WinogradShape s, int images, ReadOnlySpan<float> dy, Span<float> dm)
    {
        Require(dy.Length >= images * s.Height * s.Width * s.OutC && dm.Length >= s.ProductFloats(images), "output gradient: buffer too small");
        fixed (float* pdy = dy, pdm = dm)
        {
            // Streamed like the input transform's output: the GEMMs that read it find it in memory either way.
            var job = new TileJob { S = s, Pixels = pdy, Transformed = pdm, Images = images, Streaming = CanStream(pdm, s.OutC) };
            Workers.For(job.Tiles, Task(s, TaskKind.OutputGradient), &job);
        }
    }

    /// <summary>
    /// The transformed kernel u packed point by point as the products' second operand (Gemm.PackB), once for all the
    /// products that use it: u[xi]^T (InC x OutC) for <see cref="Multiply"/>, or u[xi] (OutC x InC) for the input gradient
    /// of <see cref="MultiplyBackward"/> when forInputGradient.
    /// </summary>
    public static void PackKernel(in WinogradShape s, ReadOnlySpan<float> u, bool forInputGradient, Span<float> packed)
    {
        Require(u.Length >= s.KernelFloats && packed.Length >= s.PackedKernelFloats, "kernel packing: buffer too small");
        fixed (float* pu = u, pp = packed)
        {
            var job = new PackJob { S = s, Kernel = pu, Packed = pp, ForInputGradient = forInputGradient };
            Workers.For(s.Points, &PackTask, &job);
        }
    }

    /// <summary>
    /// Bit q of zeroQuarters[xi]: whether quarter q of the phase-stacked channels (phase q = 2 ry + rx, Polyphase) meets the
    /// transformed kernel only in the taps the 5x5 kernel's padding fills. A phase of even row (column) parity has one such
    /// tap a row (column) (<see cref="Polyphase.PaddingTap"/>), and the points whose row (column) of G reads that tap alone
    /// (point 0 for the first tap, infinity for the last) see nothing else of it: there u is zero, so the products that
    /// use u are zero, and the products that make du feed only the padding taps' gradient, which Polyphase drops. For 7x4
    /// tiles that is a quarter to a half of the phase channels at 9 to 16 of the 54 points; the products skip them
    /// (<see cref="Multiply"/>, <see cref="MultiplyBackward"/>). Depends on the shape alone, never on the weights.
    /// </summary>
    public static void FindZeroQuarters(in WinogradShape s, PhaseStack stacked, Span<byte> zeroQuarters)
    {
        Require(zeroQuarters.Length >= s.Points, "zero quarters: buffer too small");
        zeroQuarters[..s.Points].Clear();
        if (stacked == PhaseStack.None || s.KernelSize != 3 || (stacked == PhaseStack.Input ? s.InC : s.OutC) % 4 != 0)
        {
            return;
        }
        Span<int> rows = stackalloc int[F73.Tile], cols = stackalloc int[F73.Tile];
        TapsReadAlone(s.OutputRows, rows);
        TapsReadAlone(s.OutputCols, cols);
        int pad = Polyphase.PaddingTap(stacked), nw = s.TileCols;
        for (int i = 0; i < s.TileRows; i++)
        {
            for (int j = 0; j < nw; j++)
            {
                int zero = 0;
                for (int q = 0; q < 4; q++)
                {
                    bool evenRow = q >> 1 == 0, evenCol = (q & 1) == 0;
                    if ((evenRow && rows[i] == pad) || (evenCol && cols[j] == pad))
                    {
                        zero |= 1 << q;
                    }
                }
                zeroQuarters[i * nw + j] = (byte)zero;
            }
        }
    }

    /// <summary>For each point of F(outputs, 3), the one kernel tap its row of G reads, or -1 where it reads more than one.</summary>
    private static void TapsReadAlone(int outputs, Span<int> taps)
    {
        if (outputs == 7)
        {
            TapsReadAlone<F73>(taps);
        }
        else
        {
            TapsReadAlone<F43>(taps);
        }
    }

    private static void TapsReadAlone<TR>(Span<int> taps)
        where TR : ITransform1D
    {
        // G applied to each unit kernel (one tap 1, the others 0) gives G's columns; a point reads a tap alone when only
        // that tap's column is non-zero in its row.
        var unit = stackalloc Lanes8x2[3];
        var column = stackalloc Lanes8x2[F73.Tile];
        float* one = stackalloc float[Lanes];
        float* value = stackalloc float[Lanes];
        new Span<float>(one, Lanes).Fill(1f);
        taps[..TR.Tile].Fill(-2);
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                unit[b] = a == b ? Lanes8x2.Load(one) : Lanes8x2.Zero;
            }
            TR.Kernel(unit, 1, column, 1);
            for (int i = 0; i < TR.Tile; i++)
            {
                Lanes8x2.Store(value, column[i]);
                if (value[0] != 0f)
                {
                    taps[i] = taps[i] == -2 ? a : -1;
                }
            }
        }
    }

    /// <summary>
    /// m[xi] = v[xi] u[xi]^T for each point: [tiles x InC] times [InC x OutC], one GEMM per point; u is given
    /// packed (<see cref="PackKernel"/>, forward). With zeroQuarters (<see cref="FindZeroQuarters"/>) for phase-stacked output
    /// channels, the columns of m in a zero quarter are written as zeros rather than computed: the same values. With
    /// skipCropped, the rows of the tiles a point reaches only cropped outputs from (<see cref="WinogradShape.LastTileRowCropped"/>)
    /// are written as zeros rather than computed: <see cref="TransformOutput"/> then gives the same image.
    /// </summary>
    public static void Multiply(in WinogradShape s, int images, ReadOnlySpan<float> v, ReadOnlySpan<float> u, Span<float> m,
        ReadOnlySpan<byte> zeroQuarters = default, PhaseStack stacked = PhaseStack.None, bool skipCropped = false)
    {
        Require(v.Length >= s.InputFloats(images) && u.Length >= s.PackedKernelFloats && m.Length >= s.ProductFloats(images)
            && (zeroQuarters.IsEmpty || zeroQuarters.Length >= s.Points), "winograd product: buffer too small");
        fixed (float* pv = v, pu = u, pm = m)
        fixed (byte* pz = zeroQuarters)
        {
            var job = new ProductJob
            {
                S = s, V = pv, PackedKernel = pu, M = pm, Images = images, ZeroQuarters = pz, Stacked = stacked, SkipCropped = skipCropped,
            };
            Workers.For(s.Points, &MultiplyTask, &job);
        }
    }

    /// <summary>
    /// The products' backward, point by point: du[xi] (+)= dm[xi]^T v[xi] when weights (accumulated when accumulate), then
    /// v[xi] = dm[xi] u[xi] when input (the input's transformed gradient replaces the transformed input); u is given packed
    /// for the input gradient (<see cref="PackKernel"/>), and not read when not input. With zeroQuarters
    /// (<see cref="FindZeroQuarters"/>), du in a zero quarter is left at zero (written so when not accumulating), and for
    /// phase-stacked input channels the columns of v in one are written as zeros rather than computed. With skipCropped,
    /// the rows of the tiles a point reaches only cropped outputs from are left out of du's sums and written as zeros in v:
    /// there dm from <see cref="OutputGradient"/> is zero, so du and v are what the whole products give (du up to the order
    /// of its sums where the rows left out are not the last).
    /// </summary>
    public static void MultiplyBackward(in WinogradShape s, int images, ReadOnlySpan<float> dm, ReadOnlySpan<float> u, Span<float> v,
        Span<float> du, bool weights, bool accumulate, bool input, ReadOnlySpan<byte> zeroQuarters = default, PhaseStack stacked = PhaseStack.None,
        bool skipCropped = false)
    {
        Require(v.Length >= s.InputFloats(images) && (!input || u.Length >= s.PackedKernelFloats) && dm.Length >= s.ProductFloats(images)
            && (!weights || du.Length >= s.KernelFloats) && (zeroQuarters.IsEmpty || zeroQuarters.Length >= s.Points),
            "winograd product backward: buffer too small");
        fixed (float* pv = v, pu = u, pdm = dm, pdu = du)
        fixed (byte* pz = zeroQuarters)
        {
            var job = new ProductJob
            {
                S = s, V = pv, PackedKernel = pu, M = pdm, KernelGradient = pdu, Images = images,
                Weights = weights, Accumulate = accumulate, Input = input, ZeroQuarters = pz, Stacked = stacked, SkipCropped = skipCropped,
            };
            Workers.For(s.Points, &MultiplyBackwardTask, &job);
        }
    }

    /// <summary>The kernel transform and its adjoint: one task per output channel.</summary>
    private struct KernelJob
    {
        public WinogradShape S;
        // The kernel as taps (r, r, OutC, InC), and transformed (points x [OutC][InC]).
        public float* Taps;
        public float* Transformed;
        public bool Flip;

        public readonly int KernelPlane => S.KernelPlane;
    }

    /// <summary>A transform between images (NHWC pixels) and a transformed array (points x [tiles][channels]).</summary>
    private struct TileJob
    {
        public WinogradShape S;
        public float* Pixels;
        public float* Transformed;
        public int Images;
        public bool Streaming;

        public readonly int Tiles => Images * S.TilesPerImage;

        /// <summary>Where tile k of an image lies in a plane, in rows (<see cref="WinogradShape.TileRow"/>).</summary>
        public readonly long Row(int image, int k) => WinogradShape.TileRow(Images, image, k);

        // Plane strides of the input-side and output-side transformed arrays.
        public readonly int InPlane => S.InputPlane(Images);

        public readonly int OutPlane => S.ProductPlane(Images);
    }

    /// <summary>Packing the transformed kernel for the products: one task per point.</summary>
    private struct PackJob
    {
        public WinogradShape S;
        public float* Kernel;
        public float* Packed;
        public bool ForInputGradient;

        public readonly int KernelPlane => S.KernelPlane;

        public readonly int PackedPlane => S.PackedKernelPlane;
    }

    /// <summary>The point GEMMs, forward and backward: one task per point.</summary>
    private struct ProductJob
    {
        public WinogradShape S;
        // Transformed input (or, backward, its gradient), the packed kernel, the products (or their gradient), du.
        public float* V;
        public float* PackedKernel;
        public float* M;
        public float* KernelGradient;
        public int Images;
        public bool Weights;
        public bool Accumulate;
        public bool Input;
        // Per point, the quarters of the phase-stacked channels the products skip (FindZeroQuarters), or null.
        public byte* ZeroQuarters;
        public PhaseStack Stacked;
        // Whether the products leave out the tiles a point reaches only cropped outputs from.
        public bool SkipCropped;

        public readonly int Tiles => Images * S.TilesPerImage;

        /// <summary>The zero quarters at point xi: none without a mask or stacked channels.</summary>
        public readonly int Zero(int xi) => ZeroQuarters == null || Stacked == PhaseStack.None ? 0 : ZeroQuarters[xi];

        public readonly int InPlane => S.InputPlane(Images);

        public readonly int OutPlane => S.ProductPlane(Images);

        public readonly int KernelPlane => S.KernelPlane;

        public readonly int PackedPlane => S.PackedKernelPlane;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }

    // ---- tasks ----

    private static void MultiplyTask(void* state, int xi)
    {
        ref ProductJob job = ref *(ProductJob*)state;
        int ic = job.S.InC, oc = job.S.OutC, zero = job.Stacked == PhaseStack.Output ? job.Zero(xi) : 0;
        float* v = job.V + (long)xi * job.InPlane, m = job.M + (long)xi * job.OutPlane;
        var packed = Span(job.PackedKernel + (long)xi * job.PackedPlane, job.PackedPlane);
        Span<int> runs = stackalloc int[2 * RunsFor(job.S)];
        int count = NeededRows(ref job, xi, runs);
        // Inside a task the GEMM runs on this thread alone: called directly, the points are split among the threads; called
        // from a task of its own (the layers run each part of a batch as one), everything runs on that thread.
        for (int r = 0; r < count; r++)
        {
            int first = runs[2 * r], rows = runs[2 * r + 1];
            ProductSkipping(zero, rows, oc, ic, v + (long)first * ic, packed, m + (long)first * oc);
        }
        ClearOtherRows(m, oc, job.Tiles, runs[..(2 * count)]);
    }

    /// <summary>Runs of rows a plane's products take, at most: one a row of tiles, and one more.</summary>
    private static int RunsFor(in WinogradShape s) => s.TilesH + 1;

    /// <summary>
    /// The rows of point xi's plane whose products reach the image, as runs (first row, rows) in runs: every row, or with
    /// SkipCropped, not the tiles of the last row (column) of tiles where xi is the last point down (across) and that row
    /// (column) is cropped (<see cref="WinogradShape.LastTileRowCropped"/>). In every transform here the last point is
    /// infinity, which only the last output reads. Returns the number of runs (0 where none).
    /// </summary>
    private static int NeededRows(ref ProductJob job, int xi, Span<int> runs)
    {
        var s = job.S;
        int tilesH = s.TilesH, tilesW = s.TilesW;
        if (job.SkipCropped)
        {
            if (xi / s.TileCols == s.TileRows - 1 && s.LastTileRowCropped)
            {
                tilesH--;
            }
            if (xi % s.TileCols == s.TileCols - 1 && s.LastTileColCropped)
            {
                tilesW--;
            }
        }
        if (tilesH == 0 || tilesW == 0)
        {
            return 0;
        }
        // Rows go position by position (WinogradShape.TileRow): a whole row of tiles is one run with the rows of tiles after it.
        if (tilesW == s.TilesW)
        {
            runs[0] = 0;
            runs[1] = (int)WinogradShape.TileRow(job.Images, 0, tilesH * tilesW);
            return 1;
        }
        for (int ty = 0; ty < tilesH; ty++)
        {
            runs[2 * ty] = (int)WinogradShape.TileRow(job.Images, 0, ty * s.TilesW);
            runs[2 * ty + 1] = tilesW * job.Images;
        }
        return tilesH;
    }

    /// <summary>Sets to zero the rows of a rows x n dense plane that are in none of the runs (first row, rows; in order).</summary>
    private static void ClearOtherRows(float* plane, int n, int rows, ReadOnlySpan<int> runs)
    {
        // next: the first row after the runs so far; each gap before a run, then the rows after the last, are cleared.
        int next = 0;
        for (int r = 0; r < runs.Length; r += 2)
        {
            new Span<float>(plane + (long)next * n, (runs[r] - next) * n).Clear();
            next = runs[r] + runs[r + 1];
        }
        new Span<float>(plane + (long)next * n, (rows - next) * n).Clear();
    }

    /// <summary>
    /// c = a b for a (rows x k) and b (k x n) packed, each row-major and dense; the quarters of b's columns flagged in zero
    /// (bit q for quarter q) are zero in b, and their columns of c are written as zeros instead of computed.
    /// </summary>
    private static void ProductSkipping(int zero, int rows, int n, int k, float* a, ReadOnlySpan<float> packedB, float* c)
    {
        int quarter = n / 4;
        if (zero == 0 || !Gemm.PackedBWindowStartsAt(quarter))
        {
            Gemm.SgemmPackedB(false, rows, n, k, Span(a, rows * k), k, packedB, 0f, new Span<float>(c, rows * n), n);
            return;
        }
        // Runs of quarters: the zero ones written as zeros, the others computed from their columns of the packed b.
        for (int q0 = 0, q1; q0 < 4; q0 = q1)
        {
            q1 = RunEnd(zero, q0);
            int j0 = q0 * quarter, width = (q1 - q0) * quarter;
            if (IsZero(zero, q0))
            {
                ClearColumns(c + j0, rows, n, width);
            }
            else
            {
                Gemm.SgemmPackedB(false, rows, width, k, Span(a, rows * k), k, packedB, k, n, 0, j0, 0f, Columns(c + j0, rows, n, width), n);
            }
        }
    }

    private static bool IsZero(int zero, int q) => (zero >> q & 1) != 0;

    /// <summary>The end of the run of quarters from q0 that are all zero or all not.</summary>
    private static int RunEnd(int zero, int q0)
    {
        int q1 = q0 + 1;
        while (q1 < 4 && IsZero(zero, q1) == IsZero(zero, q0))
        {
            q1++;
        }
        return q1;
    }

    /// <summary>Columns [0, n) of a rows x ld row-major block starting at p, as the span a GEMM's C (or operand) takes.</summary>
    private static Span<float> Columns(float* p, int rows, int ld, int n) => new(p, (rows - 1) * ld + n);

    private static void ClearColumns(float* p, int rows, int ld, int n)
    {
        for (int r = 0; r < rows; r++)
        {
            new Span<float>(p + (long)r * ld, n).Clear();
        }
    }

    private static void PackTask(void* state, int xi)
    {
        ref PackJob job = ref *(PackJob*)state;
        int ic = job.S.InC, oc = job.S.OutC;
        var u = Span(job.Kernel + (long)xi * job.KernelPlane, oc * ic);
        var packed = new Span<float>(job.Packed + (long)xi * job.PackedPlane, job.PackedPlane);
        // u[xi] is [OutC][InC]: the forward's op(B) is its transpose, the input gradient's is u[xi] itself.
        if (job.ForInputGradient)
        {
            Gemm.PackB(false, oc, ic, u, ic, packed);
        }
        else
        {
            Gemm.PackB(true, ic, oc, u, ic, packed);
        }
    }

    private static void MultiplyBackwardTask(void* state, int xi)
    {
        ref ProductJob job = ref *(ProductJob*)state;
        int ic = job.S.InC, oc = job.S.OutC;
        float* v = job.V + (long)xi * job.InPlane, dm = job.M + (long)xi * job.OutPlane;
        int zero = job.Zero(xi);
        Span<int> runs = stackalloc int[2 * RunsFor(job.S)];
        int count = NeededRows(ref job, xi, runs);
        if (job.Weights)
        {
            float* du = job.KernelGradient + (long)xi * job.KernelPlane;
            if (count == 0 && !job.Accumulate)
            {
                new Span<float>(du, oc * ic).Clear();
            }
            // Every run's sums after the first add to the first's.
            for (int r = 0; r < count; r++)
            {
                int first = runs[2 * r], rows = runs[2 * r + 1];
                KernelGradientSkipping(zero, job.Stacked == PhaseStack.Output, rows, ic, oc, dm + (long)first * oc, v + (long)first * ic, du,
                    job.Accumulate || r > 0);
            }
        }
        if (job.Input)
        {
            // v = dm u: with stacked input channels, a zero quarter's columns are zeros; stacked output channels would trim
            // the sum instead, which the packed kernel does not allow, so they are computed whole.
            var packed = Span(job.PackedKernel + (long)xi * job.PackedPlane, job.PackedPlane);
            for (int r = 0; r < count; r++)
            {
                int first = runs[2 * r], rows = runs[2 * r + 1];
                ProductSkipping(job.Stacked == PhaseStack.Input ? zero : 0, rows, ic, oc, dm + (long)first * oc, packed, v + (long)first * ic);
            }
            ClearOtherRows(v, ic, job.Tiles, runs[..(2 * count)]);
        }
    }

    /// <summary>
    /// du (+)= dm^T v, du (oc x ic) from dm (t x oc) and v (t x ic), each row-major and dense. The quarters flagged in zero
    /// are of du's rows (stacked output channels, rows) or of its columns (stacked input channels): they are left at zero,
    /// written so when not accumulating.
    /// </summary>
    private static void KernelGradientSkipping(int zero, bool rows, int t, int ic, int oc, float* dm, float* v, float* du, bool accumulate)
    {
        float beta = accumulate ? 1f : 0f;
        if (zero == 0)
        {
            Gemm.Sgemm(true, false, oc, ic, t, Span(dm, t * oc), oc, Span(v, t * ic), ic, beta, new Span<float>(du, oc * ic), ic);
            return;
        }
        int quarter = (rows ? oc : ic) / 4;
        for (int q0 = 0, q1; q0 < 4; q0 = q1)
        {
            q1 = RunEnd(zero, q0);
            int j0 = q0 * quarter, n = (q1 - q0) * quarter;
            if (IsZero(zero, q0))
            {
                if (!accumulate)
                {
                    ClearColumns(rows ? du + (long)j0 * ic : du + j0, rows ? n : oc, ic, rows ? ic : n);
                }
            }
            else if (rows)
            {
                Gemm.Sgemm(true, false, n, ic, t, Columns(dm + j0, t, oc, n), oc, Span(v, t * ic), ic, beta, new Span<float>(du + (long)j0 * ic, n * ic), ic);
            }
            else
            {
                Gemm.Sgemm(true, false, oc, n, t, Span(dm, t * oc), oc, Columns(v + j0, t, ic, n), ic, beta, Columns(du + j0, oc, ic, n), ic);
            }
        }
    }

    private static ReadOnlySpan<float> Span(float* p, int length) => new(p, length);

    /// <summary>
    /// Where channel block c0 of pixel (h, w) lives, for every pixel of an image of the given width and channels:
    /// Base + h * Row + w * Col. Plain NHWC, or with phases the pixel's phase (channel block c0 / (channels / 4)) in the
    /// image of twice the size. Worked out once per channel block, not per pixel (a phase costs a division).
    /// </summary>
    private readonly struct PixelGrid
    {
        public readonly float* Base;
        public readonly long Row;
        public readonly long Col;

        public PixelGrid(float* image, int width, int channels, bool phases, int c0)
        {
            if (!phases)
            {
                Base = image + c0;
                Row = (long)width * channels;
                Col = channels;
                return;
            }
            // Pixel (h, w) of phase (ry, rx) is pixel (2h + ry, 2w + rx) of the 2 width x c image, c = channels / 4.
            int c = channels >> 2, phase = c0 / c;
            Base = image + ((long)(phase >> 1) * 2 * width + (phase & 1)) * c + (c0 - phase * c);
            Row = 4L * width * c;
            Col = 2L * c;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* At(int h, int w) => Base + h * Row + w * Col;
    }

    private static void KernelTask<TV, TR, TC>(void* state, int o)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
    {
        ref KernelJob job = ref *(KernelJob*)state;
        WinogradShape s = job.S;
        int ic = s.InC, oc = s.OutC, r = s.KernelSize, nh = TR.Tile, nw = TC.Tile;
        TV* g = stackalloc TV[25];
        TV* t = stackalloc TV[40];
        TV* u = stackalloc TV[MaxPoints];
        for (int c0 = 0; c0 < ic; c0 += Lanes)
        {
            int lanes = Math.Min(Lanes, ic - c0);
            for (int a = 0; a < r; a++)
            {
                for (int b = 0; b < r; b++)
                {
                    int tap = job.Flip ? (r - 1 - a) * r + (r - 1 - b) : a * r + b;
                    g[a * r + b] = Load<TV>(job.Taps + ((long)tap * oc + o) * ic + c0, lanes);
                }
            }
            for (int b = 0; b < r; b++)
            {
                TR.Kernel(g + b, r, t + b, r);
            }
            for (int i = 0; i < nh; i++)
            {
                TC.Kernel(t + i * r, 1, u + i * nw, 1);
            }
            StorePoints(job.Transformed + (long)o * ic + c0, job.KernelPlane, u, s.Points, lanes, streaming: false);
        }
    }

    private static void KernelGradientTask<TV, TR, TC>(void* state, int o)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
    {
        ref KernelJob job = ref *(KernelJob*)state;
        WinogradShape s = job.S;
        int ic = s.InC, oc = s.OutC, r = s.KernelSize, nh = TR.Tile, nw = TC.Tile;
        TV* du = stackalloc TV[MaxPoints];
        TV* t = stackalloc TV[40];
        TV* g = stackalloc TV[25];
        for (int c0 = 0; c0 < ic; c0 += Lanes)
        {
            int lanes = Math.Min(Lanes, ic - c0);
            for (int xi = 0; xi < s.Points; xi++)
            {
                du[xi] = Load<TV>(job.Transformed + (long)xi * job.KernelPlane + (long)o * ic + c0, lanes);
            }
            for (int j = 0; j < nw; j++)
            {
                TR.KernelAdjoint(du + j, nw, t + j, nw);
            }
            for (int a = 0; a < r; a++)
            {
                TC.KernelAdjoint(t + a * nw, 1, g + a * r, 1);
            }
            for (int a = 0; a < r; a++)
            {
                for (int b = 0; b < r; b++)
                {
                    int tap = job.Flip ? (r - 1 - a) * r + (r - 1 - b) : a * r + b;
                    float* p = job.Taps + ((long)tap * oc + o) * ic + c0;
                    Store(p, lanes, Load<TV>(p, lanes) + g[a * r + b]);
                }
            }
        }
    }

    private static void InputTask<TV, TR, TC>(void* state, int tile)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
    {
        ref TileJob job = ref *(TileJob*)state;
        WinogradShape s = job.S;
        int ic = s.InC, tpi = s.TilesPerImage, nh = TR.Tile, nw = TC.Tile;
        int image = tile / tpi, ty = tile % tpi / s.TilesW, tx = tile % s.TilesW;
        float* x = job.Pixels + (long)image * s.Height * s.Width * ic;
        TV* d = stackalloc TV[MaxPoints];
        TV* t = stackalloc TV[MaxPoints];
        TV* v = stackalloc TV[MaxPoints];
        long pointStride = job.InPlane;
        // The tile's columns inside the image, [j0, j1): the others are padding, all zero, and so is their transform.
        int w0 = s.OutputCols * tx - s.Pad, j0 = Math.Max(0, -w0), j1 = Math.Min(nw, s.Width - w0);
        for (int c0 = 0; c0 < ic; c0 += Lanes)
        {
            int lanes = Math.Min(Lanes, ic - c0);
            var grid = new PixelGrid(x, s.Width, ic, s.InputPhases, c0);
            for (int i = 0; i < nh; i++)
            {
                int h = s.OutputRows * ty - s.Pad + i;
                bool inside = (uint)h < (uint)s.Height;
                for (int j = j0; j < j1; j++)
                {
                    d[i * nw + j] = inside ? Load<TV>(grid.At(h, w0 + j), lanes) : TV.Zero;
                }
            }
            for (int j = 0; j < nw; j++)
            {
                if (j < j0 || j >= j1)
                {
                    ZeroColumn(t + j, nh, nw);
                    continue;
                }
                TR.Input(d + j, nw, t + j, nw);
            }
            for (int i = 0; i < nh; i++)
            {
                TC.Input(t + i * nw, 1, v + i * nw, 1);
            }
            StorePoints(job.Transformed + job.Row(image, tile % tpi) * ic + c0, pointStride, v, s.Points, lanes, job.Streaming);
        }
        if (job.Streaming)
        {
            // Streaming stores are weakly ordered: fenced on the thread that made them, before the task is counted done.
            Sse.StoreFence();
        }
    }

    private static void InputGradientTask<TV, TR, TC>(void* state, int image)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
    {
        ref TileJob job = ref *(TileJob*)state;
        WinogradShape s = job.S;
        int ic = s.InC, tpi = s.TilesPerImage, nh = TR.Tile, nw = TC.Tile;
        float* dx = job.Pixels + (long)image * s.Height * s.Width * ic;
        new Span<float>(dx, s.Height * s.Width * ic).Clear();
        TV* dv = stackalloc TV[MaxPoints];
        TV* t = stackalloc TV[MaxPoints];
        TV* dd = stackalloc TV[MaxPoints];
        long pointStride = job.InPlane;
        for (int k = 0; k < tpi; k++)
        {
            int ty = k / s.TilesW, tx = k % s.TilesW;
            float* src = job.Transformed + job.Row(image, k) * ic;
            // The tile's columns inside the image, [j0, j1); the rest of the tile's gradient falls on padding.
            int w0 = s.OutputCols * tx - s.Pad, j0 = Math.Max(0, -w0), j1 = Math.Min(nw, s.Width - w0);
            for (int c0 = 0; c0 < ic; c0 += Lanes)
            {
                int lanes = Math.Min(Lanes, ic - c0);
                Prefetch.Lines(src + c0 + PrefetchAhead, pointStride, s.Points);
                for (int xi = 0; xi < s.Points; xi++)
                {
                    dv[xi] = Load<TV>(src + xi * pointStride + c0, lanes);
                }
                // Along the rows first, so the transforms down the columns are left for the columns inside the image.
                for (int i = 0; i < nh; i++)
                {
                    TC.InputAdjoint(dv + i * nw, 1, t + i * nw, 1);
                }
                for (int j = j0; j < j1; j++)
                {
                    TR.InputAdjoint(t + j, nw, dd + j, nw);
                }
                var grid = new PixelGrid(dx, s.Width, ic, s.InputPhases, c0);
                for (int i = 0; i < nh; i++)
                {
                    int h = s.OutputRows * ty - s.Pad + i;
                    if ((uint)h >= (uint)s.Height)
                    {
                        continue;
                    }
                    for (int j = j0; j < j1; j++)
                    {
                        float* p = grid.At(h, w0 + j);
                        Store(p, lanes, Load<TV>(p, lanes) + dd[i * nw + j]);
                    }
                }
            }
        }
    }

    private static void OutputTask<TV, TR, TC>(void* state, int tile)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
    {
        ref TileJob job = ref *(TileJob*)state;
        WinogradShape s = job.S;
        int oc = s.OutC, tpi = s.TilesPerImage, nh = TR.Tile, nw = TC.Tile, oh = s.OutputRows, ow = s.OutputCols;
        int image = tile / tpi, ty = tile % tpi / s.TilesW, tx = tile % s.TilesW;
        float* y = job.Pixels + (long)image * s.Height * s.Width * oc;
        TV* m = stackalloc TV[MaxPoints];
        TV* t = stackalloc TV[MaxPoints];
        TV* o = stackalloc TV[MaxOutputs];
        long pointStride = job.OutPlane;
        float* src = job.Transformed + job.Row(image, tile % tpi) * oc;
        int rows = Math.Min(oh, s.Height - oh * ty), cols = Math.Min(ow, s.Width - ow * tx);
        for (int c0 = 0; c0 < oc; c0 += Lanes)
        {
            int lanes = Math.Min(Lanes, oc - c0);
            Prefetch.Lines(src + c0 + PrefetchAhead, pointStride, s.Points);
            for (int xi = 0; xi < s.Points; xi++)
            {
                m[xi] = Load<TV>(src + xi * pointStride + c0, lanes);
            }
            // Along the rows first, so the transforms down the columns are left for the output columns inside the image.
            for (int i = 0; i < nh; i++)
            {
                TC.Output(m + i * nw, 1, t + i * ow, 1);
            }
            for (int j = 0; j < cols; j++)
            {
                TR.Output(t + j, ow, o + j, ow);
            }
            var grid = new PixelGrid(y, s.Width, oc, s.OutputPhases, c0);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    Store(grid.At(oh * ty + i, ow * tx + j), lanes, o[i * ow + j]);
                }
            }
        }
    }

    private static void OutputGradientTask<TV, TR, TC>(void* state, int tile)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
    {
        ref TileJob job = ref *(TileJob*)state;
        WinogradShape s = job.S;
        int oc = s.OutC, tpi = s.TilesPerImage, nh = TR.Tile, nw = TC.Tile, oh = s.OutputRows, ow = s.OutputCols;
        int image = tile / tpi, ty = tile % tpi / s.TilesW, tx = tile % s.TilesW;
        float* dy = job.Pixels + (long)image * s.Height * s.Width * oc;
        TV* o = stackalloc TV[MaxOutputs];
        TV* t = stackalloc TV[MaxPoints];
        TV* m = stackalloc TV[MaxPoints];
        long pointStride = job.OutPlane;
        float* dst = job.Transformed + job.Row(image, tile % tpi) * oc;
        int rows = Math.Min(oh, s.Height - oh * ty), cols = Math.Min(ow, s.Width - ow * tx);
        for (int c0 = 0; c0 < oc; c0 += Lanes)
        {
            int lanes = Math.Min(Lanes, oc - c0);
            var grid = new PixelGrid(dy, s.Width, oc, s.OutputPhases, c0);
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    o[i * ow + j] = i < rows ? Load<TV>(grid.At(oh * ty + i, ow * tx + j), lanes) : TV.Zero;
                }
            }
            for (int j = 0; j < ow; j++)
            {
                if (j >= cols)
                {
                    // Outside the image the output gradient is zero, and so is its transform.
                    ZeroColumn(t + j, nh, ow);
                    continue;
                }
                TR.OutputAdjoint(o + j, ow, t + j, ow);
            }
            for (int i = 0; i < nh; i++)
            {
                TC.OutputAdjoint(t + i * ow, 1, m + i * nw, 1);
            }
            StorePoints(dst + c0, pointStride, m, s.Points, lanes, job.Streaming);
        }
        if (job.Streaming)
        {
            // Fenced on the thread that made them, before the task is counted done.
            Sse.StoreFence();
        }
    }

    /// <summary>The transform of a column of padding: rows values, stride apart, all zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ZeroColumn<TV>(TV* column, int rows, int stride)
        where TV : unmanaged, ILanes<TV>
    {
        for (int i = 0; i < rows; i++)
        {
            column[i * stride] = TV.Zero;
        }
    }

    // ---- which compiled task runs; the one-dimensional transforms on a block of channels, s and d strided (in vectors) ----

    /// <summary>The transform tasks: the kernel's and its adjoint, the input's, the output's and their adjoints.</summary>
    private enum TaskKind
    {
        Kernel,
        KernelGradient,
        Input,
        InputGradient,
        Output,
        OutputGradient,
    }

    /// <summary>
    /// The task of a kind for a shape: compiled once for each block of channels (Vector512's 16 where the hardware runs it
    /// natively, else two of Vector256's 8: <see cref="ElementWise.Width"/>) and each pair of transforms down the columns (TR) and
    /// along the rows (TC), with only those transforms inlined and the tile sides constant.
    /// </summary>
    private static delegate*<void*, int, void> Task(in WinogradShape s, TaskKind kind)
        => ElementWise.Width == VectorWidth.Vector512 ? Task<Lanes16>(s, kind) : Task<Lanes8x2>(s, kind);

    private static delegate*<void*, int, void> Task<TV>(in WinogradShape s, TaskKind kind)
        where TV : unmanaged, ILanes<TV>
        => (s.KernelSize, s.OutputRows, s.OutputCols) switch
        {
            (5, _, _) => Task<TV, F45, F45>(kind),
            (_, 4, 4) => Task<TV, F43, F43>(kind),
            (_, 7, 4) => Task<TV, F73, F43>(kind),
            (_, 4, 7) => Task<TV, F43, F73>(kind),
            _ => Task<TV, F73, F73>(kind),
        };

    private static delegate*<void*, int, void> Task<TV, TR, TC>(TaskKind kind)
        where TV : unmanaged, ILanes<TV>
        where TR : ITransform1D
        where TC : ITransform1D
        => kind switch
        {
            TaskKind.Kernel => &KernelTask<TV, TR, TC>,
            TaskKind.KernelGradient => &KernelGradientTask<TV, TR, TC>,
            TaskKind.Input => &InputTask<TV, TR, TC>,
            TaskKind.InputGradient => &InputGradientTask<TV, TR, TC>,
            TaskKind.Output => &OutputTask<TV, TR, TC>,
            _ => &OutputGradientTask<TV, TR, TC>,
        };

    /// <summary>One direction's transforms: F(4, 5), F(4, 3) or F(7, 3), over input tiles of Tile pixels.</summary>
    private interface ITransform1D
    {
        static abstract int Tile { get; }

        /// <summary>d = B^T s (Tile from Tile).</summary>
        static abstract void Input<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>;

        /// <summary>d = B s, the adjoint of <see cref="Input"/>.</summary>
        static abstract void InputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>;

        /// <summary>d = A^T s (outputs from Tile).</summary>
        static abstract void Output<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>;

        /// <summary>d = A s, the adjoint of <see cref="Output"/>.</summary>
        static abstract void OutputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>;

        /// <summary>d = G s (Tile from the kernel's taps).</summary>
        static abstract void Kernel<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>;

        /// <summary>d = G^T s, the adjoint of <see cref="Kernel"/>.</summary>
        static abstract void KernelAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>;
    }

    /// <summary>F(4, 5), for the 5x5 kernels in both directions (matrices: tools/winograd_matrices.py).</summary>
    private readonly struct F45 : ITransform1D
    {
        public static int Tile => 8;

        /// <summary>d = B^T s (8 from 8).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Input<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss];
            d[0] = 4f * (s0 - s6) + 21f * (s4 - s2);
            TV p = 17f * s4 - 4f * (s2 + s6), q = 17f * s3 - 4f * (s1 + s5);
            d[ds] = p + q;
            d[2 * ds] = p - q;
            p = s2 - 5f * s4 + 4f * s6;
            q = 2f * s1 - 10f * s3 + 8f * s5;
            d[3 * ds] = p + q;
            d[4 * ds] = p - q;
            p = 8f * s2 - 10f * s4 + 2f * s6;
            q = 4f * s1 - 5f * s3 + s5;
            d[5 * ds] = p + q;
            d[6 * ds] = p - q;
            d[7 * ds] = 4f * (s7 - s1) + 21f * (s3 - s5);
        }

        /// <summary>d = B s (8 from 8): the adjoint of <see cref="Input"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void InputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss];
            // Sums and differences of the paired rows (1, 2), (3, 4), (5, 6).
            TV a12 = s1 + s2, d12 = s1 - s2, a34 = s3 + s4, d34 = s3 - s4, a56 = s5 + s6, d56 = s5 - s6;
            d[0] = 4f * s0;
            d[ds] = -4f * d12 + 2f * d34 + 4f * d56 - 4f * s7;
            d[2 * ds] = -21f * s0 - 4f * a12 + a34 + 8f * a56;
            d[3 * ds] = 17f * d12 - 10f * d34 - 5f * d56 + 21f * s7;
            d[4 * ds] = 21f * s0 + 17f * a12 - 5f * a34 - 10f * a56;
            d[5 * ds] = -4f * d12 + 8f * d34 + d56 - 21f * s7;
            d[6 * ds] = -4f * s0 - 4f * a12 + 4f * a34 + 2f * a56;
            d[7 * ds] = 4f * s7;
        }

        /// <summary>d = A^T s (4 from 8).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss];
            TV a12 = s1 + s2, d12 = s1 - s2, a34 = s3 + s4, d34 = s3 - s4, a56 = s5 + s6, d56 = s5 - s6;
            d[0] = s0 + a12 + a34 + a56;
            d[ds] = d12 + 2f * d34 + 0.5f * d56;
            d[2 * ds] = a12 + 4f * a34 + 0.25f * a56;
            d[3 * ds] = d12 + 8f * d34 + 0.125f * d56 + s7;
        }

        /// <summary>d = A s (8 from 4): the adjoint of <see cref="Output"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss];
            TV e1 = s0 + s2, o1 = s1 + s3;
            TV e2 = s0 + 4f * s2, o2 = 2f * s1 + 8f * s3;
            TV e3 = s0 + 0.25f * s2, o3 = 0.5f * s1 + 0.125f * s3;
            d[0] = s0;
            d[ds] = e1 + o1;
            d[2 * ds] = e1 - o1;
            d[3 * ds] = e2 + o2;
            d[4 * ds] = e2 - o2;
            d[5 * ds] = e3 + o3;
            d[6 * ds] = e3 - o3;
            d[7 * ds] = s3;
        }

        /// <summary>d = G s (8 from 5).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Kernel<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss];
            TV e = s0 + s2 + s4, o = s1 + s3;
            d[0] = 0.25f * s0;
            d[ds] = (e + o) * (1f / 18f);
            d[2 * ds] = (e - o) * (1f / 18f);
            e = s0 + 4f * s2 + 16f * s4;
            o = 2f * s1 + 8f * s3;
            d[3 * ds] = (e + o) * (1f / 360f);
            d[4 * ds] = (e - o) * (1f / 360f);
            e = 16f * s0 + 4f * s2 + s4;
            o = 8f * s1 + 2f * s3;
            d[5 * ds] = (e + o) * (1f / 45f);
            d[6 * ds] = (e - o) * (1f / 45f);
            d[7 * ds] = 0.25f * s4;
        }

        /// <summary>d = G^T s (5 from 8): the adjoint of <see cref="Kernel"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void KernelAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss];
            TV a12 = (s1 + s2) * (1f / 18f), d12 = (s1 - s2) * (1f / 18f);
            TV a34 = (s3 + s4) * (1f / 360f), d34 = (s3 - s4) * (1f / 360f);
            TV a56 = (s5 + s6) * (1f / 45f), d56 = (s5 - s6) * (1f / 45f);
            d[0] = 0.25f * s0 + a12 + a34 + 16f * a56;
            d[ds] = d12 + 2f * d34 + 8f * d56;
            d[2 * ds] = a12 + 4f * a34 + 4f * a56;
            d[3 * ds] = d12 + 8f * d34 + 2f * d56;
            d[4 * ds] = a12 + 16f * a34 + a56 + 0.25f * s7;
        }
    }

    /// <summary>
    /// F(4, 3): B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1],
    /// G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1],
    /// A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
    /// </summary>
    private readonly struct F43 : ITransform1D
    {
        public static int Tile => 6;

        /// <summary>F(4, 3): d = B^T s (6 from 6).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Input<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss];
            d[0] = 4f * s0 - 5f * s2 + s4;
            TV p = s4 - 4f * s2, q = s3 - 4f * s1;
            d[ds] = p + q;
            d[2 * ds] = p - q;
            p = s4 - s2;
            q = 2f * (s3 - s1);
            d[3 * ds] = p + q;
            d[4 * ds] = p - q;
            d[5 * ds] = 4f * s1 - 5f * s3 + s5;
        }

        /// <summary>F(4, 3): d = B s (6 from 6), the adjoint of <see cref="Input"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void InputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss];
            TV a12 = s1 + s2, d12 = s1 - s2, a34 = s3 + s4, d34 = s3 - s4;
            d[0] = 4f * s0;
            d[ds] = -4f * d12 - 2f * d34 + 4f * s5;
            d[2 * ds] = -5f * s0 - 4f * a12 - a34;
            d[3 * ds] = d12 + 2f * d34 - 5f * s5;
            d[4 * ds] = s0 + a12 + a34;
            d[5 * ds] = s5;
        }

        /// <summary>F(4, 3): d = A^T s (4 from 6).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss];
            TV a12 = s1 + s2, d12 = s1 - s2, a34 = s3 + s4, d34 = s3 - s4;
            d[0] = s0 + a12 + a34;
            d[ds] = d12 + 2f * d34;
            d[2 * ds] = a12 + 4f * a34;
            d[3 * ds] = d12 + 8f * d34 + s5;
        }

        /// <summary>F(4, 3): d = A s (6 from 4), the adjoint of <see cref="Output"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss];
            TV e1 = s0 + s2, o1 = s1 + s3, e2 = s0 + 4f * s2, o2 = 2f * s1 + 8f * s3;
            d[0] = s0;
            d[ds] = e1 + o1;
            d[2 * ds] = e1 - o1;
            d[3 * ds] = e2 + o2;
            d[4 * ds] = e2 - o2;
            d[5 * ds] = s3;
        }

        /// <summary>F(4, 3): d = G s (6 from 3).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Kernel<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss];
            TV e = s0 + s2;
            d[0] = 0.25f * s0;
            d[ds] = (e + s1) * (-1f / 6f);
            d[2 * ds] = (e - s1) * (-1f / 6f);
            e = s0 + 4f * s2;
            d[3 * ds] = (e + 2f * s1) * (1f / 24f);
            d[4 * ds] = (e - 2f * s1) * (1f / 24f);
            d[5 * ds] = s2;
        }

        /// <summary>F(4, 3): d = G^T s (3 from 6), the adjoint of <see cref="Kernel"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void KernelAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss];
            TV a12 = (s1 + s2) * (-1f / 6f), d12 = (s1 - s2) * (-1f / 6f);
            TV a34 = (s3 + s4) * (1f / 24f), d34 = (s3 - s4) * (1f / 24f);
            d[0] = 0.25f * s0 + a12 + a34;
            d[ds] = d12 + 2f * d34;
            d[2 * ds] = a12 + 4f * a34 + s5;
        }
    }

    /// <summary>
    /// F(7, 3): Toom-Cook at the points 1, -1, 2, -2, 1/2, -1/2, 3/4, -3/4 and infinity (tools/winograd_matrices.py). Rows of
    /// G and B^T come in pairs (p, -p): G's are (g0 + p^2 g2) +- p g1, B^T's are E +- O with E the even and O the odd input
    /// positions' terms, so each pair costs one set of multiply-adds. Unscaled: rescaling rows moves no rounding but the
    /// constants' own.
    /// </summary>
    private readonly struct F73 : ITransform1D
    {
        public static int Tile => 9;

        /// <summary>F(7, 3): d = B^T s (9 from 9).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Input<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss], s8 = s[8 * ss];
            TV e = TV.Fma(s6, -32f / 63f, TV.Fma(s4, 22f / 9f, TV.Fma(s2, -31f / 18f, 2f / 7f * s0)));
            TV o = TV.Fma(s7, -32f / 63f, TV.Fma(s5, 22f / 9f, TV.Fma(s3, -31f / 18f, 2f / 7f * s1)));
            d[0] = e + o;
            d[ds] = e - o;
            e = TV.Fma(s6, 32f / 2475f, TV.Fma(s4, -58f / 2475f, TV.Fma(s2, 61f / 4950f, -1f / 550f * s0)));
            o = TV.Fma(s7, 16f / 2475f, TV.Fma(s5, -29f / 2475f, TV.Fma(s3, 61f / 9900f, -1f / 1100f * s1)));
            d[2 * ds] = e + o;
            d[3 * ds] = e - o;
            e = TV.Fma(s6, -128f / 225f, TV.Fma(s4, 712f / 225f, TV.Fma(s2, -872f / 225f, 32f / 25f * s0)));
            o = TV.Fma(s7, -256f / 225f, TV.Fma(s5, 1424f / 225f, TV.Fma(s3, -1744f / 225f, 64f / 25f * s1)));
            d[4 * ds] = e + o;
            d[5 * ds] = e - o;
            e = TV.Fma(s6, 2048f / 1925f, TV.Fma(s4, -1536f / 275f, TV.Fma(s2, 1536f / 275f, -2048f / 1925f * s0)));
            o = TV.Fma(s7, 8192f / 5775f, TV.Fma(s5, -2048f / 275f, TV.Fma(s3, 2048f / 275f, -8192f / 5775f * s1)));
            d[6 * ds] = e + o;
            d[7 * ds] = e - o;
            d[8 * ds] = TV.Fma(s6, -93f / 16f, TV.Fma(s4, 525f / 64f, TV.Fma(s2, -253f / 64f, TV.Fma(s0, 9f / 16f, s8))));
        }

        /// <summary>F(7, 3): d = B s (9 from 9), the adjoint of <see cref="Input"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void InputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss], s8 = s[8 * ss];
            // Sums and differences of the paired rows (p, -p).
            TV a0 = s0 + s1, d0 = s0 - s1, a1 = s2 + s3, d1 = s2 - s3, a2 = s4 + s5, d2 = s4 - s5, a3 = s6 + s7, d3 = s6 - s7;
            d[0] = TV.Fma(s8, 9f / 16f, TV.Fma(a3, -2048f / 1925f, TV.Fma(a2, 32f / 25f, TV.Fma(a1, -1f / 550f, 2f / 7f * a0))));
            d[ds] = TV.Fma(d3, -8192f / 5775f, TV.Fma(d2, 64f / 25f, TV.Fma(d1, -1f / 1100f, 2f / 7f * d0)));
            d[2 * ds] = TV.Fma(s8, -253f / 64f, TV.Fma(a3, 1536f / 275f, TV.Fma(a2, -872f / 225f, TV.Fma(a1, 61f / 4950f, -31f / 18f * a0))));
            d[3 * ds] = TV.Fma(d3, 2048f / 275f, TV.Fma(d2, -1744f / 225f, TV.Fma(d1, 61f / 9900f, -31f / 18f * d0)));
            d[4 * ds] = TV.Fma(s8, 525f / 64f, TV.Fma(a3, -1536f / 275f, TV.Fma(a2, 712f / 225f, TV.Fma(a1, -58f / 2475f, 22f / 9f * a0))));
            d[5 * ds] = TV.Fma(d3, -2048f / 275f, TV.Fma(d2, 1424f / 225f, TV.Fma(d1, -29f / 2475f, 22f / 9f * d0)));
            d[6 * ds] = TV.Fma(s8, -93f / 16f, TV.Fma(a3, 2048f / 1925f, TV.Fma(a2, -128f / 225f, TV.Fma(a1, 32f / 2475f, -32f / 63f * a0))));
            d[7 * ds] = TV.Fma(d3, 8192f / 5775f, TV.Fma(d2, -256f / 225f, TV.Fma(d1, 16f / 2475f, -32f / 63f * d0)));
            d[8 * ds] = s8;
        }

        /// <summary>F(7, 3): d = A^T s (7 from 9).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss], s8 = s[8 * ss];
            TV a0 = s0 + s1, d0 = s0 - s1, a1 = s2 + s3, d1 = s2 - s3, a2 = s4 + s5, d2 = s4 - s5, a3 = s6 + s7, d3 = s6 - s7;
            d[0] = a0 + a1 + a2 + a3;
            d[ds] = TV.Fma(d3, 3f / 4f, TV.Fma(d2, 1f / 2f, TV.Fma(d1, 2f, d0)));
            d[2 * ds] = TV.Fma(a3, 9f / 16f, TV.Fma(a2, 1f / 4f, TV.Fma(a1, 4f, a0)));
            d[3 * ds] = TV.Fma(d3, 27f / 64f, TV.Fma(d2, 1f / 8f, TV.Fma(d1, 8f, d0)));
            d[4 * ds] = TV.Fma(a3, 81f / 256f, TV.Fma(a2, 1f / 16f, TV.Fma(a1, 16f, a0)));
            d[5 * ds] = TV.Fma(d3, 243f / 1024f, TV.Fma(d2, 1f / 32f, TV.Fma(d1, 32f, d0)));
            d[6 * ds] = TV.Fma(a3, 729f / 4096f, TV.Fma(a2, 1f / 64f, TV.Fma(a1, 64f, a0 + s8)));
        }

        /// <summary>F(7, 3): d = A s (9 from 7), the adjoint of <see cref="Output"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss];
            TV e = s0 + s2 + s4 + s6, o = s1 + s3 + s5;
            d[0] = e + o;
            d[ds] = e - o;
            e = TV.Fma(s6, 64f, TV.Fma(s4, 16f, TV.Fma(s2, 4f, s0)));
            o = TV.Fma(s5, 32f, TV.Fma(s3, 8f, 2f * s1));
            d[2 * ds] = e + o;
            d[3 * ds] = e - o;
            e = TV.Fma(s6, 1f / 64f, TV.Fma(s4, 1f / 16f, TV.Fma(s2, 1f / 4f, s0)));
            o = TV.Fma(s5, 1f / 32f, TV.Fma(s3, 1f / 8f, 0.5f * s1));
            d[4 * ds] = e + o;
            d[5 * ds] = e - o;
            e = TV.Fma(s6, 729f / 4096f, TV.Fma(s4, 81f / 256f, TV.Fma(s2, 9f / 16f, s0)));
            o = TV.Fma(s5, 243f / 1024f, TV.Fma(s3, 27f / 64f, 0.75f * s1));
            d[6 * ds] = e + o;
            d[7 * ds] = e - o;
            d[8 * ds] = s6;
        }

        /// <summary>F(7, 3): d = G s (9 from 3).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Kernel<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss];
            TV e = s0 + s2;
            d[0] = e + s1;
            d[ds] = e - s1;
            e = TV.Fma(s2, 4f, s0);
            TV o = 2f * s1;
            d[2 * ds] = e + o;
            d[3 * ds] = e - o;
            e = TV.Fma(s2, 0.25f, s0);
            o = 0.5f * s1;
            d[4 * ds] = e + o;
            d[5 * ds] = e - o;
            e = TV.Fma(s2, 9f / 16f, s0);
            o = 0.75f * s1;
            d[6 * ds] = e + o;
            d[7 * ds] = e - o;
            d[8 * ds] = s2;
        }

        /// <summary>F(7, 3): d = G^T s (3 from 9), the adjoint of <see cref="Kernel"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void KernelAdjoint<TV>(TV* s, int ss, TV* d, int ds)
            where TV : unmanaged, ILanes<TV>
        {
            TV s0 = s[0], s1 = s[ss], s2 = s[2 * ss], s3 = s[3 * ss], s4 = s[4 * ss], s5 = s[5 * ss], s6 = s[6 * ss], s7 = s[7 * ss], s8 = s[8 * ss];
            TV a0 = s0 + s1, d0 = s0 - s1, a1 = s2 + s3, d1 = s2 - s3, a2 = s4 + s5, d2 = s4 - s5, a3 = s6 + s7, d3 = s6 - s7;
            d[0] = a0 + a1 + a2 + a3;
            d[ds] = TV.Fma(d3, 0.75f, TV.Fma(d2, 0.5f, TV.Fma(d1, 2f, d0)));
            d[2 * ds] = TV.Fma(a3, 9f / 16f, TV.Fma(a2, 0.25f, TV.Fma(a1, 4f, a0 + s8)));
        }
    }

    // ---- blocks of 16 channels (a Vector512, or two Vector256), with a partial block at the end of a channel row ----

    /// <summary>
    /// A block of 16 channels the transforms work on at once: the operators the transforms are written with, and loads and
    /// stores. Every lane computes the same IEEE operations whatever the vector width, so both give the same bits.
    /// </summary>
    private interface ILanes<TSelf>
        where TSelf : unmanaged, ILanes<TSelf>
    {
        static abstract TSelf Zero { get; }

        static abstract TSelf operator +(TSelf a, TSelf b);

        static abstract TSelf operator -(TSelf a, TSelf b);

        static abstract TSelf operator *(float c, TSelf a);

        static abstract TSelf operator *(TSelf a, float c);

        /// <summary>a * c + addend in one multiply-add, c a constant.</summary>
        static abstract TSelf Fma(TSelf a, float c, TSelf addend);

        static abstract TSelf Load(float* p);

        static abstract void Store(float* p, TSelf value);

        /// <summary>To p, on a cache line, past the caches (non-temporal); the task fences its stores at its end.</summary>
        static abstract void StoreStreaming(float* p, TSelf value);
    }

    /// <summary>16 channels as one Vector512: taken only where Vector512 is accelerated, so AVX-512F is there.</summary>
    private readonly struct Lanes16 : ILanes<Lanes16>
    {
        private readonly Vector512<float> _v;

        private Lanes16(Vector512<float> v) => _v = v;

        public static Lanes16 Zero => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 operator +(Lanes16 a, Lanes16 b) => new(a._v + b._v);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 operator -(Lanes16 a, Lanes16 b) => new(a._v - b._v);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 operator *(float c, Lanes16 a) => new(c * a._v);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 operator *(Lanes16 a, float c) => new(a._v * c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 Fma(Lanes16 a, float c, Lanes16 addend) => new(Vector512.FusedMultiplyAdd(a._v, Vector512.Create(c), addend._v));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 Load(float* p) => new(Vector512.Load(p));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* p, Lanes16 value) => value._v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreStreaming(float* p, Lanes16 value) => Avx512F.StoreAlignedNonTemporal(p, value._v);
    }

    /// <summary>
    /// 16 channels as two Vector256 halves, where Vector512 is not accelerated: two independent chains in every operation,
    /// as the transforms were written for (one 8-channel chain a pass measured 2-3 % slower on AVX2).
    /// </summary>
    private readonly struct Lanes8x2 : ILanes<Lanes8x2>
    {
        private readonly Vector256<float> _lo;
        private readonly Vector256<float> _hi;

        private Lanes8x2(Vector256<float> lo, Vector256<float> hi)
        {
            _lo = lo;
            _hi = hi;
        }

        public static Lanes8x2 Zero => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes8x2 operator +(Lanes8x2 a, Lanes8x2 b) => new(a._lo + b._lo, a._hi + b._hi);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes8x2 operator -(Lanes8x2 a, Lanes8x2 b) => new(a._lo - b._lo, a._hi - b._hi);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes8x2 operator *(float c, Lanes8x2 a) => new(c * a._lo, c * a._hi);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes8x2 operator *(Lanes8x2 a, float c) => new(a._lo * c, a._hi * c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes8x2 Fma(Lanes8x2 a, float c, Lanes8x2 addend)
        {
            var k = Vector256.Create(c);
            return new(Vector256.FusedMultiplyAdd(a._lo, k, addend._lo), Vector256.FusedMultiplyAdd(a._hi, k, addend._hi));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes8x2 Load(float* p) => new(Vector256.Load(p), Vector256.Load(p + 8));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* p, Lanes8x2 value)
        {
            value._lo.Store(p);
            value._hi.Store(p + 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreStreaming(float* p, Lanes8x2 value)
        {
            Avx.StoreAlignedNonTemporal(p, value._lo);
            Avx.StoreAlignedNonTemporal(p + 8, value._hi);
        }
    }

    /// <summary>
    /// Whether an array at p with rows of the given channels can take streaming stores: every 16-channel block starts on
    /// a cache line, and the CPU has them (AVX-512, or AVX).
    /// </summary>
    private static bool CanStream(float* p, int channels) => (Avx512F.IsSupported || Avx.IsSupported) && ((nuint)p & 63) == 0 && channels % Lanes == 0;

    /// <summary>
    /// values[xi] to p + xi * stride for each of the points planes: streamed past the caches (full blocks on cache lines,
    /// <see cref="CanStream"/>; the task fences its stores at its end) or stored plainly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePoints<TV>(float* p, long stride, TV* values, int points, int lanes, bool streaming)
        where TV : unmanaged, ILanes<TV>
    {
        if (streaming)
        {
            for (int xi = 0; xi < points; xi++)
            {
                TV.StoreStreaming(p + xi * stride, values[xi]);
            }
            return;
        }
        for (int xi = 0; xi < points; xi++)
        {
            Store(p + xi * stride, lanes, values[xi]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Load<TV>(float* p, int lanes)
        where TV : unmanaged, ILanes<TV>
        => lanes == Lanes ? TV.Load(p) : LoadPartial<TV>(p, lanes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(float* p, int lanes, TV value)
        where TV : unmanaged, ILanes<TV>
    {
        if (lanes == Lanes)
        {
            TV.Store(p, value);
        }
        else
        {
            StorePartial(p, lanes, value);
        }
    }

    private static TV LoadPartial<TV>(float* p, int lanes)
        where TV : unmanaged, ILanes<TV>
    {
        float* buffer = stackalloc float[Lanes];
        for (int i = 0; i < Lanes; i++)
        {
            buffer[i] = i < lanes ? p[i] : 0f;
        }
        return TV.Load(buffer);
    }

    private static void StorePartial<TV>(float* p, int lanes, TV value)
        where TV : unmanaged, ILanes<TV>
    {
        float* buffer = stackalloc float[Lanes];
        TV.Store(buffer, value);
        for (int i = 0; i < lanes; i++)
        {
            p[i] = buffer[i];
        }
    }
}
