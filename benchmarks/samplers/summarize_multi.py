#!/usr/bin/env python3
"""Tables of a multi-objective benchmark's runs (the JSON lines `--runs FILE` appends, one per
finished run): per problem and trial count, the hypervolume median [IQR] of each sampler over
the seeds every sampler of that problem finished (a run stopped early still compares like with
like), the seed count, and ours/Optuna's best median.

    benchmarks/samplers/summarize_multi.py runs.jsonl [more.jsonl ...]

A run (problem, sampler, seed) found in several files is taken from the last one given, so a
re-run of one sampler (after a change of its defaults) replaces the old runs when listed last.
"""
import json
import statistics
import sys
from collections import defaultdict


def quantile(values, q):
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo, hi = int(pos), min(int(pos) + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def main(paths):
    runs = defaultdict(dict)          # (problem, checkpoint) -> {(sampler, seed): hv}
    seconds = defaultdict(list)       # (problem, sampler, max checkpoint) -> seconds per run
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                for c, hv in zip(r["checkpoints"], r["hypervolume"]):
                    runs[(r["problem"], c)][(r["sampler"], r["seed"])] = hv
                seconds[(r["problem"], r["sampler"], max(r["checkpoints"]))].append(r["seconds"])
    samplers = sorted({s for cell in runs.values() for (s, _) in cell}, key=lambda s: (s.startswith("Optuna"), s))
    print("| problem | trials | seeds | " + " | ".join(samplers) + " | ours/Optuna |")
    print("|---" * (len(samplers) + 4) + "|")
    for (problem, c) in sorted(runs):
        cell = runs[(problem, c)]
        present = [s for s in samplers if any(k[0] == s for k in cell)]
        seeds = sorted(set.intersection(*[{seed for (s, seed) in cell if s == x} for x in present]))
        if not seeds:
            continue
        medians, cols = {}, []
        for s in samplers:
            if s not in present:
                cols.append("–")
                continue
            v = [cell[(s, seed)] for seed in seeds]
            medians[s] = statistics.median(v)
            cols.append(f"{medians[s]:.4f} [{quantile(v, 0.25):.4f}, {quantile(v, 0.75):.4f}]")
        ours = max((m for s, m in medians.items() if s.startswith("ours")), default=None)
        theirs = max((m for s, m in medians.items() if s.startswith("Optuna")), default=None)
        ratio = f"{ours / theirs:.3f}" if ours and theirs else "–"
        print(f"| {problem} | {c} | {len(seeds)} | " + " | ".join(cols) + f" | {ratio} |")
    print()
    print("Wall seconds per run (median; the machine's load included):")
    for (problem, s, c), v in sorted(seconds.items()):
        if s.startswith("Optuna"):
            print(f"- {problem}, {s}, {c} trials: {statistics.median(v):.1f} s over {len(v)} runs")


if __name__ == "__main__":
    main(sys.argv[1:])
