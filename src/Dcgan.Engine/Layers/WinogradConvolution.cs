// The Winograd path of the convolution layers (ConvAlgorithm.Winograd): which geometries take it, and the chunked loop of
// transforms and point-wise GEMMs (kernels/Winograd.cs) for the layer's forward and backward. A stride-1 'same' 5x5
// transposed convolution is F(4x4, 5x5) with the flipped kernel; a stride-2 'same' 5x5 convolution or transposed
// convolution is F(4x4, 3x3) over its four pixel phases (kernels/Polyphase.cs).
namespace Dcgan.Engine.Layers;

using Dcgan.Kernels;

/// <summary>Runs one convolution layer's products by Winograd; holds the transformed kernel and the chunk buffers.</summary>
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

    private readonly Kind _kind;
    private readonly WinogradShape _s;
    // The layer's channels: in and out of the layer (not of the phase-stacked problem).
    private readonly int _inC;
    private readonly int _outC;
    private float[] _k = [];
    private float[] _dk = [];
    private float[] _u = [];
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
    }

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

    private int InSize => _kind == Kind.Conv2 ? _s.Height * _s.Width * _s.InC : _s.Height * _s.Width * _inC;

    private int OutSize => _kind == Kind.Transposed2 ? _s.Height * _s.Width * _s.OutC : _s.Height * _s.Width * _outC;

    /// <summary>y = the layer's convolution of x with kernel w (the layer's own layout), without bias; n images.</summary>
    public void Forward(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y)
    {
        int chunk = _s.ImagesPerChunk, cn0 = Math.Min(chunk, n);
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
        var v = Conv2D.Scratch(ref _v, _s.InputFloats(cn0));
        var m = Conv2D.Scratch(ref _m, _s.ProductFloats(cn0));
        for (int n0 = 0; n0 < n; n0 += chunk)
        {
            int cn = Math.Min(chunk, n - n0);
            Winograd.TransformInput(_s, cn, PhaseInput(cn, x.Slice(n0 * InSize, cn * InSize)), v);
            Winograd.Multiply(_s, cn, v, u, m);
            var yc = y.Slice(n0 * OutSize, cn * OutSize);
            if (_kind == Kind.Transposed2 && !_s.OutputPhases)
            {
                var phases = Conv2D.Scratch(ref _phases, cn * _s.Height * _s.Width * _s.OutC);
                Winograd.TransformOutput(_s, cn, m, phases);
                Polyphase.DepthToSpace(cn, _s.Height, _s.Width, _outC, phases, yc);
            }
            else
            {
                Winograd.TransformOutput(_s, cn, m, yc);
            }
        }
    }

    /// <summary>
    /// The backward of <see cref="Forward"/> for the same x and w (the transformed kernel is kept from it): dx (overwritten)
    /// when not empty, and dw += the kernel gradient when not empty.
    /// </summary>
    public void Backward(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw)
    {
        bool parameters = !dw.IsEmpty, input = !dx.IsEmpty;
        int chunk = _s.ImagesPerChunk, cn0 = Math.Min(chunk, n);
        var v = Conv2D.Scratch(ref _v, _s.InputFloats(cn0));
        var m = Conv2D.Scratch(ref _m, _s.ProductFloats(cn0));
        var du = parameters ? Conv2D.Scratch(ref _du, _s.KernelFloats) : default;
        for (int n0 = 0; n0 < n; n0 += chunk)
        {
            int cn = Math.Min(chunk, n - n0);
            var dyc = dy.Slice(n0 * OutSize, cn * OutSize);
            if (_kind == Kind.Transposed2 && !_s.OutputPhases)
            {
                var phases = Conv2D.Scratch(ref _phases, cn * _s.Height * _s.Width * _s.OutC);
                Polyphase.SpaceToDepth(cn, _s.Height, _s.Width, _outC, dyc, phases);
                Winograd.OutputGradient(_s, cn, phases, m);
            }
            else
            {
                Winograd.OutputGradient(_s, cn, dyc, m);
            }
            if (parameters)
            {
                Winograd.TransformInput(_s, cn, PhaseInput(cn, x.Slice(n0 * InSize, cn * InSize)), v);
            }
            // du (+)= dm^T v per point, then v = dm u: the transformed input gradient, mapped back to pixels below.
            Winograd.MultiplyBackward(_s, cn, m, _u, v, du, parameters, accumulate: n0 > 0, input);
            if (input)
            {
                var dxc = dx.Slice(n0 * InSize, cn * InSize);
                if (_kind == Kind.Conv2 && !_s.InputPhases)
                {
                    var phases = Conv2D.Scratch(ref _phases, cn * _s.Height * _s.Width * _s.InC);
                    Winograd.InputGradient(_s, cn, v, phases);
                    Polyphase.DepthToSpace(cn, _s.Height, _s.Width, _inC, phases, dxc);
                }
                else
                {
                    Winograd.InputGradient(_s, cn, v, dxc);
                }
            }
        }
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
    /// The chunk's input as the stride-1 problem reads it: for Conv2 its phases stacked as channels (a copy, unless the
    /// transforms read the phases in place), else itself.
    /// </summary>
    private ReadOnlySpan<float> PhaseInput(int images, ReadOnlySpan<float> x)
    {
        if (_kind != Kind.Conv2 || _s.InputPhases)
        {
            return x;
        }
        var phases = Conv2D.Scratch(ref _phases, images * _s.Height * _s.Width * _s.InC);
        Polyphase.SpaceToDepth(images, _s.Height, _s.Width, _inC, x, phases);
        return phases;
    }
}
