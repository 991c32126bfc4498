#!/usr/bin/python3
"""The replay trainer: a custom trainer (docs/custom-trainer.md) that answers a trial from the
real-task table instead of training, so a whole study on the dispatcher takes seconds.

    trainer: {command: [python3, benchmarks/multifidelity/replay_trainer.py]}

The trial's parameters (lr, wd, order, order_expand from trial.json) are answered with the
table's nearest configuration — nearest in the unit cube of the search space, log scale for lr
and wd; no surrogate — and its recorded curve is replayed point by point. Virtual time is the
recorded time: each point's `virtual_seconds` (the run's seconds since start, plus the start-up
a resumed run pays again) is reported in the closing info line; HOMM_REPLAY_SPEED > 0 also sleeps
virtual_seconds / speed per point. Resume works as homm-train's: a checkpoint file holds the
step, and --resume (or HOMM_RESUME=1) continues after it; stop lines are honoured between points
(reason pruned: no checkpoint).
"""
import json
import math
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPACE = {"lr": (1e-3, 3e-2, True), "wd": (1e-4, 0.1, True), "order": (1, 3, False), "order_expand": (1, 4, False)}


def unit(name, v):
    lo, hi, log = SPACE[name]
    return (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo)) if log else (v - lo) / max(1, hi - lo)


def nearest(rows, params):
    def dist(r):
        return sum((unit(k, float(params[k])) - unit(k, r["config"][k])) ** 2 for k in SPACE)
    return min(rows, key=dist)


def main():
    config = json.load(open(os.environ.get("HOMM_PARAMS_FILE") or sys.argv[sys.argv.index("--config") + 1]))
    trial_dir = config.get("trial_dir") or os.environ.get("HOMM_TRIAL_DIR", ".")
    table = os.environ.get("HOMM_REPLAY_TABLE", os.path.join(HERE, "table.jsonl"))
    rows = [r for r in map(json.loads, open(table)) if r["seed"] == 0 and r["error"] is None]
    run = nearest(rows, config["params"])
    speed = float(os.environ.get("HOMM_REPLAY_SPEED", "0"))
    ckpt = os.path.join(trial_dir, "replay.ckpt")
    resume = config.get("resume") or os.environ.get("HOMM_RESUME") == "1" or "--resume" in sys.argv
    start_step = json.load(open(ckpt))["step"] if resume and os.path.exists(ckpt) else 0

    stop = []

    def watch():
        for line in sys.stdin:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("cmd") == "stop":
                stop.append(msg.get("reason"))
                return
        stop.append("stdin closed")

    threading.Thread(target=watch, daemon=True).start()
    curve = run["curve"]
    first = curve[0]["wall_s"] - (curve[1]["wall_s"] - curve[0]["wall_s"])
    base = next((p["wall_s"] for p in curve if p["step"] == start_step), 0.0)
    print(json.dumps({"info": {"replayed_config": run["config"], "table_index": run["index"], "resumed_from_step": start_step}}), flush=True)
    virtual = 0.0
    previous = base
    for p in curve:
        if p["step"] <= start_step:
            continue
        if stop:
            break
        virtual = p["wall_s"] - base + (first if start_step else 0.0)
        if speed > 0:
            time.sleep((p["wall_s"] - previous) / speed)
        previous = p["wall_s"]
        print(json.dumps({"step": p["step"], "metrics": {"val/acc": p["val_acc"], "val/loss": p["val_loss"]}}), flush=True)
        tmp = ckpt + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"step": p["step"]}, f)
        os.replace(tmp, ckpt)
        print(json.dumps({"checkpoint": ckpt, "step": p["step"]}), flush=True)
    print(json.dumps({"info": {"virtual_seconds": round(virtual, 3)}}), flush=True)
    if not stop:
        last = curve[-1]
        print(json.dumps({"final": {"val/acc": last["val_acc"], "val/loss": last["val_loss"]}, "step": last["step"]}), flush=True)


if __name__ == "__main__":
    main()
