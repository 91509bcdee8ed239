# Side-by-side benchmark: runs `./dcgan bench` and the PyTorch peer (bench/pytorch/dcgan_bench.py) alternately,
# several rounds per thread count, each under /usr/bin/time -v, and prints medians, peak RSS and our/PyTorch ratios.
#
#   /usr/bin/python3 bench/compare.py --batch-size 256 --threads 1 2 --rounds 3 --steps 6
#
# PyTorch is compared at its best thread count (the higher median), as the issue asks. Both programs print the
# same last-line JSON: {"train_images_per_s": ..., "generate_images_per_s": ..., "batch_size": ..., "threads": ...}.

import argparse
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (last-line JSON, peak RSS in MB, load average at start)."""
    load = os.getloadavg()[0]
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s\n%s" % (" ".join(cmd), proc.stdout[-2000:], proc.stderr[-2000:]))
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024
    return result, rss, load


def main():
    parser = argparse.ArgumentParser(description="./dcgan bench vs PyTorch, alternated")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--skip-pytorch", action="store_true", help="time only ./dcgan (batch sweeps)")
    args = parser.parse_args()

    torch_env = dict(os.environ)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        torch_env.pop(name, None)
    subprocess.run([os.path.join(ROOT, "dcgan"), "--help"], cwd=ROOT, capture_output=True)  # build first, untimed

    samples = {}
    for r in range(args.rounds):
        for t in args.threads:
            common = ["--batch-size", str(args.batch_size), "--steps", str(args.steps), "--warmup", str(args.warmup),
                      "--threads", str(t)]
            runs = [("ours", [os.path.join(ROOT, "dcgan"), "bench"] + common, None)]
            if not args.skip_pytorch:
                runs.append(("pytorch", ["/usr/bin/python3", "bench/pytorch/dcgan_bench.py"] + common, torch_env))
            # Alternate which goes first, so neither always gets the quieter moment.
            if r % 2 == 1:
                runs.reverse()
            for name, cmd, env in runs:
                result, rss, load = run(cmd, env)
                samples.setdefault((name, t), []).append((result["train_images_per_s"], result["generate_images_per_s"], rss, load))
                print("round %d, %-7s %d thread(s): train %8.1f  generate %8.1f images/s  peak RSS %6.0f MB  (load %.1f)" %
                      (r + 1, name, t, result["train_images_per_s"], result["generate_images_per_s"], rss, load), flush=True)

    print()
    print("| program | threads | train images/s (median) | generate images/s (median) | peak RSS MB (median) | runs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    med = {}
    for (name, t), rows in sorted(samples.items()):
        m = tuple(statistics.median(x[i] for x in rows) for i in range(3))
        med[(name, t)] = m
        print("| %s | %d | %.1f | %.1f | %.0f | %d |" % (name, t, m[0], m[1], m[2], len(rows)))
    summary = {"batch_size": args.batch_size}
    for t in args.threads:
        summary["ours_train_%dt" % t] = round(med[("ours", t)][0], 1)
        summary["ours_generate_%dt" % t] = round(med[("ours", t)][1], 1)
    if not args.skip_pytorch:
        best_train = max(med[("pytorch", t)][0] for t in args.threads)
        best_gen = max(med[("pytorch", t)][1] for t in args.threads)
        ours_train = max(med[("ours", t)][0] for t in args.threads)
        ours_gen = max(med[("ours", t)][1] for t in args.threads)
        print()
        print("train ratio (ours best / PyTorch best): %.2fx   generate ratio: %.2fx" % (ours_train / best_train, ours_gen / best_gen))
        summary.update({"pytorch_best_train": round(best_train, 1), "pytorch_best_generate": round(best_gen, 1),
                        "train_ratio": round(ours_train / best_train, 2), "generate_ratio": round(ours_gen / best_gen, 2)})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
