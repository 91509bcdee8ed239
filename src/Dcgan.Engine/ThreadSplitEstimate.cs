// How a step's work divides over N threads, judged on any machine: with the worker pool's recorder set, every parallel
// call runs its tasks one after another on one thread, cut as they would be for N threads, and each call's time on N
// threads is taken as the pool's hand-out would make it (Workers.Makespan). What runs outside the calls stays serial.
// It models the split of the work only: memory bandwidth and caches shared by N cores are not in it.
namespace Dcgan.Engine;

using System.Diagnostics;
using Dcgan.Kernels;

/// <summary>
/// Per layer of the observed models, the time its calls took one task at a time and the time they would take on
/// <see cref="Threads"/> threads. While it lives it is the worker pool's <see cref="Workers.Recorder"/>, the models'
/// <see cref="Sequential.Observer"/> and sets <see cref="Workers.Threads"/>; <see cref="Dispose"/> puts all three back.
/// </summary>
public sealed class ThreadSplitEstimate : ILayerObserver, IWorkRecorder, IDisposable
{
    private readonly Sequential[] _models;
    private readonly int _savedThreads;
    private readonly List<(string Model, Layer Layer)> _layers = [];
    private readonly Dictionary<Layer, int> _rowOf = [];
    private double[] _wall = new double[16], _tasks = new double[16], _split = new double[16];
    private double _stepWall, _stepTasks, _stepSplit;
    private double _pendingTasks, _pendingSplit;
    // Seconds spent in this class's own bookkeeping (the makespans), left out of the layers' and the step's times.
    private double _bookkeeping, _bookkeepingAtBegin;

    public ThreadSplitEstimate(int threads, params Sequential[] models)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (Workers.Recorder is not null)
        {
            throw new InvalidOperationException("the worker pool already has a recorder");
        }
        foreach (var model in models)
        {
            if (model.Observer is not null)
            {
                throw new InvalidOperationException($"{model.Name} already has an observer");
            }
        }
        Threads = threads;
        _models = models;
        _savedThreads = Workers.Threads;
        Workers.Threads = threads;
        foreach (var model in models)
        {
            model.Observer = this;
            foreach (var layer in model.Layers)
            {
                _rowOf[layer] = _layers.Count;
                _layers.Add((model.Name, layer));
            }
        }
        Array.Resize(ref _wall, _layers.Count);
        Array.Resize(ref _tasks, _layers.Count);
        Array.Resize(ref _split, _layers.Count);
        Workers.Recorder = this;
    }

    /// <summary>The thread count the work is cut for and the estimate is made for.</summary>
    public int Threads { get; }

    /// <summary>Steps measured since the last <see cref="Reset"/>.</summary>
    public int Steps { get; private set; }

    /// <summary>Runs one step and adds it to the estimate.</summary>
    public void Step(Action step)
    {
        _pendingTasks = _pendingSplit = 0;
        double bookkeeping = _bookkeeping;
        long start = Stopwatch.GetTimestamp();
        step();
        _stepWall += Stopwatch.GetElapsedTime(start).TotalSeconds - (_bookkeeping - bookkeeping);
        Steps++;
        Flush();
    }

    /// <summary>Forgets everything measured so far (after warm-up).</summary>
    public void Reset()
    {
        Array.Clear(_wall);
        Array.Clear(_tasks);
        Array.Clear(_split);
        _stepWall = _stepTasks = _stepSplit = 0;
        Steps = 0;
    }

    /// <summary>
    /// One row per layer, then one for the rest of the step (losses, Adam, the models' inputs), each in seconds per
    /// step: as measured, one task at a time, and as estimated on <see cref="Threads"/> threads.
    /// </summary>
    public IEnumerable<(string Model, string Layer, double Measured, double Estimated)> Rows()
    {
        double perStep = 1.0 / Math.Max(1, Steps);
        double layersWall = 0, layersEstimated = 0;
        for (int i = 0; i < _layers.Count; i++)
        {
            double estimated = _wall[i] - _tasks[i] + _split[i];
            layersWall += _wall[i];
            layersEstimated += estimated;
            yield return (_layers[i].Model, _layers[i].Layer.Name, _wall[i] * perStep, estimated * perStep);
        }
        double stepEstimated = _stepWall - _stepTasks + _stepSplit;
        yield return ("both", "rest of the step", Math.Max(0, _stepWall - layersWall) * perStep, Math.Max(0, stepEstimated - layersEstimated) * perStep);
    }

    /// <summary>A whole step in seconds: as measured one task at a time, and as estimated on <see cref="Threads"/> threads.</summary>
    public (double Measured, double Estimated) StepSeconds()
    {
        double perStep = 1.0 / Math.Max(1, Steps);
        return (_stepWall * perStep, (_stepWall - _stepTasks + _stepSplit) * perStep);
    }

    void IWorkRecorder.Ran(ReadOnlySpan<long> taskTicks)
    {
        long start = Stopwatch.GetTimestamp();
        long sum = 0;
        foreach (long t in taskTicks)
        {
            sum += t;
        }
        _pendingTasks += sum / (double)Stopwatch.Frequency;
        _pendingSplit += Workers.Makespan(taskTicks, Threads) / (double)Stopwatch.Frequency;
        _bookkeeping += Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    long ILayerObserver.Begin()
    {
        // Calls between layers belong to the step only.
        Flush();
        _bookkeepingAtBegin = _bookkeeping;
        return Stopwatch.GetTimestamp();
    }

    void ILayerObserver.EndForward(int index, Layer layer, int batch, long begun) => End(layer, begun);

    void ILayerObserver.EndBackward(int index, Layer layer, int batch, GradientNeeds needs, long begun) => End(layer, begun);

    private void End(Layer layer, long begun)
    {
        int row = _rowOf[layer];
        _wall[row] += Stopwatch.GetElapsedTime(begun).TotalSeconds - (_bookkeeping - _bookkeepingAtBegin);
        _tasks[row] += _pendingTasks;
        _split[row] += _pendingSplit;
        Flush();
    }

    private void Flush()
    {
        _stepTasks += _pendingTasks;
        _stepSplit += _pendingSplit;
        _pendingTasks = _pendingSplit = 0;
    }

    public void Dispose()
    {
        Workers.Recorder = null;
        Workers.Threads = _savedThreads;
        foreach (var model in _models)
        {
            if (model.Observer == this)
            {
                model.Observer = null;
            }
        }
    }
}
