// Fast, BenchmarkDotNet-free timings of the element-wise kernels (activations, batch norm, Adam, dropout, VectorMath)
// at the seed model's batch-256 sizes, for comparing builds of the kernels on a noisy machine.
using System.Diagnostics;
using System.Runtime.Intrinsics;
using Dcgan.Kernels;

namespace Dcgan.Bench;

/// <summary>Prints the median and best microseconds per call of each element-wise kernel.</summary>
public static class QuickElementWise
{
    /// <summary>args: optional kernel-name filters (substring match), "--ms N" per kernel, "--threads N" (default 1).</summary>
    public static void Run(string[] args)
    {
        double budgetMs = 300;
        int threads = 1;
        var filters = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ms" && i + 1 < args.Length)
            {
                budgetMs = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--threads" && i + 1 < args.Length)
            {
                threads = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                filters.Add(args[i]);
            }
        }
        int savedThreads = Workers.Threads;
        Workers.Threads = threads;
        string Accelerated(bool on) => on ? "on" : "off";
        Console.WriteLine($"Vector512 {Accelerated(Vector512.IsHardwareAccelerated)}, Vector256 {Accelerated(Vector256.IsHardwareAccelerated)}, {threads} thread(s)");
        Console.WriteLine($"{"kernel",-28} {"floats",10} {"median us",10} {"best us",10} {"GB/s",7}");
        foreach (var (name, floats, streams, run) in Kernels())
        {
            if (filters.Count > 0 && !filters.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var (median, best) = Measure(run, budgetMs);
            Console.WriteLine($"{name,-28} {floats,10} {median * 1e6,10:F1} {best * 1e6,10:F1} {4.0 * floats * streams / median / 1e9,7:F1}");
        }
        Workers.Threads = savedThreads;
    }

    /// <summary>Each kernel with its element count, the float streams it reads and writes (for GB/s), and a call.</summary>
    private static IEnumerable<(string Name, long Floats, int Streams, Action Run)> Kernels()
    {
        const int Big = 256 * 14 * 14 * 64;   // G's third BN/LeakyReLU and D's first LeakyReLU/Dropout
        const int Image = 256 * 28 * 28;      // G's tanh output
        const int Params = 2_330_944;         // the generator's trainable parameters (Adam)
        float[] x = Filled(Big, 1), dy = Filled(Big, 2), y = new float[Big], dx = new float[Big];
        yield return ("LeakyReluForward", Big, 2, () => Activations.LeakyReluForward(x, y, 0.3f));
        yield return ("LeakyReluBackward", Big, 3, () => Activations.LeakyReluBackward(x, dy, dx, 0.3f));
        yield return ("TanhForward", Image, 2, () => Activations.TanhForward(x.AsSpan(0, Image), y.AsSpan(0, Image)));
        yield return ("TanhBackward", Image, 3, () => Activations.TanhBackward(y.AsSpan(0, Image), dy.AsSpan(0, Image), dx.AsSpan(0, Image)));
        yield return ("SigmoidForward", Image, 2, () => Activations.SigmoidForward(x.AsSpan(0, Image), y.AsSpan(0, Image)));
        yield return ("SigmoidBackward", Image, 3, () => Activations.SigmoidBackward(y.AsSpan(0, Image), dy.AsSpan(0, Image), dx.AsSpan(0, Image)));

        foreach (var (rows, c) in new[] { (256 * 14 * 14, 64), (256 * 7 * 7, 128), (256, 12544) })
        {
            float[] gamma = Filled(c, 3), beta = Filled(c, 4), mean = new float[c], variance = new float[c], invStd = new float[c];
            float[] scratch = new float[BatchNormKernels.ScratchFloats(c)], sumDy = new float[c], sumDyXhat = new float[c];
            float[] dgamma = new float[c], dbeta = new float[c], scale = new float[c], shift = new float[c];
            float[] xhat = new float[rows * c];
            string shape = $"{rows}x{c}";
            yield return ($"BN.ForwardTraining {shape}", (long)rows * c, 3,
                () => BatchNormKernels.ForwardTraining(rows, c, x, gamma, beta, 1e-3f, mean, variance, invStd, xhat, y, scratch));
            yield return ($"BN.BackwardTraining {shape}", (long)rows * c, 3,
                () => BatchNormKernels.BackwardTraining(rows, c, xhat, dy, gamma, invStd, dgamma, dbeta, dx, scratch, sumDy, sumDyXhat));
            yield return ($"BN.ForwardInference {shape}", (long)rows * c, 2,
                () => BatchNormKernels.ForwardInference(rows, c, x, gamma, beta, mean, variance, 1e-3f, scale, shift, y));
        }

        float[] theta = Filled(Params, 5), grad = Filled(Params, 6), m = new float[Params], v = new float[Params];
        long step = 0;
        yield return ("AdamKernel.Step", Params, 7, () => AdamKernel.Step(theta, grad, m, v, step++, 1e-4, 0.5, 0.999, 1e-7));
        float[] mask = new float[Big];
        ulong key = 0;
        yield return ("DropoutKernel.Forward", Big, 3, () => DropoutKernel.Forward(key++, 0.3f, x, mask, y));

        yield return ("VectorMath.AddInPlace", Params, 3, () => VectorMath.AddInPlace(theta, grad));
        yield return ("VectorMath.Multiply", Big, 3, () => VectorMath.Multiply(x, dy, y));
        yield return ("VectorMath.Scale", Big, 2, () => VectorMath.Scale(x, 0.5f, y));
        yield return ("VectorMath.MovingAverage", Params, 3, () => VectorMath.MovingAverage(m, theta, 0.999f));
        float[] bias = Filled(64, 7), sums = new float[64];
        yield return ("VectorMath.AddRowVector 64", Big, 2, () => VectorMath.AddRowVector(y, bias));
        yield return ("VectorMath.AddColumnSums 64", Big, 1, () => VectorMath.AddColumnSums(x, sums));
    }

    private static float[] Filled(int n, ulong seed)
    {
        var a = new float[n];
        new Rng(seed).FillUniform(a, -1f, 1f);
        return a;
    }

    /// <summary>Median and best seconds per call over the budget, after a warm-up that lets tiered JIT settle.</summary>
    private static (double Median, double Best) Measure(Action run, double budgetMs)
    {
        // Tiered compilation promotes a method after 30 calls and a quiet 100 ms, so warm up for 60 calls and 500 ms.
        var warm = Stopwatch.StartNew();
        int warmRuns = 0;
        while ((warmRuns < 60 || warm.Elapsed.TotalMilliseconds < 500) && warm.Elapsed.TotalMilliseconds < 3000)
        {
            run();
            warmRuns++;
        }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed.TotalMilliseconds < budgetMs && times.Count < 100000))
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[0]);
    }
}
