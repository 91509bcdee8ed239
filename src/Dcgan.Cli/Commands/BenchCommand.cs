// `dcgan bench`: times the full seed train step and generator inference on random data; the last
// line is one JSON object so scripts can compare it with the PyTorch peer (bench/pytorch).
namespace Dcgan.Cli.Commands;

using System.Diagnostics;
using System.Globalization;
using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Models;
using Dcgan.Quality;
using Dcgan.Kernels;

/// <summary>Throughput benchmark of training and generation.</summary>
public static class BenchCommand
{
    public static OptionSet Options() => ModelFlags.Add(new OptionSet("dcgan bench [options]",
        "Time the seed train step (G forward, D on a real and a fake batch, both backward passes, both Adam updates)\n" +
        "on random data, and generator inference at batch 1024. The last line is JSON.")
        .Int("batch-size", 256, "Images per train step", 1, 65536)
        .Int("steps", 10, "Timed train steps", 1, 100000)
        .Int("warmup", 5, "Untimed steps first (the runtime recompiles the hot code, tuned, over the first four or five)", 0, 1000)
        .Int("generate-batch", 1024, "Images per generator call", 1, 65536)
        .Threads()
        .Int("seed", 1, "Random seed", 0, int.MaxValue)
        .Flag("profile", "Also time every layer's forward and backward (a separate run of the same steps)")
        .Int("estimate-threads", null, "Also estimate every layer's time on 1, 2, 4, ... up to N threads from runs on one thread with the\n" +
            "work cut as for each count (the split of the work only: not memory bandwidth or shared caches)", 2, Training.TrainLimits.Threads.IntMax));

    public static int Run(OptionSet o, TextWriter stdout)
    {
        int batch = o.GetInt("batch-size"), steps = o.GetInt("steps"), warmup = o.GetInt("warmup"), genBatch = o.GetInt("generate-batch");
        var options = ModelFlags.Read(o);
        var rng = new Rng((ulong)o.GetInt("seed"));
        var gan = new GanPair(options);
        gan.Initialize(rng);
        gan.Discriminator.Random = Rng.Derive(1, "dropout");
        var step = new TrainStep(gan);
        var real = Tensor.ForBatch(batch, [options.ImageSize, options.ImageSize, options.Channels]);
        rng.FillUniform(real.Span, -1f, 1f);
        var noise = Tensor.ForBatch(batch, [options.NoiseDim]);
        // Conditional runs need labels; an even mix costs the same as any other.
        int[] labels = Enumerable.Range(0, Math.Max(batch, genBatch)).Select(i => options.Conditional ? i % options.Classes : 0).ToArray();
        stdout.WriteLine($"threads {Workers.Threads}, batch {batch}, {warmup} warm-up + {steps} timed steps, " +
            $"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, {Arithmetic(gan)} convolutions, " +
            $"{ModelBuilder.Name(options.Architecture)} models at {options.ImageSize}x{options.ImageSize}x{options.Channels}");
        for (int i = 0; i < warmup; i++)
        {
            rng.FillNormal(noise.Span);
            step.Run(real, noise, labels.AsSpan(0, batch), labels.AsSpan(0, batch));
        }
        var times = new List<double>(steps);
        StepResult last = default;
        // CPU time as well as wall time: on a shared machine it shows the work done, not the share of cores obtained.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        int gcBefore = GC.CollectionCount(0);
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            rng.FillNormal(noise.Span);
            long start = Stopwatch.GetTimestamp();
            last = step.Run(real, noise, labels.AsSpan(0, batch), labels.AsSpan(0, batch));
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        int gcs = GC.CollectionCount(0) - gcBefore;
        double cpuPerStep = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / steps;
        double median = Statistics.Median([.. times]);
        double trainRate = batch / median;
        stdout.WriteLine(FormattableString.Invariant(
            $"train: median step {median * 1000:F1} ms -> {trainRate:F1} images/s, {cpuPerStep * 1000:F1} ms CPU per step (g_loss {last.GeneratorLoss:F4}, d_loss {last.DiscriminatorLoss:F4}); {allocated / (double)steps / 1024:F1} KiB allocated per step, {gcs} gen-0 collections"));

        var genNoise = Tensor.ForBatch(genBatch, [options.NoiseDim]);
        rng.FillNormal(genNoise.Span);
        gan.Generate(genNoise, labels.AsSpan(0, genBatch));
        var genTimes = new List<double>();
        for (int i = 0; i < Math.Max(3, steps / 3); i++)
        {
            var sw = Stopwatch.StartNew();
            gan.Generate(genNoise, labels.AsSpan(0, genBatch));
            genTimes.Add(sw.Elapsed.TotalSeconds);
        }
        double genMedian = Statistics.Median([.. genTimes]);
        double genRate = genBatch / genMedian;
        stdout.WriteLine(FormattableString.Invariant($"generate: batch {genBatch}, median {genMedian * 1000:F1} ms -> {genRate:F1} images/s"));
        if (o.GetFlag("profile"))
        {
            Profile(gan, step, real, noise, labels, rng, steps, stdout);
        }
        if (o.GetIntOrNull("estimate-threads") is { } most)
        {
            EstimateThreads(gan, step, real, noise, labels, rng, Math.Max(1, warmup), steps, most, stdout);
        }
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"train_images_per_s\": {trainRate:F2}, \"generate_images_per_s\": {genRate:F2}, \"batch_size\": {batch}, \"threads\": {Workers.Threads}}}"));
        return 0;
    }

    /// <summary>
    /// Runs more train steps with a <see cref="LayerProfile"/> observing each model and prints one row per layer:
    /// forward and backward milliseconds per step, GFLOP/s of its GEMMs, and its share of the step. The rest of the
    /// step (losses, Adam, the generator's input) is one row.
    /// </summary>
    private static void Profile(GanPair gan, TrainStep step, Tensor real, Tensor noise, int[] labels, Rng rng, int steps, TextWriter stdout)
    {
        using var g = new LayerProfile(gan.Generator);
        using var d = new LayerProfile(gan.Discriminator);
        long stepTicks = 0;
        for (int i = -1; i < steps; i++)
        {
            if (i == 0)
            {
                g.Reset();
                d.Reset();
                stepTicks = 0;
            }
            rng.FillNormal(noise.Span);
            long start = LayerProfile.Now();
            step.Run(real, noise, labels.AsSpan(0, real.Batch), labels.AsSpan(0, noise.Batch));
            stepTicks += LayerProfile.Now() - start;
        }
        double perStep = 1.0 / steps, f = 1.0 / Stopwatch.Frequency;
        double stepSeconds = stepTicks * f * perStep;
        double layerSeconds = 0;
        stdout.WriteLine(FormattableString.Invariant($"profile: {steps} steps, {stepSeconds * 1000:F1} ms per step ({(LayerProfile.UsesThreadCpuTime ? "thread CPU time" : "wall time")})"));
        stdout.WriteLine("| model | layer | class | forward ms | backward ms | forward GFLOP/s | backward GFLOP/s | share of step |");
        stdout.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var profile in new[] { g, d })
        {
            foreach (var row in profile.Rows())
            {
                double fw = row.ForwardSeconds * perStep, bw = row.BackwardSeconds * perStep;
                layerSeconds += fw + bw;
                string Rate(double flops, double seconds) => flops == 0 || seconds == 0 ? "" : FormattableString.Invariant($"{flops * perStep / seconds / 1e9:F1}");
                stdout.WriteLine(FormattableString.Invariant(
                    $"| {profile.Model.Name} | {row.Name} | {row.ClassName} | {fw * 1000:F2} | {bw * 1000:F2} | {Rate(row.ForwardFlops, fw)} | {Rate(row.BackwardFlops, bw)} | {(fw + bw) / stepSeconds * 100:F1} % |"));
            }
        }
        double rest = Math.Max(0, stepSeconds - layerSeconds);
        stdout.WriteLine(FormattableString.Invariant($"| both | rest of the step | losses, Adam | {rest * 1000:F2} | | | | {rest / stepSeconds * 100:F1} % |"));
    }

    /// <summary>
    /// For 1, 2, 4, ... up to <paramref name="most"/> threads, runs the warm-up and timed steps again on one thread with the
    /// work cut for that count (<see cref="ThreadSplitEstimate"/>) and prints one row per layer: milliseconds per step on one
    /// thread and the estimate with each count, with its efficiency (one thread's time over count x estimate).
    /// </summary>
    private static void EstimateThreads(GanPair gan, TrainStep step, Tensor real, Tensor noise, int[] labels, Rng rng, int warmup, int steps, int most, TextWriter stdout)
    {
        var counts = new List<int>();
        for (int n = 1; n < most; n *= 2)
        {
            counts.Add(n);
        }
        counts.Add(most);
        var estimates = new List<(int Threads, List<(string Model, string Layer, double Measured, double Estimated)> Rows, double Step)>();
        foreach (int n in counts)
        {
            using var estimate = new ThreadSplitEstimate(n, gan.Generator, gan.Discriminator);
            for (int i = -warmup; i < steps; i++)
            {
                if (i == 0)
                {
                    // The first steps with a new cut set up its buffers, and the runtime compiles its code again, tuned.
                    estimate.Reset();
                }
                rng.FillNormal(noise.Span);
                estimate.Step(() => step.Run(real, noise, labels.AsSpan(0, real.Batch), labels.AsSpan(0, noise.Batch)));
            }
            estimates.Add((n, [.. estimate.Rows()], estimate.StepSeconds().Estimated));
        }
        var one = estimates[0];
        stdout.WriteLine(FormattableString.Invariant(
            $"threads estimate: {warmup} warm-up + {steps} steps a count, each parallel call's tasks timed one at a time on one thread (each at its median over the steps) and handed out as the pool would; ms per step (efficiency)"));
        stdout.WriteLine("| model | layer | " + string.Join(" | ", counts.Select(n => n == 1 ? "1 thread" : $"{n} threads")) + " |");
        stdout.WriteLine("| --- | --- | " + string.Join(" | ", counts.Select(_ => "---:")) + " |");
        string Cell(double oneThread, double estimated, int n)
            => n == 1 || estimated <= 0 ? FormattableString.Invariant($"{estimated * 1000:F2}")
                : FormattableString.Invariant($"{estimated * 1000:F2} ({oneThread / (n * estimated) * 100:F0} %)");
        for (int r = 0; r < one.Rows.Count; r++)
        {
            var row = one.Rows[r];
            stdout.WriteLine($"| {row.Model} | {row.Layer} | " + string.Join(" | ", estimates.Select(e => Cell(row.Estimated, e.Rows[r].Estimated, e.Threads))) + " |");
        }
        stdout.WriteLine("| both | whole step | " + string.Join(" | ", estimates.Select(e => Cell(one.Step, e.Step, e.Threads))) + " |");
        stdout.WriteLine("| both | images/s | " + string.Join(" | ", estimates.Select(e => FormattableString.Invariant($"{real.Batch / e.Step:F0}"))) + " |");
    }

    /// <summary>The arithmetic the models' convolutions run: winograd where a layer asked for it has it, else direct.</summary>
    private static string Arithmetic(GanPair gan)
        => gan.Generator.Layers.Concat(gan.Discriminator.Layers).Any(l => l is Conv2D { Algorithm: ConvAlgorithm.Winograd }
            or Conv2DTranspose { Algorithm: ConvAlgorithm.Winograd }) ? "winograd" : "direct";
}
