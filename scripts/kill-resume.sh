#!/usr/bin/env bash
# Kill test: trains once without interruption, then again while sending SIGKILL at random moments
# (resuming after each kill), and checks that the final checkpoints hold bit-identical models.
# Usage: scripts/kill-resume.sh [KILLS=10] [extra train flags...]   (default: synthetic data, 8 epochs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kills_wanted="${1:-10}"; shift || true
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
  flags=(--dataset synthetic --limit 24 --batch-size 8 --epochs 8 --checkpoint-every 1 --samples 4 --seed 9 --threads 2)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/dcgan" --version >/dev/null   # build once, outside the timed part
dll="$root/.build/cli/dcgan.dll"

echo "straight run..."
dotnet "$dll" train "${flags[@]}" --out "$work/straight" >/dev/null

kills=0
run="$work/killed"
while :; do
  args=(train "${flags[@]}" --out "$run")
  [ -f "$run/config.json" ] && args+=(--resume)
  dotnet "$dll" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  if [ "$kills" -ge "$kills_wanted" ]; then
    wait "$pid"
    break
  fi
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.15 + (r % 1400) / 1000 }')"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
    echo "kill $kills"
  else
    wait "$pid" || true
    echo "finished before the kill; starting a fresh run to reach $kills_wanted kills"
    rm -rf "$run"
  fi
done

last() { ls "$1"/checkpoints/ckpt-*.dcgan | sort -t- -k2 -n | tail -1; }
a="$(last "$work/straight")"; b="$(last "$run")"
# The weights and optimizer state are the same bytes; the header differs only in timings.
echo "straight: $a"; echo "killed $kills times: $b"
dotnet "$dll" generate --from "$a" --count 64 --seed 1 --out "$work/a.idx" >/dev/null
dotnet "$dll" generate --from "$b" --count 64 --seed 1 --out "$work/b.idx" >/dev/null
if cmp -s "$work/a.idx" "$work/b.idx"; then
  echo "OK: the resumed model draws exactly the same images as the uninterrupted one"
else
  echo "FAIL: the models differ" >&2
  exit 1
fi
