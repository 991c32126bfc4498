#!/usr/bin/python3
"""The replay trainer: a custom trainer (docs/custom-trainer.md) that answers a trial from the
real-task table instead of training, so a whole study on the dispatcher takes seconds.

    search_space: lr, wd (log), order, order_expand as in the table (make_table.py's SPACE)
    pruner: {kind: asha, mode: promote, min_resource: 90, reduction_factor: 3, max_resource: 810}
    trainer: {command: [python3, benchmarks/multifidelity/replay_trainer.py, --config, "{params_file}"],
              resumable: true}

The trial's run comes from the benchmark program itself (`HoMM.Benchmarks.MultiFidelity.dll curve`,
built by benchmarks/multifidelity/run), so the dispatcher replays exactly what the benchmark's
simulator does: by default the table's surrogate (HOMM_REPLAY_MODE=surrogate: the per-step
Gaussian-process mean plus one table run's residual, drawn by trial number and HOMM_REPLAY_SEED),
or the nearest table row's recorded curve (HOMM_REPLAY_MODE=nearest). Virtual time is the
recorded time: each point's `virtual_seconds` (seconds since start, plus the start-up a resumed
run pays again) is reported in the closing info line; HOMM_REPLAY_SPEED > 0 also sleeps
virtual_seconds / speed per point. Resume works as homm-train's: a checkpoint file holds the
step, and --resume (or HOMM_RESUME=1) continues after it; stop lines are honoured between points
(reason pruned: no checkpoint).
"""
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DLL = os.path.join(HERE, "bin/Release/net10.0/HoMM.Benchmarks.MultiFidelity.dll")


def answer(params, trial):
    """The run the benchmark replays for this trial (CurveCommand.cs)."""
    args = ["dotnet", os.environ.get("HOMM_REPLAY_DLL", DLL), "curve",
            "--table", os.environ.get("HOMM_REPLAY_TABLE", os.path.join(HERE, "table.jsonl")),
            "--replay", os.environ.get("HOMM_REPLAY_MODE", "surrogate"),
            "--seed", os.environ.get("HOMM_REPLAY_SEED", "0"), "--trial", str(trial),
            "--params", json.dumps({k: float(params[k]) for k in ("lr", "wd", "order", "order_expand")})]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def main():
    config = json.load(open(os.environ.get("HOMM_PARAMS_FILE") or sys.argv[sys.argv.index("--config") + 1]))
    trial_dir = config.get("trial_dir") or os.environ.get("HOMM_TRIAL_DIR", ".")
    run = answer(config["params"], int(config.get("trial_number", os.environ.get("HOMM_TRIAL_NUMBER", "0"))))
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
    first = run["startup_seconds"]
    base = next((p["wall_s"] for p in curve if p["step"] == start_step), 0.0)
    print(json.dumps({"info": {"replayed_config": run["config"], "table_index": run["table_index"], "resumed_from_step": start_step}}), flush=True)
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
        print(json.dumps({"step": p["step"], "metrics": {"val/acc": p["val_acc"]}}), flush=True)
        tmp = ckpt + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"step": p["step"]}, f)
        os.replace(tmp, ckpt)
        print(json.dumps({"checkpoint": ckpt, "step": p["step"]}), flush=True)
    print(json.dumps({"info": {"virtual_seconds": round(virtual, 3)}}), flush=True)
    if not stop:
        last = curve[-1]
        print(json.dumps({"final": {"val/acc": last["val_acc"]}, "step": last["step"]}), flush=True)


if __name__ == "__main__":
    main()
