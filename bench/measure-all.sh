#!/usr/bin/env bash
# Every figure in docs/benchmarks.md, in one go (about 25 minutes on the idle 2-core machine): side by side with the
# modern peers (PyTorch 2.6 and TorchSharp 0.107; PyTorch 1.13 as history, outside the ratios), ours with and without
# AVX-512, the per-layer comparison with PyTorch 2.6, Winograd against the direct arithmetic, our per-layer profiles at
# 1 and 2 threads, the batch sweep, peak RSS of training alone, and our SGEMM next to the system's OpenBLAS. Writes one
# log per part into the folder given (default: bench-results/). The modern peers need root and their Debian 13 root
# (bench/peers/modern-peer.sh --build); without it this stops at the first part, with one line saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results}"
mkdir -p "$out"
torch_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
bench/peers/modern-peer.sh --check
./dcgan --help > /dev/null                        # build first, untimed
bench/peers/modern-peer.sh torchsharp-build

{ lscpu | grep -E "^(Model name|CPU\(s\)):"; grep -qw avx512f /proc/cpuinfo && echo "AVX-512F: yes" || echo "AVX-512F: no"; uptime; } | tee "$out/machine.txt"
echo "== side by side: ours, PyTorch 2.6, TorchSharp 0.107 (PyTorch 1.13 as history)"
bench/compare --batch-size 256 --threads 1 2 --rounds 3 --steps 6 --history --no-avx512 | tee "$out/side-by-side.txt"
echo "== per layer: ours next to PyTorch 2.6 (torch.profiler)"
bench/compare --layers --batch-size 256 --threads 1 2 --rounds 3 --steps 6 | tee "$out/layers.txt"
echo "== arithmetic: winograd (default) and direct, alternated (2 threads)"
for round in 1 2 3; do
    for algorithm in winograd direct; do
        printf '%s round %s: ' "$algorithm" "$round"
        ./dcgan bench --threads 2 --steps 6 --conv-algorithm "$algorithm" | grep -E "^train:|^generate:" | tr '\n' ' '
        echo
    done
done | tee "$out/arithmetic.txt"
echo "== profile, 1 thread" && ./dcgan bench --threads 1 --steps 6 --profile | tee "$out/profile-1t.txt"
echo "== profile, 2 threads" && ./dcgan bench --threads 2 --steps 6 --profile | tee "$out/profile-2t.txt"
echo "== batch sweep"
for batch in 32 64 128 256 512; do
    bench/compare --peers none --batch-size "$batch" --threads 1 2 --rounds 1 --steps 6 | tail -1
done | tee "$out/batch-sweep.txt"
echo "== peak RSS, training only (batch 256, 2 threads)"
{
    /usr/bin/time -v ./dcgan bench --threads 2 --steps 4 --generate-batch 1 2>&1 | grep -E "train:|Maximum resident"
    /usr/bin/time -v bench/peers/modern-peer.sh python3 /mnt/here/bench/pytorch/dcgan_bench.py --threads 2 --steps 4 --generate-batch 1 2>&1 \
        | grep -E "^torch|train_images|Maximum resident"
    /usr/bin/time -v bench/peers/modern-peer.sh torchsharp --threads 2 --steps 4 --generate-batch 1 2>&1 | grep -E "^TorchSharp|train_images|Maximum resident"
    echo "history:"
    "${torch_env[@]}" /usr/bin/time -v /usr/bin/python3 bench/pytorch/dcgan_bench.py --threads 2 --steps 4 --generate-batch 1 2>&1 \
        | grep -E "^torch|train_images|Maximum resident"
} | tee "$out/rss.txt"
echo "== SGEMM: ours and OpenBLAS"
(cd bench/Dcgan.Bench && dotnet build -c Release > /dev/null && "${torch_env[@]}" dotnet run -c Release --no-build -- blas-quick --threads 2) | tee "$out/blas.txt"
