// Benchmark entry point: "gemm-quick [filters] [--ms N]" prints a quick GFLOP/s table, "kernel-quick" the bare
// micro-kernel rate, "blas-quick [--threads N]" ours next to the system's OpenBLAS, "elementwise-quick [filters] [--ms N]
// [--threads N]" the element-wise kernels, "winograd-quick" each stage of the Winograd layers; anything else goes to BenchmarkDotNet.
using BenchmarkDotNet.Running;
using Dcgan.Bench;

if (args.Length > 0 && args[0] == "gemm-quick")
{
    QuickGemm.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "blas-quick")
{
    QuickBlas.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "kernel-quick")
{
    QuickKernel.Run();
    return;
}
if (args.Length > 0 && args[0] == "winograd-quick")
{
    QuickWinograd.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "elementwise-quick")
{
    QuickElementWise.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
