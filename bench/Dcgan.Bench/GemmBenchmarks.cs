// BenchmarkDotNet suite for the fast SGEMM on every DCGAN layer shape, at one and two threads.
using BenchmarkDotNet.Attributes;
using Dcgan.Kernels;

namespace Dcgan.Bench;

/// <summary>Times <see cref="Gemm.Sgemm"/> per layer shape; divide the shape's flops by the mean for GFLOP/s.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.All[0];

    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<GemmShape> Shapes => GemmShape.All;

    [GlobalSetup]
    public void Setup()
    {
        Workers.Threads = Threads;
        Shape.Allocate();
    }

    [GlobalCleanup]
    public void Cleanup() => Shape.Release();

    [Benchmark]
    public void Sgemm() => Shape.Run();
}
