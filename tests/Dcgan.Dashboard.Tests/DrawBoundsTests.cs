// The dashboard's memory bounds: a few draws run at once server-wide, a bounded number wait, the rest get 503 with a
// Retry-After; the generator cache holds its capacity, and an evicted generator is reused by the next load.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using Dcgan.Training;

[Collection(RunsCollection.Name)]
public sealed class DrawBoundsTests(RunsFixture runs)
{
    [Fact]
    public async Task TheQueueRunsItsSlotsHoldsItsWaitersAndRefusesTheRest()
    {
        var queue = new DrawQueue(concurrent: 1, waiting: 1);
        var firstGate = new TaskCompletionSource<int>();
        var secondGate = new TaskCompletionSource<int>();
        var first = queue.RunAsync(() => firstGate.Task, CancellationToken.None);
        var second = queue.RunAsync(() => secondGate.Task, CancellationToken.None);
        Assert.Equal(1, queue.Running);
        Assert.Equal(2, queue.Admitted);

        var refused = await Assert.ThrowsAsync<ApiException>(() => queue.RunAsync(() => Task.FromResult(3), CancellationToken.None));
        Assert.Equal(503, refused.Status);
        Assert.Equal(DrawQueue.RetryAfterSeconds, refused.RetryAfterSeconds);
        Assert.Contains("busy", refused.Message);

        firstGate.SetResult(1);
        Assert.Equal(1, await first);
        secondGate.SetResult(2);
        Assert.Equal(2, await second);
        Assert.Equal(0, queue.Admitted);
        Assert.Equal(4, await queue.RunAsync(() => Task.FromResult(4), CancellationToken.None));
    }

    [Fact]
    public async Task AFullQueueAnswers503WithRetryAfter()
    {
        await using var dash = await TestDashboard.StartAsync(runs.RunsDir, o => o with { ConcurrentDraws = 1, QueuedDraws = 0 });
        var busy = new TaskCompletionSource<int>();
        var holder = dash.Api.Draws.RunAsync(() => busy.Task, CancellationToken.None);
        using (var refused = await dash.Client.GetAsync("/api/runs/good/generate?count=4"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(DrawQueue.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("busy drawing", await refused.Content.ReadAsStringAsync());
        }
        using (var walk = await dash.Client.GetAsync("/api/runs/good/interpolate?steps=3"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, walk.StatusCode);
        }
        busy.SetResult(0);
        await holder;
        using var served = await dash.Client.GetAsync("/api/runs/good/generate?count=4");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task ACrowdStaysWithinTheBounds()
    {
        const int cached = 1, concurrent = 2, queued = 3;
        await using var dash = await TestDashboard.StartAsync(runs.RunsDir,
            o => o with { CachedSamplers = cached, ConcurrentDraws = concurrent, QueuedDraws = queued });
        var api = dash.Api;
        int maxRunning = 0, maxAdmitted = 0, maxLoaded = 0;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                maxRunning = Math.Max(maxRunning, api.Draws.Running);
                maxAdmitted = Math.Max(maxAdmitted, api.Draws.Admitted);
                maxLoaded = Math.Max(maxLoaded, api.Samplers.Loaded);
                await Task.Delay(1);
            }
        });
        // The draw slots are held while the crowd arrives, so the queue fills and the rest are refused however fast this
        // machine draws (a crowd left to race could be served whole); then the queued draws run, as many at once as the
        // slots allow.
        var gates = Enumerable.Range(0, concurrent).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var holders = gates.Select(gate => api.Draws.RunAsync(() => gate.Task, CancellationToken.None)).ToList();
        // Two checkpoints with a cache of one: nearly every request loads, evicting the other's generator.
        var requests = Enumerable.Range(0, 24).Select(async i =>
        {
            using var r = await dash.Client.GetAsync($"/api/runs/good/generate?checkpoint=ckpt-{1 + (i % 2)}&count=16&seed={i}");
            return (r.StatusCode, HasRetryAfter: r.Headers.RetryAfter is not null);
        }).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (requests.Count(r => r.IsCompleted) < requests.Count - queued && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
        foreach (var gate in gates)
        {
            gate.SetResult(0);
        }
        await Task.WhenAll(holders);
        var answers = await Task.WhenAll(requests);
        stop.Cancel();
        await watch;

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable), a => Assert.True(a.HasRetryAfter));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.InRange(maxRunning, 1, concurrent);
        Assert.InRange(maxAdmitted, 1, concurrent + queued);
        // The cache's generators plus those still drawing after their eviction: never more than one per draw slot.
        Assert.InRange(maxLoaded, 1, cached + concurrent);
        Assert.Equal(cached + concurrent, api.Samplers.MaxLoaded);
        Assert.InRange(api.Samplers.Loaded, 1, api.Samplers.MaxLoaded);
        Assert.Equal(0, api.Draws.Admitted);
    }

    [Fact]
    public async Task EvictedGeneratorsAreReusedAndTheTotalStaysBounded()
    {
        var cache = new SamplerCache(capacity: 1, concurrent: 1);
        var run = new RunFolder(runs.Good);
        using var drawing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = Task.Run(() => cache.UseAsync(run.CheckpointPath(1), s =>
        {
            drawing.Set();
            release.Wait(TimeSpan.FromMinutes(1));
            return s.Generator;
        }, CancellationToken.None));
        Assert.True(drawing.Wait(TimeSpan.FromMinutes(1)));
        // Loading ckpt-2 evicts ckpt-1's entry while its request still draws with it: one generator each.
        var second = await cache.UseAsync(run.CheckpointPath(2), s => s.Generator, CancellationToken.None);
        Assert.Equal(1, cache.Count);
        Assert.Equal(2, cache.Loaded);
        Assert.Equal(cache.MaxLoaded, cache.Loaded);
        release.Set();
        var firstGenerator = await first;
        Assert.Equal(2, cache.Loaded);

        // Asked for again, ckpt-1 loads into an evicted generator instead of a new one, and loads it right.
        var (again, values) = await cache.UseAsync(run.CheckpointPath(1), s => (s.Generator, s.Generator.Network.Values.ToArray()), CancellationToken.None);
        Assert.True(ReferenceEquals(again, firstGenerator) || ReferenceEquals(again, second));
        Assert.Equal(2, cache.Loaded);
        Assert.True(Sampler.Open(run.CheckpointPath(1)).Generator.Network.Values.AsSpan().SequenceEqual(values));
    }
}
