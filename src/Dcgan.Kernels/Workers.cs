// A tiny fixed pool of worker threads for data-parallel kernels: allocation-free per call,
// deterministic because each task index does the same work whichever thread runs it.
namespace Dcgan.Kernels;

/// <summary>
/// Runs <c>body(state, i)</c> for i in [0, count) on the calling thread plus <see cref="Threads"/> - 1
/// dedicated workers. Tasks are handed out by an atomic counter; results must not depend on which
/// thread runs a task (kernels write disjoint outputs per task), so output is bit-identical for any
/// thread count as long as the task split itself does not depend on the thread count.
/// </summary>
public static unsafe class Workers
{
    private static readonly object Gate = new();
    private static Thread[] _threads = [];
    private static int _threadCount = Math.Max(1, Environment.ProcessorCount);

    // The current job; written by the caller under Gate, read by workers after the generation bump.
    private static delegate*<void*, int, void> _body;
    private static void* _state;
    private static int _count;
    private static int _next;
    private static int _pending;
    private static volatile int _generation;
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly ManualResetEventSlim Done = new(false);
    private static Exception? _error;

    // Set while a thread runs tasks: a nested For from inside a task runs inline instead of deadlocking on Gate.
    [ThreadStatic]
    private static bool _inTask;

    /// <summary>Number of threads kernels use, the caller included. Defaults to the processor count.</summary>
    public static int Threads
    {
        get => _threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (Gate)
            {
                _threadCount = value;
            }
        }
    }

    /// <summary>Runs body(state, i) for every i in [0, count) and returns when all have finished.</summary>
    public static void For(int count, delegate*<void*, int, void> body, void* state)
    {
        if (count <= 0)
        {
            return;
        }
        if (count == 1 || _threadCount == 1 || _inTask)
        {
            for (int i = 0; i < count; i++)
            {
                body(state, i);
            }
            return;
        }
        lock (Gate)
        {
            EnsureThreads(_threadCount - 1);
            _body = body;
            _state = state;
            _count = count;
            _next = 0;
            _error = null;
            int helpers = Math.Min(_threadCount - 1, count - 1);
            _pending = helpers;
            Done.Reset();
            _generation++;
            Wake.Release(helpers);
            RunTasks();
            if (helpers > 0)
            {
                Done.Wait();
            }
            _body = null;
            _state = null;
            if (_error is not null)
            {
                throw new AggregateException("a kernel task failed", _error);
            }
        }
    }

    private static void RunTasks()
    {
        _inTask = true;
        try
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                _body(_state, i);
            }
        }
        catch (Exception e)
        {
            _error ??= e;
            // Stop handing out further tasks.
            Interlocked.Exchange(ref _next, int.MaxValue / 2);
        }
        finally
        {
            _inTask = false;
        }
    }

    private static void EnsureThreads(int wanted)
    {
        if (_threads.Length >= wanted)
        {
            return;
        }
        var grown = new Thread[wanted];
        Array.Copy(_threads, grown, _threads.Length);
        for (int t = _threads.Length; t < wanted; t++)
        {
            grown[t] = new Thread(WorkerLoop) { IsBackground = true, Name = $"dcgan-worker-{t + 1}" };
            grown[t].Start();
        }
        _threads = grown;
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            Wake.Wait();
            RunTasks();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                Done.Set();
            }
        }
    }
}
