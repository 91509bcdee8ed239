// Latency of the dashboard's "new samples": GET /generate?count=64 against a dashboard on 127.0.0.1, timed by the
// client and by the server (its Server-Timing header), then the same work in-process split into draw, grid and PNG.
// Usage: dotnet run -c Release --project bench/Dcgan.Dashboard.Bench [-- RUN_DIR] [--requests N] [--count N]
// With --load: memory of a real `dcgan serve` under many clients (LoadBench.cs).
using System.Diagnostics;
using System.Globalization;
using Dcgan.Dashboard;
using Dcgan.Imaging;
using Dcgan.Models;
using Dcgan.Training;
using Dcgan.Kernels;

if (args.Contains("--load"))
{
    return await Dcgan.Dashboard.Bench.LoadBench.RunAsync(args);
}

string? runDir = null;
int requests = 50, count = 64;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--requests": requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: runDir = args[i]; break;
    }
}

string? temp = null;
if (runDir is null)
{
    // The tutorial's generator with fresh weights costs exactly what a trained one does.
    temp = Path.Combine(Path.GetTempPath(), "dcgan-dash-bench-" + Environment.ProcessId);
    runDir = Path.Combine(temp, "bench");
    var config = new TrainConfig { Dataset = "mnist", Version = "bench" };
    var gan = new GanPair(config.ModelOptions());
    gan.Initialize(Rng.Derive(1, "init"));
    var run = new RunFolder(runDir);
    Directory.CreateDirectory(run.CheckpointsDir);
    File.WriteAllText(run.ConfigPath, config.ToJson());
    Checkpoint.Save(run.CheckpointPath(1), config, TrainingState.Start(1), gan);
}
string runName = Path.GetFileName(Path.GetFullPath(runDir));
Console.WriteLine($"{Environment.ProcessorCount} cores, {Workers.Threads} worker threads; run {runDir}; {count} samples per request, {requests} requests");

try
{
    await using (var dash = await DashboardServer.StartAsync(new DashboardOptions { RunsDir = Path.GetDirectoryName(Path.GetFullPath(runDir))!, Port = 0 }))
    {
        using var http = new HttpClient { BaseAddress = dash.Address };
        var client = new List<double>();
        var server = new List<double>();
        for (int i = -10; i < requests; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync($"api/runs/{runName}/generate?count={count}&seed={i + 10}");
            byte[] png = await response.Content.ReadAsByteArrayAsync();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                // The first ten warm up: checkpoint load, JIT, worker threads.
                client.Add(ms);
                string timing = response.Headers.GetValues("Server-Timing").Single();
                server.Add(double.Parse(timing[(timing.IndexOf('=') + 1)..], CultureInfo.InvariantCulture));
            }
        }
        Report("HTTP round trip (client)", client);
        Report("at the server (draw + grid + PNG)", server);
    }

    var sampler = Sampler.Open(runDir);
    var draw = new List<double>();
    var grid = new List<double>();
    var encode = new List<double>();
    for (int i = -5; i < requests; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        float[] images = sampler.Draw(count, (ulong)i);
        long t1 = Stopwatch.GetTimestamp();
        var (rows, cols) = SampleGrid.SquareLayout(count);
        int channels = sampler.Generator.Options.Channels;
        var picture = SampleGrid.Compose(images, count, sampler.ImageSize, sampler.ImageSize, channels, rows, cols, SampleGrid.ScalingForChannels(channels), 2);
        long t2 = Stopwatch.GetTimestamp();
        ImageFiles.EncodePng(picture, fast: true);
        long t3 = Stopwatch.GetTimestamp();
        if (i >= 0)
        {
            draw.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            grid.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
            encode.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
        }
    }
    Report("generator forward (in-process)", draw);
    Report("grid composition", grid);
    Report("PNG encoding", encode);
}
finally
{
    if (temp is not null)
    {
        Directory.Delete(temp, recursive: true);
    }
}
return 0;

static void Report(string what, List<double> ms)
{
    ms.Sort();
    double P(double q) => ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-36} median {P(0.5),7:0.0} ms   p90 {P(0.9),7:0.0} ms   min {ms[0],7:0.0} ms"));
}
