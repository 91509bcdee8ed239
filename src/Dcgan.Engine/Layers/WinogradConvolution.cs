// The Winograd path of the convolution layers (ConvAlgorithm.Winograd): which geometries take it, and the loop of
// transforms and point-wise GEMMs (kernels/Winograd.cs) for the layer's forward and backward. A stride-1 'same' 5x5
// transposed convolution is F(4x4, 5x5) with the flipped kernel; a stride-2 'same' 5x5 convolution or transposed
// convolution is F(4x4, 3x3) over its four pixel phases (kernels/Polyphase.cs).
namespace Dcgan.Engine.Layers;

using System.Runtime.InteropServices;
using Dcgan.Kernels;

/// <summary>
/// Runs one convolution layer's products by Winograd; holds the transformed kernel and the group buffers. The batch goes
/// through a group of images at a time (<see cref="ImagesPerGroup"/>): input transform, point GEMMs, output transform,
/// each kernel spread over all <see cref="Workers"/> threads (the transforms by tile or image, the GEMMs by point). How
/// the work is cut depends only on the layer's shape and the batch, never on the thread count, and the kernel gradient
/// is one sum over the groups in order, so results are bit-identical for any --threads, and every thread has work.
/// </summary>
internal sealed class WinogradConvolution
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
    /// Floats of a group's transformed inputs and products together (8 MB): large enough that each point GEMM has a few
    /// hundred rows, small enough that a group's arrays stay in the last-level cache between the transform that writes
    /// them and the GEMM that reads them.
    /// </summary>
    private const int GroupFloats = 1 << 21;

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
    private float[] _phases = [];

    private WinogradConvolution(Kind kind, WinogradShape s, int inC, int outC)
    {
        _kind = kind;
        _s = s;
        _inC = inC;
        _outC = outC;
        _group = ImagesPerGroup(s);
    }

    /// <summary>
    /// Images per group for a shape: transformed inputs and products together about <see cref="GroupFloats"/>. Groups half
    /// this size cost F(4x4, 5x5) 10 % more: its point GEMMs get only 40 rows. It depends only on the shape.
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
            (false, 2) when h % 2 == 0 && w % 2 == 0 => new(Kind.Conv2,
                new WinogradShape(h / 2, w / 2, 4 * inC, conv.Filters, 3) { InputPhases = WinogradShape.PhasesInPlace(4 * inC) }, inC, conv.Filters),
            (true, 2) => new(Kind.Transposed2,
                new WinogradShape(h, w, inC, 4 * conv.Filters, 3) { OutputPhases = WinogradShape.PhasesInPlace(4 * conv.Filters) }, inC, conv.Filters),
            _ => null,
        };
    }

    /// <summary>y = the layer's convolution of x with kernel w (the layer's own layout), without bias; n images.</summary>
    public void Forward(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y)
    {
        // D runs forward twice a step with the same weights, and sampling many times: the kernel is transformed and packed
        // again only when it differs, bit for bit, from the one transformed last.
        if (!MemoryMarshal.Cast<float, int>(w).SequenceEqual(MemoryMarshal.Cast<float, int>(_transformed.AsSpan())))
        {
            TransformKernel(w);
            w.CopyTo(Conv2D.Scratch(ref _transformed, w.Length));
        }
        Run(n, x, default, y, default, forward: true);
    }

    private void TransformKernel(ReadOnlySpan<float> w)
    {
        var u = Conv2D.Scratch(ref _u, _s.KernelFloats);
        switch (_kind)
        {
            case Kind.Transposed1:
                Winograd.TransformKernel(_s, w, flip: true, u);
                break;
            case Kind.Conv2:
                Polyphase.ConvKernel(_inC, _outC, w, Conv2D.Scratch(ref _k, _s.KernelTaps));
                Winograd.TransformKernel(_s, _k, flip: false, u);
                break;
            default:
                Polyphase.TransposeKernel(_inC, _outC, w, Conv2D.Scratch(ref _k, _s.KernelTaps));
                Winograd.TransformKernel(_s, _k, flip: false, u);
                break;
        }
        Winograd.PackKernel(_s, u, forInputGradient: false, Conv2D.Scratch(ref _uForward, _s.PackedKernelFloats));
        _backwardPacked = false;
    }

    /// <summary>
    /// The backward of <see cref="Forward"/> for the same x and w (the transformed kernel is kept from it): dx (overwritten)
    /// when not empty, and dw += the kernel gradient when not empty.
    /// </summary>
    public void Backward(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw)
    {
        bool parameters = !dw.IsEmpty;
        if (!dx.IsEmpty && !_backwardPacked)
        {
            Winograd.PackKernel(_s, _u, forInputGradient: true, Conv2D.Scratch(ref _uBackward, _s.PackedKernelFloats));
            _backwardPacked = true;
        }
        var du = parameters ? Conv2D.Scratch(ref _du, _s.KernelFloats) : default;
        Run(n, x, dy, dx, du, forward: false);
        if (!parameters)
        {
            return;
        }
        if (_kind == Kind.Transposed1)
        {
            Winograd.AccumulateKernelGradient(_s, du, flip: true, dw);
            return;
        }
        var dk = Conv2D.Scratch(ref _dk, _s.KernelTaps);
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
    /// The batch a group at a time. Forward: y = the convolution of x. Backward: dm from dy, then du (+)= the kernel
    /// gradient (when du is not empty; the first group overwrites) and dx (when not empty).
    /// </summary>
    private void Run(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> b, Span<float> du, bool forward)
    {
        var s = _s;
        int group = Math.Min(_group, n);
        var v = Conv2D.Scratch(ref _v, s.InputFloats(group));
        var m = Conv2D.Scratch(ref _m, s.ProductFloats(group));
        bool phased = (_kind == Kind.Conv2 && !s.InputPhases) || (_kind == Kind.Transposed2 && !s.OutputPhases);
        var phases = phased ? Conv2D.Scratch(ref _phases, group * s.Height * s.Width * Math.Max(s.InC, s.OutC)) : default;
        var u = (ReadOnlySpan<float>)(forward ? _uForward : _uBackward);
        int inSize = _kind == Kind.Conv2 ? s.Height * s.Width * s.InC : s.Height * s.Width * _inC;
        int outSize = _kind == Kind.Transposed2 ? s.Height * s.Width * s.OutC : s.Height * s.Width * _outC;
        for (int n0 = 0; n0 < n; n0 += group)
        {
            int cn = Math.Min(group, n - n0);
            var images = x.Slice(n0 * inSize, cn * inSize);
            if (forward)
            {
                var y = b.Slice(n0 * outSize, cn * outSize);
                Winograd.TransformInput(s, cn, PhaseInput(cn, images, phases), v);
                Winograd.Multiply(s, cn, v, u, m);
                if (_kind == Kind.Transposed2 && !s.OutputPhases)
                {
                    Winograd.TransformOutput(s, cn, m, phases);
                    Polyphase.DepthToSpace(cn, s.Height, s.Width, _outC, phases, y);
                }
                else
                {
                    Winograd.TransformOutput(s, cn, m, y);
                }
                continue;
            }
            var gradient = dy.Slice(n0 * outSize, cn * outSize);
            if (_kind == Kind.Transposed2 && !s.OutputPhases)
            {
                Polyphase.SpaceToDepth(cn, s.Height, s.Width, _outC, gradient, phases);
                Winograd.OutputGradient(s, cn, phases, m);
            }
            else
            {
                Winograd.OutputGradient(s, cn, gradient, m);
            }
            bool parameters = !du.IsEmpty, input = !b.IsEmpty;
            if (parameters)
            {
                Winograd.TransformInput(s, cn, PhaseInput(cn, images, phases), v);
            }
            // du (+)= dm^T v per point, then v = dm u: the transformed input gradient, mapped back to pixels below.
            Winograd.MultiplyBackward(s, cn, m, u, v, du, parameters, accumulate: n0 > 0, input);
            if (input)
            {
                var dx = b.Slice(n0 * inSize, cn * inSize);
                if (_kind == Kind.Conv2 && !s.InputPhases)
                {
                    Winograd.InputGradient(s, cn, v, phases);
                    Polyphase.DepthToSpace(cn, s.Height, s.Width, _inC, phases, dx);
                }
                else
                {
                    Winograd.InputGradient(s, cn, v, dx);
                }
            }
        }
    }

    /// <summary>
    /// The group's input as the stride-1 problem reads it: for Conv2 its phases stacked as channels (a copy, unless the
    /// transforms read the phases in place), else itself.
    /// </summary>
    private ReadOnlySpan<float> PhaseInput(int images, ReadOnlySpan<float> x, Span<float> phases)
    {
        if (_kind != Kind.Conv2 || _s.InputPhases)
        {
            return x;
        }
        var stacked = phases[..(images * _s.Height * _s.Width * _s.InC)];
        Polyphase.SpaceToDepth(images, _s.Height, _s.Width, _inC, x, stacked);
        return stacked;
    }
}
