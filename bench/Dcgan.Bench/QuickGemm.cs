// Fast, BenchmarkDotNet-free GFLOP/s table of the SGEMM layer shapes, for quick iteration on the kernel.
using System.Diagnostics;
using Dcgan.Kernels;

namespace Dcgan.Bench;

/// <summary>Runs each shape for a short time budget per thread count and prints median (and best) GFLOP/s.</summary>
public static class QuickGemm
{
    /// <summary>args: optional shape-name filters (substring match) and "--ms N" for the per-measurement budget.</summary>
    public static void Run(string[] args)
    {
        double budgetMs = 150;
        var filters = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ms" && i + 1 < args.Length)
            {
                budgetMs = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                filters.Add(args[i]);
            }
        }

        int savedThreads = Workers.Threads;
        Console.WriteLine($"{"shape",-14} {"M x N x K",-20} {"op",-3} {"1 thr GF/s",11} {"2 thr GF/s",11} {"2 thr ms",9} {"best 1",7} {"best 2",7} {"cpu 1",7} {"cpu 2",7}");
        foreach (var shape in GemmShape.All)
        {
            if (filters.Count > 0 && !filters.Any(f => shape.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            shape.Allocate();
            Workers.Threads = 1;
            var (one, bestOne, cpuOne) = Measure(shape, budgetMs);
            Workers.Threads = 2;
            var (two, bestTwo, cpuTwo) = Measure(shape, budgetMs);
            shape.Release();
            string op = $"{(shape.TransA ? 'T' : 'N')}{(shape.TransB ? 'T' : 'N')}";
            Console.WriteLine(
                $"{shape.Name,-14} {$"{shape.M}x{shape.N}x{shape.K}",-20} {op,-3} " +
                $"{shape.Flops / one / 1e9,11:F1} {shape.Flops / two / 1e9,11:F1} {two * 1e3,9:F3} {shape.Flops / bestOne / 1e9,7:F1} {shape.Flops / bestTwo / 1e9,7:F1} {shape.Flops / cpuOne / 1e9,7:F1} {shape.Flops / cpuTwo / 1e9,7:F1}");
        }
        Workers.Threads = savedThreads;
    }

    /// <summary>
    /// Median and best seconds per product over the budget, after a warm-up that also lets tiered JIT settle. The best
    /// shows what the code can do when the shared machine leaves it alone; the median what it typically got. Cpu is
    /// processor seconds per product over all threads: insensitive to other processes, so GFLOP per cpu-second is
    /// the per-core efficiency even on a loaded machine.
    /// </summary>
    private static (double Median, double Best, double Cpu) Measure(GemmShape shape, double budgetMs)
    {
        var warm = Stopwatch.StartNew();
        int warmRuns = 0;
        while (warmRuns < 3 || warm.Elapsed.TotalMilliseconds < budgetMs / 3)
        {
            shape.Run();
            warmRuns++;
        }
        var times = new List<double>();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed.TotalMilliseconds < budgetMs && times.Count < 10000))
        {
            long t0 = Stopwatch.GetTimestamp();
            shape.Run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds / times.Count;
        times.Sort();
        return (times[times.Count / 2], times[0], cpu);
    }
}
