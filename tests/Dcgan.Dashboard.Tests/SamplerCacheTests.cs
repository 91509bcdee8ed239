// The generator cache holds at most its capacity, reloads a rewritten checkpoint, and keeps no failed load.
namespace Dcgan.Dashboard.Tests;

using Dcgan.Training;

[Collection(RunsCollection.Name)]
public sealed class SamplerCacheTests(RunsFixture runs)
{
    [Fact]
    public async Task HoldsAtMostItsCapacity()
    {
        var cache = new SamplerCache(capacity: 1);
        var run = new RunFolder(runs.Good);
        string first = await cache.UseAsync(run.CheckpointPath(1), s => s.CheckpointPath, CancellationToken.None);
        string second = await cache.UseAsync(run.CheckpointPath(2), s => s.CheckpointPath, CancellationToken.None);
        Assert.EndsWith("ckpt-1.dcgan", first);
        Assert.EndsWith("ckpt-2.dcgan", second);
        Assert.Equal(1, cache.Count);
        Assert.Equal(1, cache.Loaded);
    }

    [Fact]
    public async Task AFailedLoadIsNotKept()
    {
        var cache = new SamplerCache(capacity: 4);
        string damaged = new RunFolder(runs.Damaged).CheckpointPath(2);
        await Assert.ThrowsAsync<CheckpointException>(() => cache.UseAsync(damaged, s => 0, CancellationToken.None));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Loaded);
    }
}
