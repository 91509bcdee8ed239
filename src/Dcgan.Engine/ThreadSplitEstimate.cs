// How a step's work divides over N threads, judged on any machine: with the worker pool's recorder set, every parallel
// call runs its tasks one after another on one thread, cut as they would be for N threads, and each call's time on N
// threads is taken as the pool's hand-out would make it (Workers.Makespan). What runs outside the calls stays serial.
// A step makes the same calls every time, so each task's time is its median over the steps measured: a task the machine
// interrupted once does not stand for the split. It models the split of the work only: memory bandwidth and
// caches shared by N cores are not in it.
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
    /// <summary>One step as measured: its calls in order (the row they ran in, -1 outside a layer) and times.</summary>
    private sealed class StepRecord(int rows)
    {
        public readonly List<long> TaskTicks = [];
        public readonly List<(int Row, int First, int Count)> Calls = [];
        // Per row, then for the whole step: wall seconds, less this class's own bookkeeping.
        public readonly double[] RowWall = new double[rows];
        public double Wall;
    }

    private readonly Sequential[] _models;
    private readonly int _savedThreads;
    private readonly List<(string Model, Layer Layer)> _layers = [];
    private readonly Dictionary<Layer, int> _rowOf = [];
    private readonly List<StepRecord> _steps = [];
    private StepRecord? _current;
    // Summarize's result for the steps so far; null once a step is added or they are forgotten.
    private ((double Measured, double Estimated)[] Rows, (double Measured, double Estimated) Step)? _summary;
    // Calls made since the last layer began or ended: they belong to the layer that ends next, else to the step.
    private int _pendingCalls;
    // Seconds spent in this class's own bookkeeping, left out of the layers' and the step's times.
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
        Workers.Recorder = this;
    }

    /// <summary>The thread count the work is cut for and the estimate is made for.</summary>
    public int Threads { get; }

    /// <summary>Steps measured since the last <see cref="Reset"/>.</summary>
    public int Steps => _steps.Count;

    /// <summary>Runs one step and adds it to the estimate.</summary>
    public void Step(Action step)
    {
        var record = new StepRecord(_layers.Count);
        _current = record;
        _pendingCalls = 0;
        double bookkeeping = _bookkeeping;
        long start = Stopwatch.GetTimestamp();
        try
        {
            step();
        }
        finally
        {
            _current = null;
        }
        record.Wall = Stopwatch.GetElapsedTime(start).TotalSeconds - (_bookkeeping - bookkeeping);
        _steps.Add(record);
        _summary = null;
    }

    /// <summary>Forgets everything measured so far (after warm-up).</summary>
    public void Reset()
    {
        _steps.Clear();
        _summary = null;
    }

    /// <summary>
    /// One row per layer, then one for the rest of the step (losses, Adam, the models' inputs), each in seconds per
    /// step: one task at a time, and as estimated on <see cref="Threads"/> threads. Each task counts with its median time
    /// over the steps, each row's work outside the parallel calls likewise.
    /// </summary>
    public IEnumerable<(string Model, string Layer, double Measured, double Estimated)> Rows()
    {
        var (rows, step) = _summary ??= Summarize();
        double layersMeasured = 0, layersEstimated = 0;
        for (int i = 0; i < _layers.Count; i++)
        {
            layersMeasured += rows[i].Measured;
            layersEstimated += rows[i].Estimated;
            yield return (_layers[i].Model, _layers[i].Layer.Name, rows[i].Measured, rows[i].Estimated);
        }
        yield return ("both", "rest of the step", Math.Max(0, step.Measured - layersMeasured), Math.Max(0, step.Estimated - layersEstimated));
    }

    /// <summary>A whole step in seconds: one task at a time, and as estimated on <see cref="Threads"/> threads.</summary>
    public (double Measured, double Estimated) StepSeconds() => (_summary ??= Summarize()).Step;

    /// <summary>
    /// Per row and for the step: the tasks' median times added up, and their makespans, each plus the median time outside
    /// the calls. Steps whose calls differ from the first's (another cut of the work) are left out.
    /// </summary>
    private ((double Measured, double Estimated)[] Rows, (double Measured, double Estimated) Step) Summarize()
    {
        var rows = new (double Measured, double Estimated)[_layers.Count];
        if (_steps.Count == 0)
        {
            return (rows, default);
        }
        var first = _steps[0];
        var steps = _steps.Where(s => s.Calls.SequenceEqual(first.Calls)).ToList();
        var median = new long[first.TaskTicks.Count];
        var across = new long[steps.Count];
        for (int i = 0; i < median.Length; i++)
        {
            for (int k = 0; k < steps.Count; k++)
            {
                across[k] = steps[k].TaskTicks[i];
            }
            median[i] = LowerMedian(across);
        }
        double f = 1.0 / Stopwatch.Frequency;
        // Per row (the last for calls outside the layers): the tasks' sum and their makespan.
        var sums = new double[_layers.Count + 1];
        var splits = new double[_layers.Count + 1];
        foreach (var (row, start, count) in first.Calls)
        {
            var ticks = new ReadOnlySpan<long>(median, start, count);
            long sum = 0;
            foreach (long t in ticks)
            {
                sum += t;
            }
            int r = row < 0 ? _layers.Count : row;
            sums[r] += sum * f;
            splits[r] += Workers.Makespan(ticks, Threads) * f;
        }
        // Outside the calls: for each row and for the step, the median over the steps of wall time less the calls' time.
        var serialAcross = new double[_layers.Count + 1, steps.Count];
        for (int k = 0; k < steps.Count; k++)
        {
            var s = steps[k];
            var inCalls = new double[_layers.Count + 1];
            foreach (var (row, start, count) in s.Calls)
            {
                long sum = 0;
                for (int i = start; i < start + count; i++)
                {
                    sum += s.TaskTicks[i];
                }
                inCalls[row < 0 ? _layers.Count : row] += sum * f;
            }
            for (int i = 0; i < _layers.Count; i++)
            {
                serialAcross[i, k] = Math.Max(0, s.RowWall[i] - inCalls[i]);
            }
            serialAcross[_layers.Count, k] = Math.Max(0, s.Wall - inCalls.Sum());
        }
        var serial = new double[_layers.Count + 1];
        var values = new double[steps.Count];
        for (int i = 0; i <= _layers.Count; i++)
        {
            for (int k = 0; k < steps.Count; k++)
            {
                values[k] = serialAcross[i, k];
            }
            serial[i] = LowerMedian(values);
        }
        double stepSerial = serial[_layers.Count];
        for (int i = 0; i < _layers.Count; i++)
        {
            rows[i] = (serial[i] + sums[i], serial[i] + splits[i]);
        }
        return (rows, (stepSerial + sums.Sum(), stepSerial + splits.Sum()));
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place); of an even count, the lower of the two middle ones.</summary>
    private static T LowerMedian<T>(T[] values)
    {
        Array.Sort(values);
        return values[(values.Length - 1) / 2];
    }

    void IWorkRecorder.Ran(ReadOnlySpan<long> taskTicks)
    {
        if (_current is not { } record)
        {
            return;
        }
        long start = Stopwatch.GetTimestamp();
        record.Calls.Add((-1, record.TaskTicks.Count, taskTicks.Length));
        foreach (long t in taskTicks)
        {
            record.TaskTicks.Add(t);
        }
        _pendingCalls++;
        _bookkeeping += Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    long ILayerObserver.Begin()
    {
        // Calls between layers belong to the step only: they keep row -1.
        _pendingCalls = 0;
        _bookkeepingAtBegin = _bookkeeping;
        return Stopwatch.GetTimestamp();
    }

    void ILayerObserver.EndForward(int index, Layer layer, int batch, long begun) => End(layer, begun);

    void ILayerObserver.EndBackward(int index, Layer layer, int batch, GradientNeeds needs, long begun) => End(layer, begun);

    private void End(Layer layer, long begun)
    {
        double wall = Stopwatch.GetElapsedTime(begun).TotalSeconds - (_bookkeeping - _bookkeepingAtBegin);
        if (_current is not { } record)
        {
            return;
        }
        int row = _rowOf[layer];
        record.RowWall[row] += wall;
        for (int i = record.Calls.Count - _pendingCalls; i < record.Calls.Count; i++)
        {
            record.Calls[i] = record.Calls[i] with { Row = row };
        }
        _pendingCalls = 0;
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
