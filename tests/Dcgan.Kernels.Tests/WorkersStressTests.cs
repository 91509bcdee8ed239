// Stress test of the worker pool (Workers.cs): tens of thousands of back-to-back jobs whose task counts go up and down
// from one job to the next, on as many threads as cores and on more, from one caller and from two at once. It guards
// the race fixed by closing a finished job's ticket: a helper that read the exhausted ticket and then the next job's
// larger count could claim a phantom task of the next job and count it off twice, so For returned while a task still ran.
// With the ticket-closing line removed from Workers.For, every one of 28 runs of this class failed on 2 cores (108 of
// 112 cases, most within the first few thousand jobs); with it, the class passes in well under a second.
namespace Dcgan.Kernels.Tests;

[Collection(WorkersCollection.Name)]
public unsafe class WorkersStressTests
{
    /// <summary>The largest task count of a job; small and larger counts alternate up to it.</summary>
    private const int MaxCount = 17;

    /// <summary>Hit counters per caller: more than <see cref="MaxCount"/>, so a stray index past a job's count lands in one.</summary>
    private const int Slots = 32;

    /// <summary>Jobs per test case, split between the callers.</summary>
    private const int Jobs = 40_000;

    /// <summary>One caller's job state: how many of its tasks run right now, how often each index ran, how long tasks spin.</summary>
    private struct Probe
    {
        public int InFlight;
        public int Spin;
        public fixed int Hits[Slots];
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void BackToBackJobsRunEveryTaskOnceAndFinishBeforeReturning(int threads, int callers)
    {
        int saved = Workers.Threads;
        // Pinned for good, not only inside `fixed`: a phantom task that outlives its job still writes into live memory.
        var probes = GC.AllocateArray<Probe>(callers, pinned: true);
        var failures = new string?[callers];
        try
        {
            Workers.Threads = threads;
            fixed (Probe* first = probes)
            {
                Probe* basePtr = first;
                var others = new Thread[callers - 1];
                for (int c = 1; c < callers; c++)
                {
                    int caller = c;
                    others[c - 1] = new Thread(() => failures[caller] = RunJobs(basePtr + caller, caller, Jobs / callers))
                    {
                        IsBackground = true,
                        Name = $"workers-stress-caller-{caller}",
                    };
                    others[c - 1].Start();
                }
                failures[0] = RunJobs(basePtr, 0, Jobs / callers);
                foreach (var t in others)
                {
                    Assert.True(t.Join(TimeSpan.FromMinutes(1)), "a caller thread did not finish");
                }
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
        for (int c = 0; c < callers; c++)
        {
            Assert.True(failures[c] is null, $"threads {threads}, caller {c} of {callers}: {failures[c]}");
        }
    }

    /// <summary>
    /// Runs <paramref name="jobs"/> jobs with alternating small (1-4) and larger (5-17) task counts and checks after
    /// each that no task still runs, every index below the count ran once and none at or past it ran.
    /// </summary>
    /// <returns>Null, or what the first wrong job saw.</returns>
    private static string? RunJobs(Probe* probe, int caller, int jobs)
    {
        var random = new Random(1234 + caller);
        for (int job = 0; job < jobs; job++)
        {
            int count = job % 2 == 0 ? 1 + random.Next(4) : 5 + random.Next(MaxCount - 4);
            // Tasks of some jobs spin a little, so helpers are still busy when the next job begins.
            probe->Spin = random.Next(4) == 0 ? random.Next(64) : 0;
            Workers.For(count, &CountTask, probe);

            int inFlight = Volatile.Read(ref probe->InFlight);
            if (inFlight != 0)
            {
                return $"job {job} (count {count}): For returned while {inFlight} task(s) still ran";
            }
            for (int i = 0; i < Slots; i++)
            {
                int expected = i < count ? 1 : 0;
                int hits = Volatile.Read(ref probe->Hits[i]);
                if (hits != expected)
                {
                    return $"job {job} (count {count}): index {i} ran {hits} times, expected {expected}";
                }
                probe->Hits[i] = 0;
            }
        }
        return null;
    }

    private static void CountTask(void* state, int i)
    {
        var probe = (Probe*)state;
        Interlocked.Increment(ref probe->InFlight);
        Interlocked.Increment(ref probe->Hits[i]);
        if (probe->Spin > 0)
        {
            Thread.SpinWait(probe->Spin);
        }
        Interlocked.Decrement(ref probe->InFlight);
    }
}
