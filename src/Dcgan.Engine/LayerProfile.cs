// Per-layer timing of a Sequential model: as the model's observer it adds each layer call's time and GEMM
// floating-point operations to a table (for `dcgan bench --profile` and docs/benchmarks.md).
namespace Dcgan.Engine;

using System.Diagnostics;
using System.Runtime.InteropServices;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

/// <summary>
/// Accumulated forward and backward seconds and floating-point operations per layer of one model, collected while
/// it is the model's <see cref="Sequential.Observer"/> (it attaches itself; <see cref="Dispose"/> detaches it).
/// </summary>
public sealed partial class LayerProfile : ILayerObserver, IDisposable
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
        if (model.Observer is not null)
        {
            throw new InvalidOperationException($"{model.Name} already has an observer");
        }
        _model = model;
        model.Observer = this;
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

    public long Begin() => Now();

    public void EndForward(int index, Layer layer, int batch, long begun)
    {
        _forwardTicks[index] += Now() - begun;
        _forwardFlops[index] += GemmFlops(layer, batch);
    }

    public void EndBackward(int index, Layer layer, int batch, GradientNeeds needs, long begun)
    {
        _backwardTicks[index] += Now() - begun;
        int gemms = ((needs & GradientNeeds.Parameters) != 0 ? 1 : 0) + ((needs & GradientNeeds.Input) != 0 ? 1 : 0);
        _backwardFlops[index] += gemms * GemmFlops(layer, batch);
    }

    /// <summary>Stops observing the model.</summary>
    public void Dispose()
    {
        if (_model.Observer == this)
        {
            _model.Observer = null;
        }
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
