// The HTTP surface: the page, JSON about runs, their pictures, fresh samples and latent walks, and an event
// stream that says when a run changed. Everything is GET; nothing here writes to the runs folder.
namespace Dcgan.Dashboard;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dcgan.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

/// <summary>Maps the dashboard's endpoints onto a web application.</summary>
internal sealed partial class DashboardApi
{
    /// <summary>Most images in one generated grid (16 x 16 tiles).</summary>
    public const int MaxCount = 256;

    /// <summary>Most images in one latent walk.</summary>
    public const int MaxSteps = 32;

    /// <summary>Largest tile enlargement: 28 px digits become at most 112 px.</summary>
    public const int MaxScale = 4;

    /// <summary>Event streams open at once; each polls its run folder once a second.</summary>
    public const int MaxEventStreams = 32;

    // The page's policy: only its own script, style and images (blob: for generated pictures), no framing.
    public const string PagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // Everything else is data: nothing in it may run, and SVG plots may only use their own inline styles.
    public const string DataPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    // Relaxed escaping keeps quotes in messages readable; every response is application/json with nosniff.
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly DashboardOptions _options;
    private readonly RunCatalog _catalog;
    private readonly SamplerCache _samplers;
    private readonly DrawQueue _draws;
    private readonly ConcurrentDictionary<string, (int? Epoch, string? Error)> _headers = new(StringComparer.Ordinal);
    private int _eventStreams;

    public DashboardApi(DashboardOptions options)
    {
        _options = options;
        _catalog = new RunCatalog(options.RunsDir);
        _samplers = new SamplerCache(options.CachedSamplers, options.ConcurrentDraws);
        _draws = new DrawQueue(options.ConcurrentDraws, options.QueuedDraws);
    }

    public RunCatalog Catalog => _catalog;

    /// <summary>The loaded generators (for tests).</summary>
    public SamplerCache Samplers => _samplers;

    /// <summary>The bound on draws (for tests).</summary>
    public DrawQueue Draws => _draws;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs", ListRuns);
        app.MapGet("/api/runs/{run}", RunDetail);
        app.MapGet("/api/runs/{run}/metrics", Metrics);
        app.MapGet("/api/runs/{run}/checkpoints", Checkpoints);
        app.MapGet("/api/runs/{run}/samples/{epoch}.png", SampleImage);
        app.MapGet("/api/runs/{run}/histogram.svg", Histogram);
        app.MapGet("/api/runs/{run}/generate", Generate);
        app.MapGet("/api/runs/{run}/interpolate", Interpolate);
        app.MapGet("/api/runs/{run}/events", Events);
        app.MapGet("/{**path}", Asset);
    }

    private IResult ListRuns(HttpContext http)
    {
        _ = new QueryReader(http.Request.Query);
        var runs = new List<RunSummary>();
        foreach (string name in _catalog.Names())
        {
            runs.Add(RunReader.Summarize(name, new RunFolder(_catalog.IsSingleRun ? _catalog.Root : Path.Join(_catalog.Root, name)), _options.TrainingWindow));
        }
        return Results.Json(new { RunsDir = _catalog.Root, Exists = Directory.Exists(_catalog.Root), SingleRun = _catalog.IsSingleRun, Runs = runs }, Json);
    }

    private IResult RunDetail(HttpContext http, string run)
    {
        _ = new QueryReader(http.Request.Query);
        var folder = _catalog.Open(run);
        var summary = RunReader.Summarize(run, folder, _options.TrainingWindow);
        JsonObject? config = null;
        if (summary.Error is null)
        {
            config = RunReader.ReadConfig(folder);
        }
        return Results.Json(new
        {
            Run = summary,
            Config = config,
            // Settings config.json lacks (it predates them), with the values the run loads with.
            ConfigDefaults = config is null ? null : RunReader.LoadedDefaults(config),
            Conditional = IsConditional(config),
            SampleEpochs = SampleEpochs(folder, _catalog.RealRoot),
            HasHistogram = File.Exists(folder.HistogramPath),
            Limits = new { MaxCount, MaxSteps, MaxScale },
        }, Json);
    }

    private IResult Metrics(HttpContext http, string run)
    {
        _ = new QueryReader(http.Request.Query);
        var folder = _catalog.Open(run);
        var (epochs, skipped) = RunReader.ReadMetrics(folder);
        return Results.Json(new { Epochs = epochs, SkippedLines = skipped }, Json);
    }

    private IResult Checkpoints(HttpContext http, string run)
    {
        _ = new QueryReader(http.Request.Query);
        var folder = _catalog.Open(run);
        var list = new List<object>();
        foreach (var (index, path) in folder.Checkpoints())
        {
            var info = new FileInfo(path);
            if (!SafePath.IsInside(_catalog.RealRoot, path))
            {
                continue;
            }
            var (epoch, error) = Header(info);
            list.Add(new { Name = $"ckpt-{index}", Index = index, Epoch = epoch, Bytes = info.Length, Modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), Error = error });
        }
        return Results.Json(new { Checkpoints = list }, Json);
    }

    private IResult SampleImage(HttpContext http, string run, string epoch)
    {
        _ = new QueryReader(http.Request.Query, "v");
        var folder = _catalog.Open(run);
        if (!int.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 99_999_999)
        {
            throw ApiException.BadRequest($"epoch must be a whole number from 1 to 99999999, got '{(epoch.Length > 20 ? epoch[..20] + "..." : epoch)}'");
        }
        string path = _catalog.ServedFile(folder.SamplePath(n), $"grid of epoch {n}");
        return Results.Bytes(File.ReadAllBytes(path), "image/png");
    }

    private IResult Histogram(HttpContext http, string run)
    {
        // v: the run's version, only there so the browser fetches a new plot after each epoch.
        _ = new QueryReader(http.Request.Query, "v");
        var folder = _catalog.Open(run);
        string path = _catalog.ServedFile(folder.HistogramPath, "d_hist.svg");
        return Results.Bytes(File.ReadAllBytes(path), "image/svg+xml");
    }

    private async Task<IResult> Generate(HttpContext http, string run)
    {
        var q = new QueryReader(http.Request.Query, "checkpoint", "seed", "count", "scale", "label");
        var folder = _catalog.Open(run);
        int count = (int)q.Integer("count", 64, 1, MaxCount);
        ulong seed = (ulong)q.Integer("seed", 0, 0, uint.MaxValue);
        int scale = (int)q.Integer("scale", 2, 1, MaxScale);
        string checkpoint = CheckpointFor(folder, q);
        int? label = CheckLabel(folder, run, q);
        var (rows, cols) = Imaging.SampleGrid.SquareLayout(count);
        var (png, drawMs) = await Timed(checkpoint, s => SampleRenderer.Grid(s, count, seed, scale, label, _options.DrawBatch), http.RequestAborted);
        return Picture(http, png, drawMs, rows, cols, checkpoint, seed);
    }

    private async Task<IResult> Interpolate(HttpContext http, string run)
    {
        var q = new QueryReader(http.Request.Query, "checkpoint", "seed", "count", "from", "to", "steps", "scale", "label");
        var folder = _catalog.Open(run);
        int count = (int)q.Integer("count", 64, 1, MaxCount);
        ulong seed = (ulong)q.Integer("seed", 0, 0, uint.MaxValue);
        int from = (int)q.Integer("from", 0, 0, count - 1);
        int to = (int)q.Integer("to", Math.Min(1, count - 1), 0, count - 1);
        int steps = (int)q.Integer("steps", 10, 2, MaxSteps);
        int scale = (int)q.Integer("scale", 2, 1, MaxScale);
        string checkpoint = CheckpointFor(folder, q);
        int? label = CheckLabel(folder, run, q);
        var (png, drawMs) = await Timed(checkpoint, s => SampleRenderer.Walk(s, count, seed, from, to, steps, scale, label), http.RequestAborted);
        return Picture(http, png, drawMs, 1, steps, checkpoint, seed);
    }

    private async Task Events(HttpContext http, string run, IHostApplicationLifetime lifetime)
    {
        _ = new QueryReader(http.Request.Query);
        var folder = _catalog.Open(run);
        if (Interlocked.Increment(ref _eventStreams) > MaxEventStreams)
        {
            Interlocked.Decrement(ref _eventStreams);
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"too many open event streams (at most {MaxEventStreams}); the page falls back to polling");
        }
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await Send(http, "retry: 3000\n\n", stop.Token);
            string? last = null;
            var quiet = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                string version = RunReader.Version(folder);
                if (version != last)
                {
                    last = version;
                    await Send(http, $"event: version\ndata: {{\"version\":\"{version}\"}}\n\n", stop.Token);
                    quiet.Restart();
                }
                else if (quiet.Elapsed > TimeSpan.FromSeconds(15))
                {
                    // A comment line keeps proxies and the browser from timing the stream out.
                    await Send(http, ": keep-alive\n\n", stop.Token);
                    quiet.Restart();
                }
                await Task.Delay(_options.WatchInterval, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away or the server is stopping: the stream just ends.
        }
        finally
        {
            Interlocked.Decrement(ref _eventStreams);
        }
    }

    private static IResult Asset(HttpContext http, string? path)
    {
        _ = new QueryReader(http.Request.Query);
        string url = "/" + (path ?? "");
        if (url.StartsWith("/api/", StringComparison.Ordinal) || url == "/api")
        {
            throw ApiException.NotFound($"no endpoint {Clip(url)}");
        }
        if (!EmbeddedAssets.TryGet(url, out byte[] bytes, out string type))
        {
            throw ApiException.NotFound($"no page {Clip(url)}");
        }
        http.Response.Headers.ContentSecurityPolicy = PagePolicy;
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, type);
    }

    /// <summary>Draws through the server-wide queue: loading and drawing are where the memory and the CPU go.</summary>
    private Task<(byte[] Png, double Milliseconds)> Timed(string checkpoint, Func<Sampler, byte[]> draw, CancellationToken cancel)
    {
        return _draws.RunAsync(() => _samplers.UseAsync(checkpoint, s =>
        {
            long start = Stopwatch.GetTimestamp();
            byte[] png = draw(s);
            return (png, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }, cancel), cancel);
    }

    private static IResult Picture(HttpContext http, byte[] png, double drawMs, int rows, int cols, string checkpoint, ulong seed)
    {
        var h = http.Response.Headers;
        // The page maps clicks to tiles with these, and the benchmark reads the server-side time.
        h["X-Grid-Rows"] = rows.ToString(CultureInfo.InvariantCulture);
        h["X-Grid-Cols"] = cols.ToString(CultureInfo.InvariantCulture);
        h["X-Grid-Gutter"] = SampleRenderer.Gutter.ToString(CultureInfo.InvariantCulture);
        h["X-Checkpoint"] = Path.GetFileNameWithoutExtension(checkpoint);
        h["X-Seed"] = seed.ToString(CultureInfo.InvariantCulture);
        h["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"draw;dur={drawMs:0.0}");
        h.CacheControl = "no-store";
        return Results.Bytes(png, "image/png");
    }

    /// <summary>The checkpoint a request names ("ckpt-N"), or the run's latest when it names none or "latest".</summary>
    private string CheckpointFor(RunFolder folder, QueryReader q)
    {
        string? name = q.Text("checkpoint");
        var all = folder.Checkpoints();
        if (name is null or "" or "latest")
        {
            return all.Count == 0
                ? throw ApiException.NotFound("this run has no checkpoint yet (one is written every --checkpoint-every epochs and at the end)")
                : _catalog.ServedFile(all[^1].Path, "latest checkpoint");
        }
        var m = CheckpointName().Match(name);
        if (!m.Success)
        {
            throw ApiException.BadRequest($"'checkpoint' must be 'latest' or a name like ckpt-3, got '{Clip(name)}'");
        }
        int index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return _catalog.ServedFile(folder.CheckpointPath(index), $"checkpoint {name}");
    }

    /// <summary>A label only makes sense for a conditional run; the engine has none yet, so one is always refused.</summary>
    private static int? CheckLabel(RunFolder folder, string run, QueryReader q)
    {
        if (!q.Has("label"))
        {
            return null;
        }
        var config = RunReader.ReadConfig(folder);
        if (!IsConditional(config))
        {
            throw ApiException.BadRequest($"run '{run}' is not conditional: 'label' applies only to runs trained with labels");
        }
        // Runs written before "classes" existed trained on the 10 classes of MNIST or Fashion-MNIST.
        int classes = config?["classes"] is JsonValue c && c.TryGetValue(out int k) ? k : new Training.TrainConfig().ClassCount;
        return (int)q.Integer("label", 0, 0, classes - 1);
    }

    private static bool IsConditional(JsonObject? config) => config?["conditional"] is JsonValue v && v.TryGetValue(out bool b) && b;

    private (int? Epoch, string? Error) Header(FileInfo info)
    {
        string key = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        if (_headers.TryGetValue(key, out var known))
        {
            return known;
        }
        (int?, string?) result;
        try
        {
            var (_, state) = Checkpoint.ReadHeader(info.FullName);
            result = (state.CompletedEpochs, null);
        }
        catch (CheckpointException e)
        {
            result = (null, e.Message.Replace(info.FullName, info.Name, StringComparison.Ordinal));
        }
        if (_headers.Count > 1024)
        {
            _headers.Clear();
        }
        _headers[key] = result;
        return result;
    }

    private static List<int> SampleEpochs(RunFolder folder, string realRoot)
    {
        if (!Directory.Exists(folder.SamplesDir))
        {
            return [];
        }
        var epochs = new List<int>();
        foreach (string file in Directory.EnumerateFiles(folder.SamplesDir, "image_at_epoch_*.png"))
        {
            var m = SampleName().Match(Path.GetFileName(file));
            if (m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int e) && e >= 1 && SafePath.IsInside(realRoot, file))
            {
                epochs.Add(e);
            }
        }
        epochs.Sort();
        return epochs;
    }

    private static async Task Send(HttpContext http, string text, CancellationToken cancel)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
        await http.Response.Body.FlushAsync(cancel);
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "...";

    [GeneratedRegex(@"^ckpt-(\d{1,9})$")]
    private static partial Regex CheckpointName();

    [GeneratedRegex(@"^image_at_epoch_(\d{4,8})\.png$")]
    private static partial Regex SampleName();
}
