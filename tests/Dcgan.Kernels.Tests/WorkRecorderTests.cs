// Tests of the worker pool's timed mode (Workers.Recorder, behind `dcgan bench --estimate-threads`) and of its model of the
// pool's hand-out (Workers.Makespan): tasks run one at a time on the calling thread, cut as for Workers.Threads, and a
// call's time on N threads is what handing tasks in index order to the first free thread gives.
namespace Dcgan.Kernels.Tests;

[Collection(WorkersCollection.Name)]
public unsafe class WorkRecorderTests
{
    private sealed class Calls : IWorkRecorder
    {
        public readonly List<long[]> Ran = [];

        void IWorkRecorder.Ran(ReadOnlySpan<long> taskTicks) => Ran.Add(taskTicks.ToArray());
    }

    [Theory]
    [InlineData(new long[] { 3, 3, 3 }, 1, 9)]
    [InlineData(new long[] { 3, 3, 3 }, 2, 6)]
    [InlineData(new long[] { 3, 3, 3 }, 3, 3)]
    [InlineData(new long[] { 3, 3, 3 }, 16, 3)]
    // In index order: the long task last keeps one thread busy after the others are done.
    [InlineData(new long[] { 1, 1, 1, 1, 5 }, 2, 7)]
    [InlineData(new long[] { 5, 1, 1, 1, 1 }, 2, 5)]
    // Each task goes to the thread that frees first, not round robin (4 + 2 and 3 + 3): 4 + 3 on one, 3 + 2 on the other.
    [InlineData(new long[] { 4, 3, 2, 3 }, 2, 7)]
    [InlineData(new long[] { }, 4, 0)]
    public void MakespanHandsTasksOutInOrderToTheFirstFreeThread(long[] tasks, int threads, long expected)
    {
        Assert.Equal(expected, Workers.Makespan(tasks, threads));
    }

    [Fact]
    public void MakespanNeedsAThread()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Workers.Makespan([1, 2], 0));
    }

    [Fact]
    public void RecordedCallsRunEveryTaskOnTheCallingThreadAndReportEach()
    {
        int saved = Workers.Threads;
        var calls = new Calls();
        try
        {
            Workers.Threads = 8;
            Workers.Recorder = calls;
            var threadIds = new int[40];
            var hits = new int[5 * 50];
            fixed (int* p = threadIds, q = hits)
            {
                Workers.For(40, &RecordThread, p);
                // A For inside a task is part of that task: the recorder hears of the outer call only.
                Workers.For(5, &Outer, q);
                Assert.True(Workers.RunsInParallel);
            }
            Assert.All(threadIds, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.Equal([40, 5], calls.Ran.Select(c => c.Length));
            Assert.All(calls.Ran.SelectMany(c => c), ticks => Assert.True(ticks >= 0));
        }
        finally
        {
            Workers.Recorder = null;
            Workers.Threads = saved;
        }
        // Without a recorder the pool runs in parallel again and reports nothing.
        var more = new int[100];
        fixed (int* p = more)
        {
            Workers.For(100, &CountHit, p);
        }
        Assert.All(more, h => Assert.Equal(1, h));
        Assert.Equal(2, calls.Ran.Count);
    }

    [Fact]
    public void OnlyTheThreadThatSetARecorderIsTimed()
    {
        int saved = Workers.Threads;
        var calls = new Calls();
        try
        {
            Workers.Threads = 4;
            Workers.Recorder = calls;
            // Another thread, meanwhile: no recorder there, and its tasks run as ever.
            IWorkRecorder? seen = calls;
            var hits = new int[64];
            var other = new Thread(() =>
            {
                seen = Workers.Recorder;
                fixed (int* p = hits)
                {
                    Workers.For(64, &CountHit, p);
                }
            });
            other.Start();
            other.Join();
            Assert.Null(seen);
            Assert.All(hits, h => Assert.Equal(1, h));
            var mine = new int[8];
            fixed (int* p = mine)
            {
                Workers.For(8, &CountHit, p);
            }
        }
        finally
        {
            Workers.Recorder = null;
            Workers.Threads = saved;
        }
        Assert.Equal([8], calls.Ran.Select(c => c.Length));
    }

    private static void RecordThread(void* state, int i) => ((int*)state)[i] = Environment.CurrentManagedThreadId;

    private static void CountHit(void* state, int i) => Interlocked.Increment(ref ((int*)state)[i]);

    private static void Outer(void* state, int i) => Workers.For(50, &CountHit, (int*)state + i * 50);
}
