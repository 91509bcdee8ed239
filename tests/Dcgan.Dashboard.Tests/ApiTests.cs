// Every endpoint of the dashboard against a real run folder (in-memory server): the good answers, and every
// kind of bad request and damaged run answered with a JSON error and a 4xx status, never a 500.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using System.Text.Json;

[Collection(RunsCollection.Name)]
public sealed class ApiTests(RunsFixture runs) : IAsyncLifetime
{
    private TestDashboard _dash = null!;

    public async Task InitializeAsync() => _dash = await TestDashboard.StartAsync(runs.RunsDir);

    public async Task DisposeAsync() => await _dash.DisposeAsync();

    [Fact]
    public async Task RunsListShowsEveryRunWithItsStatus()
    {
        var body = await _dash.Json("/api/runs");
        Assert.True(body.GetProperty("exists").GetBoolean());
        var list = body.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.DoesNotContain("linked-out", list.Keys); // a link to a run outside the folder is not a run here
        var good = list["good"];
        Assert.Equal("synthetic", good.GetProperty("dataset").GetString());
        Assert.Equal(2, good.GetProperty("epochs_done").GetInt32());
        Assert.Equal(2, good.GetProperty("epochs_total").GetInt32());
        Assert.Equal("finished", good.GetProperty("status").GetString());
        Assert.True(good.GetProperty("g_loss").GetDouble() > 0);
        Assert.True(good.GetProperty("d_loss").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, good.GetProperty("fid").ValueKind);
        Assert.Equal(2, good.GetProperty("checkpoints").GetInt32());
        var broken = list["broken"];
        Assert.Equal("damaged", broken.GetProperty("status").GetString());
        Assert.Contains("config.json", broken.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RunDetailHasConfigGridsAndLimits()
    {
        var body = await _dash.Json("/api/runs/good");
        Assert.Equal(2, body.GetProperty("config").GetProperty("epochs").GetInt32());
        Assert.Equal([1, 2], body.GetProperty("sample_epochs").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.True(body.GetProperty("has_histogram").GetBoolean());
        Assert.False(body.GetProperty("conditional").GetBoolean());
        Assert.Equal(256, body.GetProperty("limits").GetProperty("max_count").GetInt32());
        Assert.Equal(16, body.GetProperty("run").GetProperty("version").GetString()!.Length);
    }

    [Fact]
    public async Task DamagedRunsShowTheirProblemInsteadOfFailing()
    {
        var broken = await _dash.Json("/api/runs/broken");
        Assert.Equal("damaged", broken.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, broken.GetProperty("config").ValueKind);
        Assert.Equal(0, (await _dash.Json("/api/runs/broken/metrics")).GetProperty("epochs").GetArrayLength());
        await _dash.Error("/api/runs/broken/generate", HttpStatusCode.NotFound, "no checkpoint");
        await _dash.Error("/api/runs/broken/histogram.svg", HttpStatusCode.NotFound, "d_hist.svg");

        var metrics = await _dash.Json("/api/runs/damaged/metrics");
        Assert.Equal(2, metrics.GetProperty("epochs").GetArrayLength()); // the half-written last line is left out
        Assert.Equal(1, metrics.GetProperty("skipped_lines").GetInt32());
        var checkpoints = (await _dash.Json("/api/runs/damaged/checkpoints")).GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, checkpoints[0].GetProperty("error").ValueKind);
        string error = checkpoints[1].GetProperty("error").GetString()!;
        Assert.Contains("damaged", error);
        Assert.DoesNotContain(runs.Root, error);

        string message = await _dash.Error("/api/runs/damaged/generate", HttpStatusCode.UnprocessableEntity, "checksum");
        Assert.DoesNotContain(runs.Root, message);
        using var older = await _dash.Client.GetAsync("/api/runs/damaged/generate?checkpoint=ckpt-1&count=4");
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
    }

    [Fact]
    public async Task MetricsAndCheckpointsOfAGoodRun()
    {
        var epochs = (await _dash.Json("/api/runs/good/metrics")).GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal([1, 2], epochs.Select(e => e.GetProperty("epoch").GetInt32()).ToArray());
        Assert.True(epochs[0].GetProperty("seconds").GetDouble() > 0);
        var checkpoints = (await _dash.Json("/api/runs/good/checkpoints")).GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal(["ckpt-1", "ckpt-2"], checkpoints.Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([1, 2], checkpoints.Select(c => c.GetProperty("epoch").GetInt32()).ToArray());
    }

    [Fact]
    public async Task EpochGridsAndHistogramAreServed()
    {
        using var png = await _dash.Client.GetAsync("/api/runs/good/samples/2.png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(Path.Combine(runs.Good, "samples", "image_at_epoch_0002.png")), await png.Content.ReadAsByteArrayAsync());
        using var svg = await _dash.Client.GetAsync("/api/runs/good/histogram.svg?v=abc");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", svg.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", svg.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/api/runs/good/samples/0.png", HttpStatusCode.BadRequest, "epoch must be")]
    [InlineData("/api/runs/good/samples/abc.png", HttpStatusCode.BadRequest, "epoch must be")]
    [InlineData("/api/runs/good/samples/-1.png", HttpStatusCode.BadRequest, "epoch must be")]
    [InlineData("/api/runs/good/samples/123456789012.png", HttpStatusCode.BadRequest, "epoch must be")]
    [InlineData("/api/runs/good/samples/3.png", HttpStatusCode.NotFound, "grid of epoch 3")]
    [InlineData("/api/runs/good/samples/99.png", HttpStatusCode.NotFound, "grid of epoch 99")] // a link to a file outside
    [InlineData("/api/runs/good/samples/1.png?x=1", HttpStatusCode.BadRequest, "unknown parameter 'x'")]
    [InlineData("/api/runs/nope", HttpStatusCode.NotFound, "no run 'nope'")]
    [InlineData("/api/runs/linked-out", HttpStatusCode.NotFound, "no run 'linked-out'")]
    [InlineData("/api/runs/linked-out/generate", HttpStatusCode.NotFound, "no run")]
    [InlineData("/api/runs/%2e%2e", HttpStatusCode.NotFound, "no endpoint")] // the client folds %2e%2e away; RawHttpTests sends it as is
    [InlineData("/api/runs/%2e%2e/metrics", HttpStatusCode.NotFound, "no endpoint")]
    [InlineData("/api/runs/..%2fsecret.txt/metrics", HttpStatusCode.BadRequest, "run names")]
    [InlineData("/api/runs/%2ftmp/metrics", HttpStatusCode.BadRequest, "run names")]
    [InlineData("/api/runs/.hidden", HttpStatusCode.BadRequest, "run names")]
    [InlineData("/api/runs/-x", HttpStatusCode.BadRequest, "run names")]
    [InlineData("/api/runs/a%20b", HttpStatusCode.BadRequest, "run names")]
    [InlineData("/api/runs/good/nothing", HttpStatusCode.NotFound, "no endpoint")]
    [InlineData("/api/nothing", HttpStatusCode.NotFound, "no endpoint")]
    [InlineData("/nothing.html", HttpStatusCode.NotFound, "no page")]
    [InlineData("/api/runs?limit=3", HttpStatusCode.BadRequest, "unknown parameter")]
    public async Task BadPathsGetJsonErrors(string path, HttpStatusCode status, string message)
        => await _dash.Error(path, status, message);

    [Fact]
    public async Task LongRunNamesAreRefused() => await _dash.Error("/api/runs/" + new string('a', 200), HttpStatusCode.BadRequest, "run names");

    [Fact]
    public async Task GenerateDrawsAGridThatDependsOnlyOnTheSeed()
    {
        async Task<(byte[] Png, HttpResponseMessage Response)> Get(string q)
        {
            var response = await _dash.Client.GetAsync("/api/runs/good/generate?" + q);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadAsByteArrayAsync(), response);
        }
        var (a, response) = await Get("seed=7&count=64");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("8", response.Headers.GetValues("X-Grid-Rows").Single());
        Assert.Equal("8", response.Headers.GetValues("X-Grid-Cols").Single());
        Assert.Equal("ckpt-2", response.Headers.GetValues("X-Checkpoint").Single());
        Assert.StartsWith("draw;dur=", response.Headers.GetValues("Server-Timing").Single());
        var tiles = new PngTiles(a);
        Assert.Equal((8 * 56) + (9 * 2), tiles.Width); // scale 2 by default: 28 px tiles drawn at 56 px
        var (again, _) = await Get("seed=7&count=64");
        var (other, _) = await Get("seed=8&count=64");
        Assert.Equal(a, again);
        Assert.NotEqual(a, other);
        var (older, olderResponse) = await Get("seed=7&count=64&checkpoint=ckpt-1");
        Assert.Equal("ckpt-1", olderResponse.Headers.GetValues("X-Checkpoint").Single());
        Assert.NotEqual(a, older);
        var (small, _) = await Get("seed=0&count=3&scale=1");
        Assert.Equal((2 * 28) + (3 * 2), new PngTiles(small).Width);
        var (latest, _) = await Get("checkpoint=latest&count=1&seed=4294967295&scale=4");
        Assert.Equal(112 + 4, new PngTiles(latest).Width);
    }

    [Theory]
    [InlineData("count=0", "'count' must be a whole number from 1 to 256")]
    [InlineData("count=257", "'count' must be a whole number from 1 to 256")]
    [InlineData("count=-1", "'count'")]
    [InlineData("count=1e3", "'count'")]
    [InlineData("count=", "'count'")]
    [InlineData("count=99999999999999999999999", "'count'")]
    [InlineData("seed=-1", "'seed' must be a whole number from 0 to 4294967295")]
    [InlineData("seed=4294967296", "'seed'")]
    [InlineData("seed=1.5", "'seed'")]
    [InlineData("seed=abc", "'seed'")]
    [InlineData("scale=0", "'scale' must be a whole number from 1 to 4")]
    [InlineData("scale=5", "'scale'")]
    [InlineData("checkpoint=../../secret.txt", "'checkpoint' must be 'latest' or a name like ckpt-3")]
    [InlineData("checkpoint=%2Ftmp%2Fx.dcgan", "'checkpoint' must be")]
    [InlineData("checkpoint=ckpt-1.dcgan", "'checkpoint' must be")]
    [InlineData("count=1&count=2", "given 2 times")]
    [InlineData("n=5", "unknown parameter 'n'")]
    [InlineData("label=3", "not conditional")]
    public async Task GenerateRefusesBadParameters(string query, string message)
        => await _dash.Error("/api/runs/good/generate?" + query, HttpStatusCode.BadRequest, message);

    [Fact]
    public async Task GenerateOfAMissingCheckpointIs404() => await _dash.Error("/api/runs/good/generate?checkpoint=ckpt-9", HttpStatusCode.NotFound, "checkpoint ckpt-9");

    [Fact]
    public async Task InterpolateWalksFromOneGridTileToAnother()
    {
        using var grid = await _dash.Client.GetAsync("/api/runs/good/generate?seed=11&count=4&scale=1");
        var tiles = new PngTiles(await grid.Content.ReadAsByteArrayAsync());
        using var walk = await _dash.Client.GetAsync("/api/runs/good/interpolate?seed=11&count=4&from=2&to=3&steps=5&scale=1");
        Assert.Equal(HttpStatusCode.OK, walk.StatusCode);
        Assert.Equal("1", walk.Headers.GetValues("X-Grid-Rows").Single());
        Assert.Equal("5", walk.Headers.GetValues("X-Grid-Cols").Single());
        var strip = new PngTiles(await walk.Content.ReadAsByteArrayAsync());
        Assert.Equal((5 * 28) + (6 * 2), strip.Width);
        Assert.Equal(28 + 4, strip.Height);
        // The ends of the walk are the grid's samples 2 and 3 (a batch of another size may round a gray level differently).
        AssertClose(tiles.Tile(2, cols: 2, tile: 28), strip.Tile(0, cols: 5, tile: 28));
        AssertClose(tiles.Tile(3, cols: 2, tile: 28), strip.Tile(4, cols: 5, tile: 28));
        Assert.NotEqual(strip.Tile(0, 5, 28), strip.Tile(2, 5, 28));
    }

    [Theory]
    [InlineData("from=4&count=4", "'from' must be a whole number from 0 to 3")]
    [InlineData("to=64", "'to' must be a whole number from 0 to 63")]
    [InlineData("steps=1", "'steps' must be a whole number from 2 to 32")]
    [InlineData("steps=33", "'steps'")]
    [InlineData("steps=1000000", "'steps'")]
    [InlineData("count=300", "'count'")]
    [InlineData("label=1", "not conditional")]
    [InlineData("checkpoint=ckpt-x", "'checkpoint'")]
    [InlineData("what=1", "unknown parameter")]
    public async Task InterpolateRefusesBadParameters(string query, string message)
        => await _dash.Error("/api/runs/good/interpolate?" + query, HttpStatusCode.BadRequest, message);

    [Fact]
    public async Task ConcurrentDrawsFromOneGeneratorAgree()
    {
        var requests = Enumerable.Range(0, 8).Select(i => _dash.Client.GetByteArrayAsync($"/api/runs/good/generate?count=16&seed={i % 2}")).ToList();
        var results = await Task.WhenAll(requests);
        for (int i = 2; i < results.Length; i++)
        {
            Assert.Equal(results[i % 2], results[i]);
        }
        Assert.NotEqual(results[0], results[1]);
    }

    [Theory]
    [InlineData("POST", "/api/runs")]
    [InlineData("PUT", "/api/runs/good")]
    [InlineData("DELETE", "/api/runs/good")]
    [InlineData("DELETE", "/api/runs/good/checkpoints")]
    [InlineData("POST", "/api/runs/good/generate")]
    [InlineData("PATCH", "/api/runs/good/samples/1.png")]
    [InlineData("POST", "/")]
    public async Task OnlyGetIsAnswered(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };
        using var response = await _dash.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("read-only", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServingChangesNothingInTheRunsFolder()
    {
        static string Snapshot(string dir) => string.Join('\n', Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order()
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : 0)} {File.GetLastWriteTimeUtc(p).Ticks}"));
        string before = Snapshot(runs.Good);
        foreach (string path in new[] { "/api/runs", "/api/runs/good", "/api/runs/good/metrics", "/api/runs/good/checkpoints", "/api/runs/good/samples/1.png",
            "/api/runs/good/histogram.svg", "/api/runs/good/generate?count=4", "/api/runs/good/interpolate?steps=3", "/" })
        {
            using var response = await _dash.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(before, Snapshot(runs.Good));
    }

    [Fact]
    public async Task ThePageAndItsAssetsAreServedWithAStrictPolicy()
    {
        using var page = await _dash.Client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/app.js", await page.Content.ReadAsStringAsync());
        string policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        foreach (var (path, type) in new[] { ("/app.js", "text/javascript"), ("/app.css", "text/css"), ("/favicon.svg", "image/svg+xml"), ("/index.html", "text/html") })
        {
            using var asset = await _dash.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task AnotherHostNameIsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Host = "attacker.example";
        using var response = await _dash.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static void AssertClose(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 2, $"tiles differ by up to {worst} gray levels");
    }
}
