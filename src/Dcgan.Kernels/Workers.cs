// A tiny fixed pool of worker threads for data-parallel kernels: allocation-free per call,
// deterministic because each task index does the same work whichever thread runs it.
// Idle workers spin briefly before sleeping, so back-to-back kernels start in about a microsecond, and the caller
// never waits for a helper that has not shown up: it waits only for tasks that are actually running.
using System.Diagnostics;

namespace Dcgan.Kernels;

/// <summary>
/// Runs <c>body(state, i)</c> for i in [0, count) on the calling thread plus <see cref="Threads"/> - 1
/// dedicated workers. Tasks are handed out by an atomic counter; results must not depend on which
/// thread runs a task (kernels write disjoint outputs per task), so output is bit-identical for any
/// thread count as long as the task split itself does not depend on the thread count.
/// </summary>
public static unsafe class Workers
{
    /// <summary>How long an idle worker polls for the next job before it blocks.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000;

    private static readonly object Gate = new();
    private static readonly object Sleep = new();
    private static readonly ManualResetEventSlim Done = new(false);
    private static Thread[] _threads = [];
    private static int _threadCount = Math.Max(1, Environment.ProcessorCount);

    // The current job. Fields are written by the caller under Gate before _ticket publishes them.
    private static delegate*<void*, int, void> _body;
    private static void* _state;
    private static int _count;
    private static int _helpers;
    private static int _remaining;
    private static Exception? _error;

    // High 32 bits: job generation; low 32 bits: next task index. Claiming a task is a compare-exchange on the
    // whole word, so a helper that wakes late for an old job can never take an index of a newer one.
    private static long _ticket;
    private static int _generation;
    private static int _sleepers;

    // Set while a thread runs tasks: a nested For from inside a task runs inline instead of deadlocking on Gate.
    [ThreadStatic]
    private static bool _inTask;

    // The timed mode is the setting thread's own: other threads' kernels keep running in parallel meanwhile.
    [ThreadStatic]
    private static IWorkRecorder? _recorder;
    [ThreadStatic]
    private static long[]? _taskTicks;

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

    /// <summary>
    /// The calling thread's recorder: while set, <see cref="For"/> called from this thread runs every task on it, timed, and
    /// tells the recorder; kernels still cut their work as for <see cref="Threads"/> threads. For estimates only: this
    /// thread's kernels run nothing in parallel meanwhile; other threads' run as ever.
    /// </summary>
    public static IWorkRecorder? Recorder
    {
        get => _recorder;
        set => _recorder = value;
    }

    /// <summary>
    /// How long a call whose tasks take <paramref name="taskTicks"/> lasts on <paramref name="threads"/> threads, as
    /// <see cref="For"/> hands tasks out: in index order, each to the first thread that is free.
    /// </summary>
    public static long Makespan(ReadOnlySpan<long> taskTicks, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int used = Math.Min(threads, taskTicks.Length);
        if (used == 0)
        {
            return 0;
        }
        Span<long> busyUntil = used <= 256 ? stackalloc long[used] : new long[used];
        busyUntil.Clear();
        long end = 0;
        foreach (long ticks in taskTicks)
        {
            int first = 0;
            for (int t = 1; t < used; t++)
            {
                if (busyUntil[t] < busyUntil[first])
                {
                    first = t;
                }
            }
            busyUntil[first] += ticks;
            end = Math.Max(end, busyUntil[first]);
        }
        return end;
    }

    /// <summary>Whether a <see cref="For"/> called from this thread now would use more than one thread.</summary>
    public static bool RunsInParallel => _threadCount > 1 && !_inTask;

    /// <summary>Runs body(state, i) for every i in [0, count) and returns when all have finished.</summary>
    public static void For(int count, delegate*<void*, int, void> body, void* state)
    {
        if (count <= 0)
        {
            return;
        }
        if (_recorder is { } recorder && !_inTask)
        {
            RunTimed(count, body, state, recorder);
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
            _helpers = Math.Min(_threadCount - 1, count - 1);
            _remaining = count;
            _error = null;
            Done.Reset();
            int generation = Interlocked.Increment(ref _generation);

            // The full fence of this exchange pairs with the one in WaitForJob: either a worker sees the new
            // ticket before it sleeps, or this thread sees it asleep and wakes it.
            Interlocked.Exchange(ref _ticket, (long)generation << 32);
            if (Volatile.Read(ref _sleepers) > 0)
            {
                lock (Sleep)
                {
                    Monitor.PulseAll(Sleep);
                }
            }

            RunTasks(generation);
            // Whoever finishes the last task sets Done, so this also orders that Set before the next job's Reset.
            Done.Wait();
            // Close this generation's ticket before the next caller can write its job. Without it a helper that read
            // the exhausted ticket (generation, count) and then the next job's larger _count could still claim index
            // `count` with a compare-exchange on the old ticket, run the next job's body for it and count it off
            // twice: the next caller would return while a task still ran on its stack frame.
            Interlocked.Exchange(ref _ticket, ((long)generation << 32) | int.MaxValue);
            _body = null;
            _state = null;
            if (_error is not null)
            {
                throw new AggregateException("a kernel task failed", _error);
            }
        }
    }

    private static void RunTimed(int count, delegate*<void*, int, void> body, void* state, IWorkRecorder recorder)
    {
        if (_taskTicks is null || _taskTicks.Length < count)
        {
            _taskTicks = new long[Math.Max(count, 2 * (_taskTicks?.Length ?? 0))];
        }
        var ticks = _taskTicks;
        _inTask = true;
        try
        {
            // One clock read a task, each task's end the next one's start: the reads cost as much as a small task, and
            // between two of them there is no gap that would count as serial work.
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                body(state, i);
                long end = Stopwatch.GetTimestamp();
                ticks[i] = end - start;
                start = end;
            }
        }
        finally
        {
            _inTask = false;
        }
        recorder.Ran(ticks.AsSpan(0, count));
    }

    private static void RunTasks(int generation)
    {
        _inTask = true;
        try
        {
            while (true)
            {
                long ticket = Volatile.Read(ref _ticket);
                int index = (int)ticket;
                if ((int)(ticket >> 32) != generation || index >= _count)
                {
                    return;
                }
                if (Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket) != ticket)
                {
                    continue;
                }
                // Claimed: the job cannot change until this task is counted off below.
                if (_error is null)
                {
                    try
                    {
                        _body(_state, index);
                    }
                    catch (Exception e)
                    {
                        // Later tasks are skipped (but still counted off) once one has failed.
                        Interlocked.CompareExchange(ref _error, e, null);
                    }
                }
                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    Done.Set();
                }
            }
        }
        finally
        {
            _inTask = false;
        }
    }

    private static void EnsureThreads(int wanted)
    {
        if (_threads.Length < wanted)
        {
            // Kept out of this method: the lambda's closure would otherwise be allocated on every call, at entry.
            GrowThreads(wanted);
        }
    }

    private static void GrowThreads(int wanted)
    {
        var grown = new Thread[wanted];
        Array.Copy(_threads, grown, _threads.Length);
        // Read before the caller publishes its job, so a worker that starts late still sees that job as new.
        int generation = Volatile.Read(ref _generation);
        for (int t = _threads.Length; t < wanted; t++)
        {
            int index = t + 1;
            grown[t] = new Thread(() => WorkerLoop(index, generation))
            {
                IsBackground = true,
                Name = $"dcgan-worker-{index}",
            };
            grown[t].Start();
        }
        _threads = grown;
    }

    private static void WorkerLoop(int index, int seen)
    {
        while (true)
        {
            seen = WaitForJob(seen);
            // Workers beyond this job's helper count (few tasks, or Threads lowered) sit it out.
            if (index <= Volatile.Read(ref _helpers))
            {
                RunTasks(seen);
            }
        }
    }

    private static int WaitForJob(int seen)
    {
        long start = Stopwatch.GetTimestamp();
        int generation;
        while ((generation = (int)(Volatile.Read(ref _ticket) >> 32)) == seen)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(16);
                continue;
            }
            lock (Sleep)
            {
                Interlocked.Increment(ref _sleepers);
                while ((int)(Volatile.Read(ref _ticket) >> 32) == seen)
                {
                    Monitor.Wait(Sleep);
                }
                Interlocked.Decrement(ref _sleepers);
            }
        }
        return generation;
    }
}
