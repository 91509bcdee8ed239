// Our SGEMM next to the operating system's OpenBLAS on the layer shapes, at the same thread count: the measurement
// behind the decision not to ship an optional native BLAS path (docs/benchmarks.md). OpenBLAS is loaded at run time
// if the OS has it; nothing in the product links it.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Dcgan.Kernels;

namespace Dcgan.Bench;

/// <summary>"blas-quick [--threads N] [--ms N] [filters]": median GFLOP/s of ours and of cblas_sgemm, shape by shape.</summary>
public static unsafe class QuickBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    public static void Run(string[] args)
    {
        int threads = 2;
        double budgetMs = 300;
        var filters = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads" && i + 1 < args.Length)
            {
                threads = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--ms" && i + 1 < args.Length)
            {
                budgetMs = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                filters.Add(args[i]);
            }
        }
        if (!NativeLibrary.TryLoad("libopenblas.so.0", out IntPtr lib))
        {
            Console.WriteLine("blas-quick: no libopenblas.so.0 on this system (Debian: libopenblas0-pthread)");
            return;
        }
        var sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(lib, "cblas_sgemm");
        var setThreads = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(lib, "openblas_set_num_threads");
        setThreads(threads);
        Workers.Threads = threads;

        Console.WriteLine($"threads {threads}; median GFLOP/s over about {budgetMs} ms per shape");
        Console.WriteLine($"{"shape",-14} {"M x N x K",-20} {"ours",8} {"OpenBLAS",9} {"ours/OpenBLAS",14}");
        double oursTotal = 0, blasTotal = 0;
        foreach (var shape in GemmShape.All)
        {
            if (filters.Count > 0 && !filters.Any(f => shape.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            shape.Allocate();
            double ours = Median(shape.Run, budgetMs);
            double blas;
            fixed (float* a = shape.A, b = shape.B, c = shape.C)
            {
                float* pa = a, pb = b, pc = c;
                blas = Median(() => sgemm(RowMajor, shape.TransA ? Trans : NoTrans, shape.TransB ? Trans : NoTrans,
                    shape.M, shape.N, shape.K, 1f, pa, shape.Lda, pb, shape.Ldb, 0f, pc, shape.N), budgetMs);
            }
            shape.Release();
            oursTotal += ours;
            blasTotal += blas;
            Console.WriteLine($"{shape.Name,-14} {$"{shape.M}x{shape.N}x{shape.K}",-20} {shape.Flops / ours / 1e9,8:F1} {shape.Flops / blas / 1e9,9:F1} {blas / ours,14:F2}");
        }
        Console.WriteLine($"all shapes, one product each: ours {oursTotal * 1e3:F1} ms, OpenBLAS {blasTotal * 1e3:F1} ms ({blasTotal / oursTotal:F2}x ours)");
    }

    private static double Median(Action run, double budgetMs)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalMilliseconds < budgetMs / 3)
        {
            run();
        }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed.TotalMilliseconds < budgetMs && times.Count < 10000))
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
