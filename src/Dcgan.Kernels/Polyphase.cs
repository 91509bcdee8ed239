// Polyphase decomposition of the stride-2 'same' 5x5 convolutions, so a 3x3 Winograd can run them as stride-1 3x3
// correlations. Splitting an even-sized image into its four pixel phases (row parity ry, column parity rx), a stride-2
// conv with TensorFlow's padding (1 before, 2 after) reads phase (ry, rx) at offsets -1..1 around each output pixel with
// kernel taps a = 2t + ry - 1 (t = 0..2; a = -1 is a zero tap). Its transpose writes output phase (ry, rx) from input
// offsets -1..1 with taps a = ry + 3 - 2t (a = -1 is again a zero tap). Stacking the phases as channels (phase-major) turns either
// into one 3x3 correlation. Everything here is a permutation with zeros, and each gradient is its exact adjoint.
namespace Dcgan.Kernels;

/// <summary>
/// Which channel dimension of a stride-2 layer's 3x3 problem stacks the four pixel phases: the input's for a convolution
/// (<see cref="Polyphase.ConvKernel"/>), the output's for a transposed one (<see cref="Polyphase.TransposeKernel"/>), or none.
/// </summary>
public enum PhaseStack
{
    None,
    Input,
    Output,
}

/// <summary>Space-to-depth and the 5x5 stride-2 kernels rearranged as 3x3 kernels over phase-stacked channels.</summary>
public static unsafe class Polyphase
{
    /// <summary>
    /// The 3x3 tap (along one direction) of a phase of even parity that lies in the 5x5 kernel's padding: a = -1 above, the
    /// first tap of a convolution's phase 0 (a = 2t - 1) and the last of a transposed convolution's (a = 3 - 2t). Odd phases
    /// have none.
    /// </summary>
    public static int PaddingTap(PhaseStack stacked) => stacked switch
    {
        PhaseStack.Input => 0,
        PhaseStack.Output => 2,
        _ => throw new ArgumentException("no phases are stacked", nameof(stacked)),
    };

    /// <summary>
    /// dst[n, i, j, (2 ry + rx) * c + k] = x[n, 2i + ry, 2j + rx, k]: images x (2h) x (2w) x c into images x h x w x 4c.
    /// </summary>
    public static void SpaceToDepth(int images, int h, int w, int c, ReadOnlySpan<float> x, Span<float> dst)
        => Run(images, h, w, c, x, dst, toDepth: true);

    /// <summary>The inverse (and adjoint) of <see cref="SpaceToDepth"/>: x[n, 2i + ry, 2j + rx, k] = src[n, i, j, (2 ry + rx) * c + k].</summary>
    public static void DepthToSpace(int images, int h, int w, int c, ReadOnlySpan<float> src, Span<float> x)
        => Run(images, h, w, c, x, src, toDepth: false);

    private static void Run(int images, int h, int w, int c, ReadOnlySpan<float> space, ReadOnlySpan<float> depth, bool toDepth)
    {
        int floats = images * 4 * h * w * c;
        if (space.Length < floats || depth.Length < floats)
        {
            throw new ArgumentException("polyphase: buffer too small for the shape");
        }
        fixed (float* ps = space, pd = depth)
        {
            var job = new Job { Space = ps, Depth = pd, H = h, W = w, C = c, ToDepth = toDepth };
            Workers.For(images, &ImageTask, &job);
        }
    }

    private struct Job
    {
        public float* Space;
        public float* Depth;
        public int H;
        public int W;
        public int C;
        public bool ToDepth;
    }

    private static void ImageTask(void* state, int image)
    {
        ref Job job = ref *(Job*)state;
        int h = job.H, w = job.W, c = job.C;
        long size = 4L * h * w * c;
        float* space = job.Space + image * size, depth = job.Depth + image * size;
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                float* d = depth + ((long)i * w + j) * 4 * c;
                for (int phase = 0; phase < 4; phase++)
                {
                    float* p = space + ((long)(2 * i + (phase >> 1)) * 2 * w + 2 * j + (phase & 1)) * c;
                    if (job.ToDepth)
                    {
                        new ReadOnlySpan<float>(p, c).CopyTo(new Span<float>(d + phase * c, c));
                    }
                    else
                    {
                        new ReadOnlySpan<float>(d + phase * c, c).CopyTo(new Span<float>(p, c));
                    }
                }
            }
        }
    }

    /// <summary>
    /// A Conv2D kernel w (5, 5, c, o) as the 3x3 kernel k (3, 3, o, 4c) of the correlation over x's phases:
    /// k[t, u, o, (2 ry + rx) * c + k'] = w[2t + ry - 1, 2u + rx - 1, k', o], zero where a tap index is -1.
    /// </summary>
    public static void ConvKernel(int c, int o, ReadOnlySpan<float> w, Span<float> k)
    {
        CheckKernels(c, o, w.Length, k.Length);
        fixed (float* pw = w, pk = k)
        {
            Map(c, o, pw, pk, transpose: false, gradient: false);
        }
    }

    /// <summary>dw += the taps of dk that <see cref="ConvKernel"/> filled: its adjoint.</summary>
    public static void ConvKernelGradient(int c, int o, ReadOnlySpan<float> dk, Span<float> dw)
    {
        CheckKernels(c, o, dw.Length, dk.Length);
        fixed (float* pw = dw, pk = dk)
        {
            Map(c, o, pw, pk, transpose: false, gradient: true);
        }
    }

    /// <summary>
    /// A Conv2DTranspose kernel w (5, 5, o, c) as the 3x3 kernel k (3, 3, 4o, c) that writes the output's phases:
    /// k[t, u, (2 ry + rx) * o + o', c'] = w[ry + 3 - 2t, rx + 3 - 2u, o', c'], zero where a tap index is -1.
    /// </summary>
    public static void TransposeKernel(int c, int o, ReadOnlySpan<float> w, Span<float> k)
    {
        CheckKernels(c, o, w.Length, k.Length);
        fixed (float* pw = w, pk = k)
        {
            Map(c, o, pw, pk, transpose: true, gradient: false);
        }
    }

    /// <summary>dw += the taps of dk that <see cref="TransposeKernel"/> filled: its adjoint.</summary>
    public static void TransposeKernelGradient(int c, int o, ReadOnlySpan<float> dk, Span<float> dw)
    {
        CheckKernels(c, o, dw.Length, dk.Length);
        fixed (float* pw = dw, pk = dk)
        {
            Map(c, o, pw, pk, transpose: true, gradient: true);
        }
    }

    /// <summary>
    /// One of the four maps, a task for each of the 36 (t, u, phase) slices of k. Each slice reads or writes its own tap
    /// of w (the map is one to one where a tap index is not -1), so the tasks never touch the same float.
    /// </summary>
    private static void Map(int c, int o, float* pw, float* pk, bool transpose, bool gradient)
    {
        var job = new MapJob { C = c, O = o, W = pw, K = pk, Gradient = gradient };
        Workers.For(36, transpose ? &MapTransposeTask : &MapConvTask, &job);
    }

    private struct MapJob
    {
        public int C, O;
        public float* W, K;
        public bool Gradient;
    }

    /// <summary>k from w, or (gradient) w += the mapped taps of k, for slice (t, u, phase); w is 25 c o floats, k 36 c o.</summary>
    private static void MapConvTask(void* state, int slice)
    {
        ref MapJob job = ref *(MapJob*)state;
        int c = job.C, o = job.O, t = slice / 12, u = slice / 4 % 3, phase = slice % 4;
        float* pw = job.W, pk = job.K;
        bool gradient = job.Gradient;
        int a = 2 * t + (phase >> 1) - 1, b = 2 * u + (phase & 1) - 1;
        bool inside = a >= 0 && b >= 0;
        for (int oo = 0; oo < o; oo++)
        {
            float* kr = pk + ((long)(t * 3 + u) * o + oo) * 4 * c + phase * c;
            float* wr = pw + ((long)(a * 5 + b) * c) * o + oo;
            for (int cc = 0; cc < c; cc++)
            {
                if (gradient)
                {
                    if (inside)
                    {
                        wr[(long)cc * o] += kr[cc];
                    }
                }
                else
                {
                    kr[cc] = inside ? wr[(long)cc * o] : 0f;
                }
            }
        }
    }

    /// <summary>k from w, or (gradient) w += the mapped taps of k, for slice (t, u, phase); w is 25 c o floats, k 36 c o.</summary>
    private static void MapTransposeTask(void* state, int slice)
    {
        ref MapJob job = ref *(MapJob*)state;
        int c = job.C, o = job.O, t = slice / 12, u = slice / 4 % 3, phase = slice % 4;
        float* pw = job.W, pk = job.K;
        bool gradient = job.Gradient;
        int a = (phase >> 1) + 3 - 2 * t, b = (phase & 1) + 3 - 2 * u;
        bool inside = a >= 0 && b >= 0;
        for (int oo = 0; oo < o; oo++)
        {
            var kr = new Span<float>(pk + ((long)(t * 3 + u) * 4 * o + phase * o + oo) * c, c);
            if (!inside)
            {
                if (!gradient)
                {
                    kr.Clear();
                }
                continue;
            }
            var wr = new Span<float>(pw + ((long)(a * 5 + b) * o + oo) * c, c);
            if (gradient)
            {
                VectorMath.AddInPlace(wr, kr);
            }
            else
            {
                wr.CopyTo(kr);
            }
        }
    }

    private static void CheckKernels(int c, int o, int wLength, int kLength)
    {
        if (wLength < 25 * c * o || kLength < 36 * c * o)
        {
            throw new ArgumentException("polyphase: kernel buffer too small");
        }
    }
}
