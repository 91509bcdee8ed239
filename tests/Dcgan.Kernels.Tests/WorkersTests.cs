// Tests of the worker pool (Workers.cs): every task index runs exactly once for any thread count, and a failing task's
// exception reaches the caller without breaking the pool.
namespace Dcgan.Kernels.Tests;

/// <summary>
/// The classes that change the global <see cref="Workers.Threads"/>: they run alone, never beside another test, so none
/// of them silently runs at a thread count another test set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class WorkersCollection
{
    public const string Name = "Workers";
}

[Collection(WorkersCollection.Name)]
public unsafe class WorkersTests
{
    [Fact]
    public void RunsInParallelOnlyOutsideTasksWithMoreThanOneThread()
    {
        int saved = Workers.Threads;
        try
        {
            Workers.Threads = 1;
            Assert.False(Workers.RunsInParallel);
            Workers.Threads = 2;
            Assert.True(Workers.RunsInParallel);
            // Inside a task a nested For runs inline, so the GEMM does not split its blocks there.
            var seen = new int[8];
            fixed (int* p = seen)
            {
                Workers.For(8, &RecordParallel, p);
            }
            Assert.All(seen, v => Assert.Equal(2, v));
            Assert.True(Workers.RunsInParallel);
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    private static void RecordParallel(void* state, int i) => ((int*)state)[i] = Workers.RunsInParallel ? 1 : 2;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 1000)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 1001)]
    [InlineData(4, 333)]
    public void EveryIndexRunsExactlyOnce(int threads, int count)
    {
        int saved = Workers.Threads;
        try
        {
            Workers.Threads = threads;
            for (int round = 0; round < 20; round++)
            {
                var hits = new int[count];
                fixed (int* p = hits)
                {
                    Workers.For(count, &CountHit, p);
                }
                for (int i = 0; i < count; i++)
                {
                    Assert.True(hits[i] == 1, $"index {i} ran {hits[i]} times (threads {threads}, round {round})");
                }
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Fact]
    public void ZeroCountRunsNothing()
    {
        int calls = 0;
        Workers.For(0, &CountHit, &calls);
        Workers.For(-3, &CountHit, &calls);
        Assert.Equal(0, calls);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TaskExceptionPropagatesAndPoolSurvives(int threads)
    {
        int saved = Workers.Threads;
        try
        {
            Workers.Threads = threads;
            var ex = Assert.ThrowsAny<Exception>(RunFailing);
            var inner = ex is AggregateException agg ? agg.InnerException : ex;
            Assert.IsType<InvalidOperationException>(inner);
            Assert.Contains("task 37", inner!.Message);

            var hits = new int[500];
            fixed (int* p = hits)
            {
                Workers.For(hits.Length, &CountHit, p);
            }
            Assert.All(hits, h => Assert.Equal(1, h));
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Fact]
    public void NestedCallsRunInline()
    {
        int saved = Workers.Threads;
        try
        {
            Workers.Threads = 2;
            var hits = new int[8 * 50];
            fixed (int* p = hits)
            {
                Workers.For(8, &Outer, p);
            }
            Assert.All(hits, h => Assert.Equal(1, h));
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Fact]
    public void ThreadCountMustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Workers.Threads = 0);
    }

    private static void RunFailing()
    {
        int failAt = 37;
        Workers.For(100, &Fail, &failAt);
    }

    private static void CountHit(void* state, int i) => Interlocked.Increment(ref ((int*)state)[i]);

    private static void Fail(void* state, int i)
    {
        if (i == *(int*)state)
        {
            throw new InvalidOperationException($"task {i} failed on purpose");
        }
    }

    private static void Outer(void* state, int i) => Workers.For(50, &CountHit, (int*)state + i * 50);
}
