// The bound on drawing: loading a generator and drawing a grid take tens to hundreds of MB and most of the CPU, so a
// few run at once across the whole server, a bounded number wait their turn, and the rest are told to come back.
namespace Dcgan.Dashboard;

using Microsoft.AspNetCore.Http;

/// <summary>Runs at most <c>concurrent</c> draws at once with at most <c>waiting</c> more queued; beyond that, HTTP 503.</summary>
internal sealed class DrawQueue
{
    /// <summary>What a refused request is told to wait before asking again (Retry-After).</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Allocation between the full collections that draws ask for (see <see cref="CollectDrawGarbage"/>).</summary>
    public const long GarbageBudget = 256L << 20;

    private long _collectedAt;

    private readonly SemaphoreSlim _slots;
    private readonly int _concurrent;
    private readonly int _capacity;
    private int _admitted;
    private int _running;

    public DrawQueue(int concurrent, int waiting)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(waiting);
        _concurrent = concurrent;
        _capacity = concurrent + waiting;
        _slots = new SemaphoreSlim(concurrent, concurrent);
    }

    /// <summary>Draws running now (for tests).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Draws admitted: running plus waiting (for tests).</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>
    /// Runs <paramref name="work"/> when a slot is free; throws an <see cref="ApiException"/> with 503 and a Retry-After
    /// at once when the queue is full, so a crowd of clients costs waiting requests, not memory.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancel)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            throw new ApiException(StatusCodes.Status503ServiceUnavailable,
                $"the server is busy drawing ({_concurrent} at a time, {_capacity - _concurrent} waiting); try again in a moment")
            {
                RetryAfterSeconds = RetryAfterSeconds,
            };
        }
        try
        {
            await _slots.WaitAsync(cancel).ConfigureAwait(false);
            Interlocked.Increment(ref _running);
            try
            {
                return await work().ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                _slots.Release();
                CollectDrawGarbage();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    /// <summary>
    /// A draw leaves several MB of arrays behind (the images, the grid, its PNG), all on the large object heap, which
    /// the runtime collects only with generation 2 and on a budget that grows with the live heap: under a steady crowd
    /// that garbage reached gigabytes before a collection came. A full collection after every <see cref="GarbageBudget"/>
    /// of allocation keeps the heap near what is alive (the generators), for a few ms each time.
    /// </summary>
    private void CollectDrawGarbage()
    {
        long allocated = GC.GetTotalAllocatedBytes();
        long last = Volatile.Read(ref _collectedAt);
        if (allocated - last > GarbageBudget && Interlocked.CompareExchange(ref _collectedAt, allocated, last) == last)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        }
    }
}
