#!/usr/bin/env bash
# The modern peers of `./dcgan bench`: PyTorch 2.6 (Debian 13's python3-torch, oneDNN and OpenBLAS) and TorchSharp 0.107
# (LibTorch 2.10), which need a newer libc and libstdc++ than this Debian 12 host has, so they run chrooted in a Debian 13
# root (MODERN_PEER_ROOT, default /var/tmp/dcgan-peer-trixie). Benchmarks only; tests and CI never call it. Needs root.
#
#   bench/peers/modern-peer.sh --check                 # exit 1 with one line when the root is missing
#   bench/peers/modern-peer.sh --build                 # make the root (mmdebstrap, a few minutes, once per machine)
#   bench/peers/modern-peer.sh python3 /mnt/here/bench/pytorch/dcgan_bench.py --threads 1 ...
#   bench/peers/modern-peer.sh torchsharp-build        # compile bench/peers/torchsharp into .build/torchsharp-peer
#   bench/peers/modern-peer.sh torchsharp --threads 1 ...   # run it (compiles first when missing)
#
# Commands run with the current folder mounted at /mnt/here (also their working folder) and the host's .NET at
# /opt/dotnet, in a private mount namespace: nothing stays mounted afterwards and concurrent calls do not disturb
# each other. The TorchSharp peer is compiled on the host (its package restore uses the host's network settings);
# only running it needs the Debian 13 libraries.
set -euo pipefail
root=${MODERN_PEER_ROOT:-/var/tmp/dcgan-peer-trixie}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tsp_out="$repo/.build/torchsharp-peer"
how="build it once with: sudo bench/peers/modern-peer.sh --build (mmdebstrap, network, a few minutes)"

ready() { [[ -x $root/usr/bin/python3 && -d $root/usr/lib/python3/dist-packages/torch ]]; }

case "${1:-}" in
  --check)
    ready || { echo "modern peers: no Debian 13 root with PyTorch at $root; $how" >&2; exit 1; }
    [[ $(id -u) == 0 ]] || { echo "modern peers: running them needs root (chroot)" >&2; exit 1; }
    exit 0 ;;
  --build)
    [[ $(id -u) == 0 ]] || { echo "modern peers: building the root needs root" >&2; exit 1; }
    command -v mmdebstrap > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap > /dev/null; }
    if ready; then echo "modern peers: $root is already there" >&2; exit 0; fi
    # Never delete through a bind mount (an older tool may have left /dev or a home folder mounted in the root).
    if findmnt -rn -o TARGET | grep -q -e "^$root/" -e "^$root.new/"; then
      echo "modern peers: something is still mounted under $root; unmount it first (findmnt | grep $root)" >&2; exit 1
    fi
    echo "modern peers: making a Debian 13 root with PyTorch 2.6 in $root" >&2
    rm -rf "$root.new"
    mmdebstrap --variant=apt --include=python3-torch,python3-scipy,libopenblas0-pthread,ca-certificates trixie "$root.new" > /dev/null
    rm -rf "$root" && mv "$root.new" "$root"
    exit 0 ;;
  torchsharp-build)
    stamp="$tsp_out/.built"
    if [[ ! -f $stamp || -n $(find "$repo/bench/peers/torchsharp" -newer "$stamp" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print -quit) ]]; then
      echo "modern peers: compiling the TorchSharp peer" >&2
      if ! log=$(DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$repo/bench/peers/torchsharp/TorchSharpPeer.csproj" \
                   -c Release -o "$tsp_out" -nologo -clp:ErrorsOnly 2>&1); then
        echo "$log" >&2; echo "modern peers: the TorchSharp peer did not compile" >&2; exit 1
      fi
      touch "$stamp"
    fi
    exit 0 ;;
  "" | -h | --help)
    sed -n '2,16p' "$0"; exit 0 ;;
esac

"$0" --check
if [[ $1 == torchsharp ]]; then
  "$0" torchsharp-build
  shift
  case "$tsp_out/" in "$(pwd)"/*) ;; *) cd "$repo" ;; esac   # the peer's folder must be under /mnt/here
  set -- /opt/dotnet/dotnet "/mnt/here/${tsp_out#"$(pwd)"/}/torchsharp_peer.dll" "$@"
fi

# Everything below runs in a mount namespace of its own.
if [[ -z ${MODERN_PEER_NS:-} ]]; then
  MODERN_PEER_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
mkdir -p "$root/mnt/here" "$root/opt/dotnet"
mount --bind /proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind "$(dirname "$(readlink -f "$(command -v dotnet)")")" "$root/opt/dotnet"
mount --bind "$(pwd)" "$root/mnt/here"
# The host's tuning for its own OpenBLAS does not apply to the root's. MODERN_PEER_ISA=avx2 holds every library in the
# root to AVX2 (ATen's kernels, oneDNN, MKL, OpenBLAS), as on a CPU without AVX-512.
isa=()
if [[ ${MODERN_PEER_ISA:-} == avx2 ]]; then
  isa=(ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 OPENBLAS_CORETYPE=Haswell)
fi
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u MODERN_PEER_NS -u MODERN_PEER_ISA "${isa[@]}" DOTNET_ROOT=/opt/dotnet \
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  chroot "$root" /bin/bash -c 'cd /mnt/here && exec "$@"' peer "$@"
