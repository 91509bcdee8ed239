// Peak rate of the bare SGEMM micro-kernel on cache-resident packed data: the ceiling the blocked driver can reach.
using System.Diagnostics;
using Dcgan.Kernels;

namespace Dcgan.Bench;

/// <summary>Times the micro-kernel alone, so driver and packing overheads can be told apart from machine load.</summary>
public static unsafe class QuickKernel
{
    public static void Run()
    {
        const int Kc = 256;
        GemmPath path = GemmPaths.Best;
        int mr = GemmPaths.Mr(path), nr = GemmPaths.Nr(path);
        float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(mr * Kc * 4), 64);
        float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(nr * Kc * 4), 64);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(mr * nr * 4), 64);
        for (int i = 0; i < mr * Kc; i++)
        {
            a[i] = 1e-3f;
        }
        for (int i = 0; i < nr * Kc; i++)
        {
            b[i] = 1e-3f;
        }
        var rates = new List<double>();
        for (int rep = 0; rep < 15; rep++)
        {
            const int Calls = 20000;
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < Calls; i++)
            {
                Call(path, Kc, a, b, c, nr);
            }
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            rates.Add(2.0 * mr * nr * Kc * Calls / s / 1e9);
        }
        rates.Sort();
        Console.WriteLine($"{path} {mr}x{nr} micro-kernel, kc={Kc}: median {rates[rates.Count / 2]:F1} GFLOP/s, best {rates[^1]:F1}");

        // Fork-join round trip of the worker pool with empty tasks: the fixed cost every parallel product pays.
        int saved = Workers.Threads;
        Workers.Threads = 2;
        var trips = new List<double>();
        for (int rep = 0; rep < 2000; rep++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Workers.For(2, &Nothing, null);
            trips.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
        Workers.Threads = saved;
        trips.Sort();
        Console.WriteLine($"Workers.For(2 tasks, 2 threads) round trip: median {trips[trips.Count / 2]:F1} us, p90 {trips[trips.Count * 9 / 10]:F1} us");
    }

    private static void Nothing(void* state, int i)
    {
    }

    private static void Call(GemmPath path, int kc, float* a, float* b, float* c, int ldc)
    {
        if (path == GemmPath.Avx512)
        {
            GemmMicroKernel.Kernel12x32(kc, a, 12, b, 32, c, ldc, false);
        }
        else
        {
            GemmMicroKernel.Kernel6x16(kc, a, 6, b, 16, c, ldc, false);
        }
    }
}
