// Per-stage times of the three Winograd layer shapes of the tutorial's models, one group of images (the layers' group
// size) on one thread: the kernel's transform, packing and gradient, the input transform, point products, output
// transform, and the backward's output gradient, products and input gradient; for the stride-2 layers the products also
// as the layers run them, skipping the phases' zero quarters (Winograd.FindZeroQuarters) and the points of cropped tiles
// (skipCropped; the GFLOP/s count every product, skipped or not). Operands stay in cache between calls,
// so these are the stages' floors; in a train step the transformed arrays also come from and go to the last-level cache.
using System.Diagnostics;
using Dcgan.Kernels;

namespace Dcgan.Bench;

public static class QuickWinograd
{
    public static void Run(string[] args)
    {
        Workers.Threads = 1;
        (string Name, WinogradShape S, int Images, PhaseStack Stacked)[] shapes =
        [
            ("G conv2d_transpose F(4x4,5x5)", new WinogradShape(7, 7, 256, 128, 5), 21, PhaseStack.None),
            ("G conv2d_transpose_1 F(7x4,3x3) out phases", new WinogradShape(7, 7, 128, 256, 3) { OutputPhases = true, OutputRows = 7 }, 101, PhaseStack.Output),
            ("D conv2d_1 F(7x4,3x3) in phases", new WinogradShape(7, 7, 256, 128, 3) { InputPhases = true, OutputRows = 7 }, 101, PhaseStack.Input),
            ("D conv2d_1 F(4x4,3x3) in phases (as before)", new WinogradShape(7, 7, 256, 128, 3) { InputPhases = true }, 37, PhaseStack.Input),
        ];
        var rng = new Random(1);
        foreach (var (name, s, n, stacked) in shapes)
        {
            var zero = new byte[s.Points];
            Winograd.FindZeroQuarters(s, stacked, zero);
            float[] x = Fill(rng, n * s.Height * s.Width * s.InC), y = Fill(rng, n * s.Height * s.Width * s.OutC);
            float[] w = Fill(rng, s.KernelTaps), u = new float[s.KernelFloats], packedF = new float[s.PackedKernelFloats];
            float[] packedB = new float[s.PackedKernelFloats], v = new float[s.InputFloats(n)], m = new float[s.ProductFloats(n)];
            float[] du = new float[s.KernelFloats];
            Winograd.TransformKernel(s, w, flip: false, u);
            Winograd.PackKernel(s, u, forInputGradient: false, packedF);
            Winograd.PackKernel(s, u, forInputGradient: true, packedB);
            double products = 2.0 * s.Points * n * s.TilesPerImage * s.InC * s.OutC / 1e9;
            Console.WriteLine($"{name}, {n} images ({s.Points} points x {n * s.TilesPerImage} tiles, {s.InC} -> {s.OutC}):");
            Report("kernel transform", () => Winograd.TransformKernel(s, w, flip: false, u), 0);
            Report("kernel pack fwd", () => Winograd.PackKernel(s, u, forInputGradient: false, packedF), 0);
            Report("kernel pack bwd", () => Winograd.PackKernel(s, u, forInputGradient: true, packedB), 0);
            Report("kernel gradient", () => Winograd.AccumulateKernelGradient(s, du, flip: false, w), 0);
            Report("input transform", () => Winograd.TransformInput(s, n, x, v), 0);
            Report("forward products", () => Winograd.Multiply(s, n, v, packedF, m), products);
            if (stacked != PhaseStack.None)
            {
                Report("  zeros skipped", () => Winograd.Multiply(s, n, v, packedF, m, zero, stacked), products);
            }
            Report("  as the layer runs", () => Winograd.Multiply(s, n, v, packedF, m, zero, stacked, skipCropped: true), products);
            Report("output transform", () => Winograd.TransformOutput(s, n, m, y), 0);
            Report("output gradient", () => Winograd.OutputGradient(s, n, y, m), 0);
            Report("products: du", () => Winograd.MultiplyBackward(s, n, m, packedB, v, du, weights: true, accumulate: true, input: false), products);
            if (stacked != PhaseStack.None)
            {
                Report("  zeros skipped", () => Winograd.MultiplyBackward(s, n, m, packedB, v, du, weights: true, accumulate: true, input: false, zero, stacked), products);
            }
            Report("  as the layer runs", () => Winograd.MultiplyBackward(s, n, m, packedB, v, du, weights: true, accumulate: true, input: false, zero, stacked,
                skipCropped: true), products);
            Report("products: dv", () => Winograd.MultiplyBackward(s, n, m, packedB, v, du, weights: false, accumulate: true, input: true), products);
            if (stacked != PhaseStack.None)
            {
                Report("  zeros skipped", () => Winograd.MultiplyBackward(s, n, m, packedB, v, du, weights: false, accumulate: true, input: true, zero, stacked), products);
            }
            Report("  as the layer runs", () => Winograd.MultiplyBackward(s, n, m, packedB, v, du, weights: false, accumulate: true, input: true, zero, stacked,
                skipCropped: true), products);
            Report("input gradient", () => Winograd.InputGradient(s, n, v, x), 0);
        }
    }

    private static float[] Fill(Random rng, int length)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(rng.NextDouble() - 0.5);
        }
        return a;
    }

    private static void Report(string stage, Action run, double gflop)
    {
        // Warm for half a second, so tiered compilation has promoted every kernel before the timed calls.
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < 500)
        {
            run();
        }
        var times = new List<double>();
        for (int rep = 0; rep < 30; rep++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        times.Sort();
        double ms = times[times.Count / 2];
        string rate = gflop > 0 ? $"  {gflop / ms * 1e3,6:F0} GFLOP/s" : "";
        Console.WriteLine($"  {stage,-18} {ms,7:F3} ms{rate}");
    }
}
