// Benchmark entry point: "gemm-quick [filters] [--ms N]" prints a quick GFLOP/s table; anything else goes to BenchmarkDotNet.
using BenchmarkDotNet.Running;
using Dcgan.Bench;

if (args.Length > 0 && args[0] == "gemm-quick")
{
    QuickGemm.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
