// The Winograd path of the convolution layers (ConvAlgorithm.Winograd): which geometries take it, and the loop of
// transforms and point-wise GEMMs (kernels/Winograd.cs) for the layer's forward and backward. A stride-1 'same' 5x5
// transposed convolution is F(4x4, 5x5) with the flipped kernel; a stride-2 'same' 5x5 convolution or transposed
// convolution is a 3x3 Winograd over its four pixel phases (kernels/Polyphase.cs): F(4x4, 3x3), or where the phases are
// 7 or 14 rows high, 7x4 tiles (F(7, 3) down, F(4, 3) across).
namespace Dcgan.Engine.Layers;

using System.Runtime.InteropServices;
using Dcgan.Kernels;

/// <summary>
/// Runs one convolution layer's products by Winograd; holds the transformed kernel and the group buffers. The engine
/// decides how the work is spread. The batch is cut into <see cref="Parts"/> contiguous parts, each taken a group of
/// images at a time (<see cref="ImagesPerGroup"/>) through input transform, point GEMMs and output transform; each part
/// sums its own kernel gradient and the parts' sums are added in order. On up to <see cref="Parts"/> threads each part
/// runs on one thread, so a group's transformed arrays are written and read by the same core (split by tile and point
/// across two cores, half of every array crossed between their caches). On more threads the parts run one after
/// another and every kernel of a group spreads over all threads (the transforms by tile or image, the GEMMs by point),
/// so no thread sits idle. Both ways do the same arithmetic in the same order (each image's outputs do not depend on
/// its group, each part's gradient sums its groups in order), so results are bit-identical for any thread count. A training
/// forward writes each group's transformed input to a slot of its own and keeps it, so the backward's kernel gradient
/// reads it there instead of transforming the input a second time (the same values, so the same bits).
/// </summary>
internal sealed unsafe class WinogradConvolution
{
    private enum Kind
    {
        /// <summary>Conv2DTranspose, stride 1: the correlation with the flipped 5x5 kernel.</summary>
        Transposed1,

        /// <summary>Conv2D, stride 2: a 3x3 correlation over the input's phases (space-to-depth).</summary>
        Conv2,

        /// <summary>Conv2DTranspose, stride 2: a 3x3 correlation that writes the output's phases (depth-to-space).</summary>
        Transposed2,
    }

    /// <summary>The 1-channel image layers stay direct: their transforms would cost about what they save.</summary>
    private const int MinChannels = 2;

    /// <summary>
    /// Contiguous parts of a batch, each with its own kernel-gradient sum (added in order). Fixed, not the thread count,
    /// so the sums never depend on it.
    /// </summary>
    private const int Parts = 2;

    /// <summary>
    /// Floats of a group's transformed inputs and products together (16 MB). Each group's kernel-gradient products read
    /// and write the part's whole transformed kernel gradient (8.4 MB for F(4x4, 5x5)), so fewer, larger groups move less
    /// memory: 16 MB trains 5 % faster than 8 MB at two threads on a 32 MB last-level cache, and 32 MB 2 % slower than 16.
    /// Fixed, not derived from the machine's caches, because it decides the order of the kernel-gradient sums.
    /// </summary>
    private const int GroupFloats = 1 << 22;

    private readonly Kind _kind;
    private readonly WinogradShape _s;
    // The layer's channels: in and out of the layer (not of the phase-stacked problem).
    private readonly int _inC;
    private readonly int _outC;
    private readonly int _group;
    private float[] _k = [];
    private float[] _dk = [];
    private float[] _u = [];
    // The transformed kernel packed for the forward products and for the input gradient's (packed after each Forward,
    // the second on the first Backward that needs it).
    private float[] _uForward = [];
    private float[] _uBackward = [];
    private bool _backwardPacked;
    // The layer's kernel as it was when last transformed (empty: never).
    private float[] _transformed = [];
    private float[] _du = [];
    private float[] _v = [];
    private float[] _m = [];
    // The transformed input of the last training forward, for its backward's kernel gradient (every group in its slot).
    private float[] _kept = [];
    // Where that forward's input was and how many images it had (null: nothing kept).
    private float* _keptInput;
    private int _keptImages;
    private float[] _phases = [];
    // Which channels stack the phases, and per transform point the quarters of them the products skip.
    private readonly PhaseStack _stacked;
    private readonly byte[] _zeroQuarters;

    private WinogradConvolution(Kind kind, WinogradShape s, int inC, int outC)
    {
        _kind = kind;
        _s = s;
        _inC = inC;
        _outC = outC;
        _group = ImagesPerGroup(s);
        _stacked = kind switch
        {
            Kind.Conv2 => PhaseStack.Input,
            Kind.Transposed2 => PhaseStack.Output,
            _ => PhaseStack.None,
        };
        _zeroQuarters = new byte[s.Points];
        Winograd.FindZeroQuarters(s, _stacked, _zeroQuarters);
    }

    /// <summary>
    /// Images per group for a shape: transformed inputs and products together about <see cref="GroupFloats"/>. Groups
    /// a quarter of this size cost F(4x4, 5x5) 10 % more: its point GEMMs get only 40 rows. It depends only on the shape.
    /// </summary>
    public static int ImagesPerGroup(in WinogradShape s) => Math.Max(1, GroupFloats / (s.Points * s.TilesPerImage * (s.InC + s.OutC)));

    /// <summary>The Winograd plan for a layer over (h, w, inC) images, or null where its geometry has none.</summary>
    public static WinogradConvolution? For(bool transposed, ConvSettings conv, int h, int w, int inC)
    {
        if (!conv.Same || conv.KernelSize != 5 || inC < MinChannels || conv.Filters < MinChannels)
        {
            return null;
        }
        return (transposed, conv.Stride) switch
        {
            (true, 1) => new(Kind.Transposed1, new WinogradShape(h, w, inC, conv.Filters, 5), inC, conv.Filters),
            (false, 2) when h % 2 == 0 && w % 2 == 0 => new(Kind.Conv2, new WinogradShape(h / 2, w / 2, 4 * inC, conv.Filters, 3)
            {
                InputPhases = WinogradShape.PhasesInPlace(4 * inC), OutputRows = WinogradShape.OutputRowsFor(h / 2, 3),
            }, inC, conv.Filters),
            (true, 2) => new(Kind.Transposed2, new WinogradShape(h, w, inC, 4 * conv.Filters, 3)
            {
                OutputPhases = WinogradShape.PhasesInPlace(4 * conv.Filters), OutputRows = WinogradShape.OutputRowsFor(h, 3),
            }, inC, conv.Filters),
            _ => null,
        };
    }

    /// <summary>
    /// y = the layer's convolution of x with kernel w (the layer's own layout), without bias; n images. When training, the
    /// transformed input is kept for the backward of this forward (which then skips transforming x again): about
    /// 147-262 KB an image for the tutorial's layers, against the time of a second input transform.
    /// </summary>
    public void Forward(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, bool training)
    {
        // D runs forward twice a step with the same weights, and sampling many times: the kernel is transformed and packed
        // again only when it differs, bit for bit, from the one transformed last.
        bool first = _transformed.Length != w.Length;
        if (VectorMath.CopyIfChanged(w, Scratch.Floats(ref _transformed, w.Length)) || first)
        {
            TransformKernel(w);
        }
        _keptInput = null;
        Span<float> kept = training ? Scratch.AlignedFloats(ref _kept, checked(n * KeptPerImage)) : default;
        Run(n, x, default, y, default, forward: true, kept);
        if (training)
        {
            fixed (float* px = x)
            {
                _keptInput = px;
            }
            _keptImages = n;
        }
    }

    /// <summary>
    /// Floats a kept transformed input takes per image, the transformed input of one image: a group of g images starting at
    /// image i lives at i times this, and takes at most g times this (its planes' padding counted once per image), so the
    /// groups' slots never overlap.
    /// </summary>
    private int KeptPerImage => _s.InputFloats(1);

    private void TransformKernel(ReadOnlySpan<float> w)
    {
        var u = Scratch.Floats(ref _u, _s.KernelFloats);
        switch (_kind)
        {
            case Kind.Transposed1:
                Winograd.TransformKernel(_s, w, flip: true, u);
                break;
            case Kind.Conv2:
                Polyphase.ConvKernel(_inC, _outC, w, Scratch.Floats(ref _k, _s.KernelTaps));
                Winograd.TransformKernel(_s, _k, flip: false, u);
                break;
            default:
                Polyphase.TransposeKernel(_inC, _outC, w, Scratch.Floats(ref _k, _s.KernelTaps));
                Winograd.TransformKernel(_s, _k, flip: false, u);
                break;
        }
        Winograd.PackKernel(_s, u, forInputGradient: false, Scratch.AlignedFloats(ref _uForward, _s.PackedKernelFloats));
        _backwardPacked = false;
    }

    /// <summary>
    /// The backward of <see cref="Forward"/> for the same x and w (the transformed kernel is kept from it): dx (overwritten)
    /// when not empty, and dw += the kernel gradient when not empty. The kept transformed input serves every backward of
    /// the forward up to and including the first that asks for dx.
    /// </summary>
    public void Backward(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw)
    {
        bool parameters = !dw.IsEmpty;
        if (!dx.IsEmpty && !_backwardPacked)
        {
            Winograd.PackKernel(_s, _u, forInputGradient: true, Scratch.AlignedFloats(ref _uBackward, _s.PackedKernelFloats));
            _backwardPacked = true;
        }
        var duParts = parameters ? Scratch.AlignedFloats(ref _du, Parts * _s.KernelFloats) : default;
        // The forward's transformed input, when this is the backward of the last forward (the same input, in place).
        bool same;
        fixed (float* px = x)
        {
            same = _keptInput != null && _keptInput == px && _keptImages == n;
        }
        if (!dx.IsEmpty)
        {
            // The input gradient's products overwrite the kept transform; a backward for the kernel gradient alone only reads
            // it, so a later backward of the same forward (its input gradient) can still use it.
            _keptInput = null;
        }
        Run(n, x, dy, dx, duParts, forward: false, same ? Scratch.AlignedFloats(ref _kept, checked(n * KeptPerImage)) : default);
        if (!parameters)
        {
            return;
        }
        // Part 0's kernel gradient plus the other parts', in part order.
        int parts = Math.Min(Parts, n);
        var du = duParts[.._s.KernelFloats];
        VectorMath.AddInOrder(duParts[_s.KernelFloats..(parts * _s.KernelFloats)], du);
        if (_kind == Kind.Transposed1)
        {
            Winograd.AccumulateKernelGradient(_s, du, flip: true, dw);
            return;
        }
        var dk = Scratch.Floats(ref _dk, _s.KernelTaps);
        dk.Clear();
        Winograd.AccumulateKernelGradient(_s, du, flip: false, dk);
        if (_kind == Kind.Conv2)
        {
            Polyphase.ConvKernelGradient(_inC, _outC, dk, dw);
        }
        else
        {
            Polyphase.TransposeKernelGradient(_inC, _outC, dk, dw);
        }
    }

    /// <summary>
    /// Forward: x in, y = output. Backward: x and dy in, output = dx (empty when not wanted), du = the parts' kernel
    /// gradients (empty when not wanted). kept, when not empty, holds every group's transformed input in its slot: the
    /// forward writes it there, the backward reads it there instead of transforming x again.
    /// </summary>
    private void Run(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> output, Span<float> du, bool forward, Span<float> kept)
    {
        int group = Math.Min(_group, n);
        int parts = Math.Min(Parts, n);
        // Each part on its own thread while there are no more threads than parts; else the parts in turn, each kernel
        // on every thread (one set of buffers).
        bool partPerThread = Workers.Threads <= Parts;
        int buffers = partPerThread ? parts : 1;
        int partV = _s.InputFloats(group), partM = _s.ProductFloats(group);
        int partPhases = group * _s.Height * _s.Width * Math.Max(_s.InC, _s.OutC);
        // The group buffers for the transformed input, unless every group has its slot in kept.
        var v = kept.IsEmpty ? Scratch.AlignedFloats(ref _v, buffers * partV) : default;
        var m = Scratch.AlignedFloats(ref _m, buffers * partM);
        bool phased = (_kind == Kind.Conv2 && !_s.InputPhases) || (_kind == Kind.Transposed2 && !_s.OutputPhases);
        var phases = phased ? Scratch.AlignedFloats(ref _phases, buffers * partPhases) : default;
        // The packed kernel, as Forward or Backward left it (none when the backward needs no input gradient).
        var u = forward ? Scratch.AlignedFloats(ref _uForward, _s.PackedKernelFloats)
            : output.IsEmpty ? default : Scratch.AlignedFloats(ref _uBackward, _s.PackedKernelFloats);
        fixed (float* px = x, pdy = dy, pout = output, pdu = du, pu = u, pv = v, pm = m, pp = phases, pk = kept)
        fixed (byte* pz = _zeroQuarters)
        {
            var job = new PartJob
            {
                Kind = _kind, S = _s, InC = _inC, OutC = _outC, Images = n, Parts = parts, Group = group,
                X = px, Dy = pdy, Output = pout, PackedKernel = pu, KernelGradients = pdu, V = pv, M = pm, Phases = pp,
                PartV = partV, PartM = partM, PartPhases = partPhases, BufferPerPart = partPerThread,
                Kept = pk, KeptPerImage = KeptPerImage, ZeroQuarters = pz, Stacked = _stacked,
                Forward = forward, Parameters = !du.IsEmpty, Input = !output.IsEmpty,
            };
            if (partPerThread)
            {
                Workers.For(parts, &PartTask, &job);
            }
            else
            {
                for (int part = 0; part < parts; part++)
                {
                    PartTask(&job, part);
                }
            }
        }
    }

    private struct PartJob
    {
        public Kind Kind;
        public WinogradShape S;
        public int InC;
        public int OutC;
        public int Images;
        public int Parts;
        public int Group;
        // The layer's input, the output's gradient (backward), the output (forward: y; backward: dx), the packed
        // transformed kernel, the parts' kernel gradients, and the group buffers: transformed input, products, phases.
        public float* X;
        public float* Dy;
        public float* Output;
        public float* PackedKernel;
        public float* KernelGradients;
        public float* V;
        public float* M;
        public float* Phases;
        public int PartV;
        public int PartM;
        public int PartPhases;
        // Every group's transformed input in its slot (group from image i at i * KeptPerImage), or null.
        public float* Kept;
        public int KeptPerImage;
        // The products' zero quarters (Winograd.FindZeroQuarters) and the channels they are quarters of.
        public byte* ZeroQuarters;
        public PhaseStack Stacked;
        // Whether each part has its own buffers (parts on their own threads) or all share the first.
        public bool BufferPerPart;
        public bool Forward;
        public bool Parameters;
        public bool Input;

        public readonly int InSize => Kind == Kind.Conv2 ? S.Height * S.Width * S.InC : S.Height * S.Width * InC;

        public readonly int OutSize => Kind == Kind.Transposed2 ? S.Height * S.Width * S.OutC : S.Height * S.Width * OutC;
    }

    /// <summary>
    /// One part: its images [part n / P, (part + 1) n / P), a group at a time. As a task, its kernels run on this thread;
    /// called in turn outside a task, each kernel spreads over every thread.
    /// </summary>
    private static void PartTask(void* state, int part)
    {
        ref PartJob job = ref *(PartJob*)state;
        int parts = job.Parts;
        int first = (int)((long)part * job.Images / parts), end = (int)((long)(part + 1) * job.Images / parts);
        var s = job.S;
        int inSize = job.InSize, outSize = job.OutSize;
        long buffer = job.BufferPerPart ? part : 0;
        var v = job.Kept != null ? default : new Span<float>(job.V + buffer * job.PartV, job.PartV);
        var m = new Span<float>(job.M + buffer * job.PartM, job.PartM);
        var phases = new Span<float>(job.Phases + buffer * job.PartPhases, job.Phases == null ? 0 : job.PartPhases);
        var u = new ReadOnlySpan<float>(job.PackedKernel, job.PackedKernel == null ? 0 : s.PackedKernelFloats);
        for (int n0 = first; n0 < end; n0 += job.Group)
        {
            int cn = Math.Min(job.Group, end - n0);
            var x = new ReadOnlySpan<float>(job.X + (long)n0 * inSize, cn * inSize);
            bool kept = job.Kept != null;
            if (kept)
            {
                v = new Span<float>(job.Kept + (long)n0 * job.KeptPerImage, s.InputFloats(cn));
            }
            if (job.Forward)
            {
                var y = new Span<float>(job.Output + (long)n0 * outSize, cn * outSize);
                Winograd.TransformInput(s, cn, PhaseInput(ref job, cn, x, phases), v);
                Winograd.Multiply(s, cn, v, u, m, Zero(ref job), job.Stacked, skipCropped: true);
                if (job.Kind == Kind.Transposed2 && !s.OutputPhases)
                {
                    Winograd.TransformOutput(s, cn, m, phases);
                    Polyphase.DepthToSpace(cn, s.Height, s.Width, job.OutC, phases, y);
                }
                else
                {
                    Winograd.TransformOutput(s, cn, m, y);
                }
                continue;
            }
            var dy = new ReadOnlySpan<float>(job.Dy + (long)n0 * outSize, cn * outSize);
            if (job.Kind == Kind.Transposed2 && !s.OutputPhases)
            {
                Polyphase.SpaceToDepth(cn, s.Height, s.Width, job.OutC, dy, phases);
                Winograd.OutputGradient(s, cn, phases, m);
            }
            else
            {
                Winograd.OutputGradient(s, cn, dy, m);
            }
            if (job.Parameters && !kept)
            {
                Winograd.TransformInput(s, cn, PhaseInput(ref job, cn, x, phases), v);
            }
            // du (+)= dm^T v per point, then v = dm u: the transformed input gradient, mapped back to pixels below.
            var du = job.Parameters ? new Span<float>(job.KernelGradients + (long)part * s.KernelFloats, s.KernelFloats) : default;
            Winograd.MultiplyBackward(s, cn, m, u, v, du, job.Parameters, accumulate: n0 > first, job.Input, Zero(ref job), job.Stacked, skipCropped: true);
            if (job.Input)
            {
                var dx = new Span<float>(job.Output + (long)n0 * inSize, cn * inSize);
                if (job.Kind == Kind.Conv2 && !s.InputPhases)
                {
                    Winograd.InputGradient(s, cn, v, phases);
                    Polyphase.DepthToSpace(cn, s.Height, s.Width, job.InC, phases, dx);
                }
                else
                {
                    Winograd.InputGradient(s, cn, v, dx);
                }
            }
        }
    }

    private static ReadOnlySpan<byte> Zero(ref PartJob job) => new(job.ZeroQuarters, job.S.Points);

    /// <summary>
    /// The group's input as the stride-1 problem reads it: for Conv2 its phases stacked as channels (a copy, unless the
    /// transforms read the phases in place), else itself.
    /// </summary>
    private static ReadOnlySpan<float> PhaseInput(ref PartJob job, int images, ReadOnlySpan<float> x, Span<float> phases)
    {
        if (job.Kind != Kind.Conv2 || job.S.InputPhases)
        {
            return x;
        }
        var s = job.S;
        var stacked = phases[..(images * s.Height * s.Width * s.InC)];
        Polyphase.SpaceToDepth(images, s.Height, s.Width, job.InC, x, stacked);
        return stacked;
    }
}
