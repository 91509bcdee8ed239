#!/usr/bin/env python3
"""FID by epoch of several run folders as one SVG line chart (log scale), for docs/quality.md's recipe study.

    tools/recipe_curves.py OUT.svg LABEL=RUN_FOLDER [LABEL=RUN_FOLDER ...]

Each folder's quality.jsonl (written by `train --eval-every 1`) gives one line; labels starting with "fast" are
drawn in blue, the others in orange. Standard library only.
"""
import json
import math
import sys

WIDTH, HEIGHT = 760, 420
LEFT, RIGHT, TOP, BOTTOM = 64, 150, 20, 48
TICKS = [30, 50, 100, 200, 500, 1000]


def read(folder):
    rows = []
    with open(f"{folder}/quality.jsonl") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows.append((r["epoch"], r["fid"]))
    return rows


def main(argv):
    if len(argv) < 3 or any("=" not in a for a in argv[2:]):
        sys.exit(__doc__.strip().splitlines()[2].strip())
    runs = [(label, read(folder)) for label, folder in (a.split("=", 1) for a in argv[2:])]
    last = max(e for _, rows in runs for e, _ in rows)
    lo, hi = math.log10(TICKS[0]), math.log10(TICKS[-1] * 1.3)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(e):
        return LEFT + (e - 1) / max(1, last - 1) * plot_w

    def y(v):
        v = min(max(v, TICKS[0]), TICKS[-1] * 1.3)
        return TOP + (hi - math.log10(v)) / (hi - lo) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    for t in TICKS:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t}</text>')
    for e in range(0, last + 1, 5):
        if e >= 1:
            out.append(f'<line x1="{x(e):.1f}" x2="{x(e):.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#eee"/>')
            out.append(f'<text x="{x(e):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{e}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" text-anchor="middle">epoch</text>')
    out.append(f'<text transform="translate(16 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">FID (MNIST classifier, log scale)</text>')
    blues, oranges = ["#1f4e9c", "#3b7dd8", "#7fb0f0"], ["#b34700", "#e07b00", "#f2b05e"]
    for i, (label, rows) in enumerate(runs):
        palette = blues if label.startswith("fast") else oranges
        colour = palette[sum(1 for l, _ in runs[:i] if l.startswith("fast") == label.startswith("fast")) % len(palette)]
        points = " ".join(f"{x(e):.1f},{y(v):.1f}" for e, v in rows)
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
        ly = TOP + 14 + 18 * i
        out.append(f'<line x1="{LEFT + plot_w + 12}" x2="{LEFT + plot_w + 32}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{LEFT + plot_w + 38}" y="{ly}">{label}</text>')
    out.append("</svg>")
    with open(argv[1], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
