#!/usr/bin/env python3
"""A tiny trainer that speaks the HoMM Search trainer protocol, using only the standard library.

It fits a logistic regression with SGD on a small synthetic data set, so the learning rate and
weight decay visibly change the validation accuracy. Everything a real trainer needs is here:

  * parameters from the command line ("{lr}" placeholders) or from trial.json ($HOMM_PARAMS_FILE),
  * metrics lines every --eval-every steps, an info line, a final result,
  * a checkpoint in the trial's folder ($HOMM_TRIAL_DIR) and --resume / $HOMM_RESUME=1,
  * control lines on stdin: {"cmd":"stop","reason":...} stops it, and so does stdin closing
    (the dispatcher died) -- then no orphan keeps running,
  * --fault to rehearse failures: crash, nan, oom, hang, error.

Protocol reference: docs/custom-trainer.md.
"""
import argparse
import json
import math
import os
import random
import signal
import sys
import threading
import time

stop_reason = None  # set by the stdin thread: "pruned", "timeout", "shutdown", "user", "stdin closed"


def emit(obj):
    """One protocol message: one JSON object on one stdout line, flushed at once."""
    print(json.dumps(obj), flush=True)


def watch_stdin():
    """Reads control lines; end-of-file means the dispatcher is gone."""
    global stop_reason
    for line in sys.stdin:
        try:
            cmd = json.loads(line)
        except ValueError:
            continue
        if isinstance(cmd, dict) and cmd.get("cmd") == "stop":
            stop_reason = cmd.get("reason", "stop")
            return
    stop_reason = "stdin closed"


def make_data(n, rng):
    """Two overlapping Gaussian blobs in 2-D, labels 0/1."""
    data = []
    for _ in range(n):
        y = rng.random() < 0.5
        cx, cy = (1.0, 0.5) if y else (-1.0, -0.5)
        data.append((rng.gauss(cx, 1.2), rng.gauss(cy, 1.2), 1.0 if y else 0.0))
    return data


def evaluate(w, data):
    loss, correct = 0.0, 0
    for x1, x2, y in data:
        z = w[0] * x1 + w[1] * x2 + w[2]
        p = 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))
        loss -= y * math.log(max(p, 1e-12)) + (1 - y) * math.log(max(1 - p, 1e-12))
        correct += (p >= 0.5) == (y == 1.0)
    return loss / len(data), correct / len(data)


def save_checkpoint(path, step, w, rng):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"step": step, "w": w, "rng": repr(rng.getstate())}, f)
    os.replace(tmp, path)  # atomic: a crash leaves the old or the new checkpoint, never half of one


def main():
    trial = {}
    if os.environ.get("HOMM_PARAMS_FILE") and os.path.exists(os.environ["HOMM_PARAMS_FILE"]):
        with open(os.environ["HOMM_PARAMS_FILE"]) as f:
            trial = json.load(f)
    params = trial.get("params", {})

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lr", type=float, default=params.get("lr", 0.1))
    ap.add_argument("--wd", type=float, default=params.get("wd", 0.0))
    ap.add_argument("--steps", type=int, default=params.get("steps", 200))
    ap.add_argument("--eval-every", type=int, default=20)
    ap.add_argument("--step-time", type=float, default=0.005, help="seconds of pretend work per step")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--resume", action="store_true", default=os.environ.get("HOMM_RESUME") == "1")
    ap.add_argument("--fault", choices=["none", "crash", "nan", "oom", "hang", "error"], default="none")
    ap.add_argument("--fault-step", type=int, default=40)
    args = ap.parse_args()

    threading.Thread(target=watch_stdin, daemon=True).start()

    data_rng = random.Random(1234)
    train, val = make_data(400, data_rng), make_data(200, data_rng)
    rng = random.Random(args.seed)
    w = [0.0, 0.0, 0.0]
    start = 0
    # Each trial has its own folder; the working directory may be shared by parallel trials.
    ckpt = os.path.join(os.environ.get("HOMM_TRIAL_DIR", "."), "checkpoint.json")
    if args.resume and os.path.exists(ckpt):
        with open(ckpt) as f:
            state = json.load(f)
        start, w = state["step"], state["w"]
        rng.setstate(eval(state["rng"]))  # our own file, written by save_checkpoint
        print(f"resumed from step {start}", file=sys.stderr, flush=True)

    emit({"info": {"params": len(w), "device": "cpu", "threads": os.environ.get("OMP_NUM_THREADS"), "resumed_from": start}})

    for step in range(start + 1, args.steps + 1):
        if stop_reason is not None and args.fault != "hang":
            if stop_reason != "pruned":  # pruned trials are never resumed: no checkpoint needed
                save_checkpoint(ckpt, step - 1, w, rng)
                emit({"checkpoint": ckpt, "step": step - 1})
            print(f"stopping at step {step - 1}: {stop_reason}", file=sys.stderr, flush=True)
            return 0

        if args.fault != "none" and step == args.fault_step:
            if args.fault == "crash":
                os.kill(os.getpid(), signal.SIGSEGV)
            if args.fault == "oom":
                print("RuntimeError: CUDA out of memory. Tried to allocate 20.00 GiB", file=sys.stderr, flush=True)
                return 1
            if args.fault == "error":
                emit({"error": "the data set is empty", "reason": "data"})
                return 1
            if args.fault == "hang":
                while True:  # stuck: ignores stop lines and stdin; only signals end it
                    time.sleep(1)
            if args.fault == "nan":
                w = [float("nan")] * 3

        batch = [train[rng.randrange(len(train))] for _ in range(16)]
        g = [0.0, 0.0, 0.0]
        for x1, x2, y in batch:
            z = w[0] * x1 + w[1] * x2 + w[2]
            p = 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0))) if not math.isnan(z) else z
            for i, xi in enumerate((x1, x2, 1.0)):
                g[i] += (p - y) * xi / len(batch)
        w = [wi - args.lr * (gi + args.wd * wi) for wi, gi in zip(w, g)]
        time.sleep(args.step_time)

        if step % args.eval_every == 0 or step == args.steps:
            loss, acc = evaluate(w, val) if not math.isnan(w[0]) else (float("nan"), 0.0)
            emit({"step": step, "metrics": {"val/loss": loss, "val/acc": acc}})
            if math.isnan(loss):
                emit({"error": f"loss is NaN at step {step}", "reason": "diverged"})
                return 1
            save_checkpoint(ckpt, step, w, rng)
            emit({"checkpoint": ckpt, "step": step})

    loss, acc = evaluate(w, val)
    emit({"final": {"val/acc": acc, "val/loss": loss}, "step": args.steps})
    return 0


if __name__ == "__main__":
    sys.exit(main())
