#!/usr/bin/python3
"""Builds the tabular benchmark of the real task: homm-train over a few hundred configurations of a
small HoMM on Fashion-MNIST, with the learning curve at every rung step and the time each point took.

    nice -n 19 benchmarks/multifidelity/make_table.py [--configs 200] [--workers 2] [--out table.jsonl]

Each finished run is appended to the JSON-lines output at once, so an interrupted generation
continues where it stopped when started again. The output is the committed table
(benchmarks/multifidelity/table.jsonl, one run per line). The configurations are drawn from a fixed seed; a handful are also run with
other training seeds, so the table records its own seed noise (the honesty check compares to it).
"""
import argparse
import concurrent.futures
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The fixed part of every run: the quickstart's model and schedule (800 steps rounded to 810 = 30·3³,
# batch 64, warm-up 50), one thread; 27 curve points give rungs 30, 90, 270 and 810 at reduction
# factor 3. About 10 s a run on a quiet core.
FIXED = dict(dim=32, layers=2, patch=7, ffw_expand=4, batch=64, steps=810, eval_every=30, warmup=50,
             val_size=2000, threads=1, device="cpu")

# The searched part: the quickstart's space (its constraint included) with a wider learning rate.
SPACE = [
    {"name": "lr", "type": "float", "low": 1e-3, "high": 3e-2, "log": True},
    {"name": "wd", "type": "float", "low": 1e-4, "high": 0.1, "log": True},
    {"name": "order", "type": "int", "low": 1, "high": 3},
    {"name": "order_expand", "type": "int", "low": 1, "high": 4},
]


def feasible(c):
    return c["order"] * c["order_expand"] <= 8


def draw_configs(n, seed):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        c = {}
        for p in SPACE:
            if p["type"] == "float":
                lo, hi = math.log(p["low"]), math.log(p["high"])
                c[p["name"]] = float(f"{math.exp(rng.uniform(lo, hi)):.4g}")
            else:
                c[p["name"]] = rng.randint(p["low"], p["high"])
        if feasible(c):
            out.append(c)
    return out


def run_one(trainer, config, seed):
    args = [trainer]
    for k, v in {**FIXED, **config, "seed": seed}.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    with tempfile.TemporaryDirectory(prefix="mf-table-") as d:
        args += ["--trial-dir", d]
        start = time.monotonic()
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        curve, final, info = [], None, {}
        for line in p.stdout:
            msg = json.loads(line)
            if "metrics" in msg and "step" in msg:
                m = msg["metrics"]
                curve.append({"step": msg["step"], "val_acc": m["val/acc"], "val_loss": m["val/loss"],
                              "wall_s": round(time.monotonic() - start, 3)})
                if msg["step"] == FIXED["steps"]:
                    # The curve is complete: stop before the test-set pass, a third of a run's time.
                    p.stdin.write("stop\n")
                    p.stdin.flush()
            elif "final" in msg:
                final = msg["final"]
            elif "info" in msg:
                info.update(msg["info"])
            elif "error" in msg:
                final = {"error": msg.get("reason", "error")}
                break
        p.stdin.close()
        p.wait()
    complete = bool(curve) and curve[-1]["step"] == FIXED["steps"]
    return {"config": config, "seed": seed, "curve": curve,
            "error": final.get("error") if final else (None if complete else "incomplete curve"),
            "train_seconds": info.get("train_seconds"), "ms_per_step": info.get("ms_per_step"),
            "params": info.get("params"), "wall_s": round(time.monotonic() - start, 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", type=int, default=200)
    ap.add_argument("--noise-configs", default="0,1,50,100,150", help="indices of the configurations also run with seeds 1 and 2")
    ap.add_argument("--workers", type=int, default=1, help="runs at a time (one thread each)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks/multifidelity/table.jsonl"))
    ap.add_argument("--trainer", default=os.path.join(ROOT, ".build/trainer/homm-train"))
    a = ap.parse_args()
    configs = draw_configs(a.configs, a.seed)
    # Noise runs first for a spread of configurations, so a short generation still measures noise.
    jobs = [(i, 0) for i in range(a.configs)]
    noise = [(int(i), s) for i in a.noise_configs.split(",") for s in (1, 2)]
    ordered = jobs[:8] + noise + [(i, 0) for i, _ in noise] + jobs[8:]
    jobs = list(dict.fromkeys(ordered))
    done = set()
    if os.path.exists(a.out):
        with open(a.out) as f:
            for line in f:
                r = json.loads(line)
                done.add((r["index"], r["seed"]))
    lock = threading.Lock()
    with open(a.out, "a") as f:
        def one(n, i, seed):
            r = run_one(a.trainer, configs[i], seed)
            r["index"] = i
            with lock:
                f.write(json.dumps(r) + "\n")
                f.flush()
                print(f"[{n + 1}/{len(jobs)}] config {i} seed {seed}: val/acc {r['curve'][-1]['val_acc'] if r['curve'] else None} "
                      f"in {r['wall_s']} s", file=sys.stderr, flush=True)

        with concurrent.futures.ThreadPoolExecutor(a.workers) as pool:
            todo = [pool.submit(one, n, i, seed) for n, (i, seed) in enumerate(jobs) if (i, seed) not in done]
            for t in todo:
                t.result()


if __name__ == "__main__":
    main()
