#!/usr/bin/env bash
# Every figure in docs/benchmarks.md, in one go (about 13 minutes on the idle 2-core machine): side by side with
# PyTorch, Winograd against the direct arithmetic, per-layer profiles at 1 and 2 threads, the batch sweep, peak RSS of training alone, and our SGEMM next to
# the system's OpenBLAS. Writes one log per part into the folder given (default: bench-results/).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results}"
mkdir -p "$out"
torch_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
./dcgan --help > /dev/null   # build first, untimed

echo "== side by side" && /usr/bin/python3 bench/compare.py --batch-size 256 --threads 1 2 --rounds 3 --steps 6 | tee "$out/side-by-side.txt"
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
    /usr/bin/python3 bench/compare.py --skip-pytorch --batch-size "$batch" --threads 1 2 --rounds 1 --steps 6 | tail -1
done | tee "$out/batch-sweep.txt"
echo "== peak RSS, training only (batch 256, 2 threads)"
{
    /usr/bin/time -v ./dcgan bench --threads 2 --steps 4 --generate-batch 1 2>&1 | grep -E "train:|Maximum resident"
    "${torch_env[@]}" /usr/bin/time -v /usr/bin/python3 bench/pytorch/dcgan_bench.py --threads 2 --steps 4 --generate-batch 1 2>&1 | grep -E "train_images|Maximum resident"
} | tee "$out/rss.txt"
echo "== SGEMM: ours and OpenBLAS"
(cd bench/Dcgan.Bench && dotnet build -c Release > /dev/null && "${torch_env[@]}" dotnet run -c Release --no-build -- blas-quick --threads 2) | tee "$out/blas.txt"
