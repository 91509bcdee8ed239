// Memory of a real `dcgan serve` under many clients: N clients ask for large grids across M checkpoints for a
// while; the server's resident memory is read from /proc (peak: VmHWM; after: VmRSS once the clients stopped).
// Usage: dotnet run -c Release --project bench/Dcgan.Dashboard.Bench -- --load [--clients 20] [--checkpoints 10]
//        [--seconds 60] [--count 256] [--scale 4] [--idle 15] [--dcgan .build/cli/dcgan.dll]
namespace Dcgan.Dashboard.Bench;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dcgan.Kernels;
using Dcgan.Models;
using Dcgan.Training;

/// <summary>The load test behind docs/dashboard.md's memory figures.</summary>
internal static class LoadBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int clients = 20, checkpoints = 10, seconds = 60, count = 256, scale = 4, idle = 15;
        string dcgan = Path.Combine(".build", "cli", "dcgan.dll");
        for (int i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--load": break;
                case "--clients": clients = Next(); break;
                case "--checkpoints": checkpoints = Next(); break;
                case "--seconds": seconds = Next(); break;
                case "--count": count = Next(); break;
                case "--scale": scale = Next(); break;
                case "--idle": idle = Next(); break;
                case "--dcgan": dcgan = args[++i]; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        if (!File.Exists(dcgan))
        {
            Console.Error.WriteLine($"{dcgan} not found: build it with ./dcgan --version, or pass --dcgan PATH/dcgan.dll");
            return 2;
        }

        string root = Path.Combine(Path.GetTempPath(), "dcgan-dash-load-" + Environment.ProcessId);
        var run = new RunFolder(Path.Combine(root, "load"));
        // The tutorial's models with fresh weights, one seed per checkpoint: each is a different generator to load.
        var config = new TrainConfig { Dataset = "mnist", Version = "bench" };
        Directory.CreateDirectory(run.CheckpointsDir);
        File.WriteAllText(run.ConfigPath, config.ToJson());
        for (int c = 1; c <= checkpoints; c++)
        {
            var gan = new GanPair(config.ModelOptions());
            gan.Initialize(Rng.Derive((ulong)c, "init"));
            Checkpoint.Save(run.CheckpointPath(c), config, TrainingState.Start((ulong)c), gan);
        }
        long checkpointBytes = new FileInfo(run.CheckpointPath(1)).Length;

        int port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { dcgan, "serve", "--runs", root, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }
        using var server = Process.Start(info)!;
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("server: " + e.Data); } };
        server.BeginErrorReadLine();
        string? first = await server.StandardOutput.ReadLineAsync();
        if (first is null || !first.StartsWith("Dashboard of", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"the server did not start: {first}");
            return 1;
        }
        string Lscpu()
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";
            }
            catch (IOException)
            {
                return "?";
            }
        }
        Console.WriteLine($"{Lscpu()}, {Environment.ProcessorCount} cores; dcgan serve pid {server.Id}");
        Console.WriteLine($"{clients} clients, {checkpoints} checkpoints of {checkpointBytes / 1e6:0.0} MB, generate?count={count}&scale={scale}, {seconds} s");
        Console.WriteLine($"server at start: {Rss(server.Id, "VmRSS") / 1e6:0} MB resident");

        var results = new System.Collections.Concurrent.ConcurrentBag<(int Status, double Ms)>();
        string? firstError = null;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
        var deadline = Stopwatch.StartNew();
        long peakSampled = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakSampled = Math.Max(peakSampled, Rss(server.Id, "VmRSS"));
                await Task.Delay(100);
            }
        });
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                int ckpt = random.Next(1, checkpoints + 1);
                long start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"api/runs/load/generate?checkpoint=ckpt-{ckpt}&count={count}&scale={scale}&seed={random.Next()}");
                byte[] body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
                {
                    Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}", null);
                }
                results.Add(((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    // As the page does: wait as long as the server asks, then ask again.
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    await Task.Delay(wait);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        double loadSeconds = deadline.Elapsed.TotalSeconds;
        long peak = Rss(server.Id, "VmHWM");
        long end = Rss(server.Id, "VmRSS");
        await Task.Delay(TimeSpan.FromSeconds(idle));
        long after = Rss(server.Id, "VmRSS");
        sampling.Cancel();
        await sampler;

        var ok = results.Where(r => r.Status == 200).Select(r => r.Ms).OrderBy(m => m).ToList();
        Console.WriteLine($"requests: {results.Count} in {loadSeconds:0} s: {ok.Count} x 200, {results.Count(r => r.Status == 503)} x 503, {results.Count(r => r.Status is not (200 or 503))} other");
        if (firstError is not null)
        {
            Console.WriteLine($"first error: {firstError}");
        }
        if (ok.Count > 0)
        {
            Console.WriteLine($"200 latency: median {ok[ok.Count / 2]:0} ms, p90 {ok[Math.Min(ok.Count - 1, (int)(ok.Count * 0.9))]:0} ms");
        }
        Console.WriteLine($"server resident memory: peak {peak / 1e6:0} MB (VmHWM; sampled peak {peakSampled / 1e6:0} MB), at the end of the load {end / 1e6:0} MB, {idle} s later {after / 1e6:0} MB");

        server.Kill();
        await server.WaitForExitAsync();
        Directory.Delete(root, recursive: true);
        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A memory line of /proc/PID/status (VmRSS, VmHWM) in bytes.</summary>
    private static long Rss(int pid, string field)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }
}
