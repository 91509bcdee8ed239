// Per-layer timing of a Sequential model: runs forward and backward layer by layer exactly as Sequential does,
// adding each call's wall time and multiply-add count to a table (for `dcgan bench --profile` and docs/benchmarks.md).
namespace Dcgan.Engine;

using System.Diagnostics;
using System.Runtime.InteropServices;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

/// <summary>
/// Accumulated forward and backward seconds and floating-point operations per layer of one model. Forward and
/// Backward match <see cref="Sequential.Forward"/> and <see cref="Sequential.Backward"/> call for call.
/// </summary>
public sealed partial class LayerProfile
{
    /// <summary>
    /// True when times are the calling thread's CPU time (Linux, one worker thread): on a shared machine that is the
    /// work a layer did, not the share of a core it happened to get. Otherwise wall time.
    /// </summary>
    public static bool UsesThreadCpuTime => OperatingSystem.IsLinux() && Workers.Threads == 1;

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Now, in <see cref="Stopwatch"/> ticks: the thread's CPU clock or the wall clock (see <see cref="UsesThreadCpuTime"/>).</summary>
    public static long Now()
    {
        // CLOCK_THREAD_CPUTIME_ID is 3 on Linux.
        if (UsesThreadCpuTime && ClockGetTime(3, out var t) == 0)
        {
            return (long)((t.Seconds * 1_000_000_000.0 + t.Nanoseconds) * Stopwatch.Frequency / 1e9);
        }
        return Stopwatch.GetTimestamp();
    }

    private readonly Sequential _model;
    private readonly long[] _forwardTicks, _backwardTicks;
    private readonly double[] _forwardFlops, _backwardFlops;

    public LayerProfile(Sequential model)
    {
        _model = model;
        int n = model.Layers.Count;
        _forwardTicks = new long[n];
        _backwardTicks = new long[n];
        _forwardFlops = new double[n];
        _backwardFlops = new double[n];
    }

    public Sequential Model => _model;

    /// <summary>One row per layer: name, class, seconds and FLOPs of all forward and all backward calls so far.</summary>
    public IEnumerable<(string Name, string ClassName, double ForwardSeconds, double BackwardSeconds, double ForwardFlops, double BackwardFlops)> Rows()
    {
        for (int i = 0; i < _forwardTicks.Length; i++)
        {
            var layer = _model.Layers[i];
            yield return (layer.Name, layer.ClassName, _forwardTicks[i] / (double)Stopwatch.Frequency, _backwardTicks[i] / (double)Stopwatch.Frequency,
                _forwardFlops[i], _backwardFlops[i]);
        }
    }

    /// <summary>Forgets everything measured so far (after warm-up).</summary>
    public void Reset()
    {
        Array.Clear(_forwardTicks);
        Array.Clear(_backwardTicks);
        Array.Clear(_forwardFlops);
        Array.Clear(_backwardFlops);
    }

    public Tensor Forward(Tensor input, bool training)
    {
        var x = input;
        for (int i = 0; i < _model.Layers.Count; i++)
        {
            var layer = _model.Layers[i];
            long start = Now();
            x = layer.Forward(x, training);
            _forwardTicks[i] += Now() - start;
            _forwardFlops[i] += GemmFlops(layer, x.Batch);
        }
        return x;
    }

    public Tensor? Backward(Tensor dOutput, GradientNeeds needs) => Backward(dOutput, needs, default);

    /// <summary>The timed <see cref="Sequential.Backward(Tensor, GradientNeeds, ReadOnlySpan{float})"/>.</summary>
    public Tensor? Backward(Tensor dOutput, GradientNeeds needs, ReadOnlySpan<float> sampleWeights)
    {
        Tensor? d = dOutput;
        int batch = dOutput.Batch;
        for (int i = _model.Layers.Count - 1; i >= 0; i--)
        {
            var layerNeeds = needs & GradientNeeds.Parameters;
            if (i > 0 || (needs & GradientNeeds.Input) != 0)
            {
                layerNeeds |= GradientNeeds.Input;
            }
            var layer = _model.Layers[i];
            long start = Now();
            d = layer.Backward(d!, layerNeeds, sampleWeights);
            _backwardTicks[i] += Now() - start;
            double gemms = ((layerNeeds & GradientNeeds.Parameters) != 0 ? 1 : 0) + ((layerNeeds & GradientNeeds.Input) != 0 ? 1 : 0);
            _backwardFlops[i] += gemms * GemmFlops(layer, batch);
        }
        return (needs & GradientNeeds.Input) != 0 ? d : null;
    }

    /// <summary>
    /// FLOPs of one GEMM of the layer (forward, weight gradient and input gradient each cost this): every kernel
    /// entry meets every sample of the layer's smaller spatial side once.
    /// </summary>
    public static double GemmFlops(Layer layer, int batch)
    {
        var kernel = layer.Parameters.FirstOrDefault(p => p.Name == "kernel");
        if (kernel is null)
        {
            return 0;
        }
        double pixels = layer switch
        {
            Conv2D => layer.OutputShape[0] * layer.OutputShape[1],
            Conv2DTranspose => layer.InputShape[0] * layer.InputShape[1],
            _ => 1,
        };
        return 2.0 * batch * pixels * kernel.Length;
    }
}
