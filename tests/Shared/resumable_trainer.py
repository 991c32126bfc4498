# A fast trainer for dispatch tests and the chaos benchmark (python3, standard library only).
# Usage: python3 resumable_trainer.py <x>; env STEPS (default 10), EVENTS (a file), METRIC (the
# name it reports val/acc under, default val/acc: another name rehearses a misspelt objective).
# Reports val/acc = x*s/STEPS at each step (0.1 s apart) and x as the final result; checkpoints
# every step into $HOMM_TRIAL_DIR/ckpt and resumes from it when HOMM_RESUME=1; stops on a stop
# line or at end of stdin (the dispatcher is gone). Appends "start|final|exit <trial> <pid>" lines
# to $EVENTS so a test can tell how often each trial ran to completion and which pids to look for.
# FAIL_ABOVE: a trial with x above it crashes at once (exit 3), for tests of failures.
import json, os, sys, threading

x = float(sys.argv[1])
if x > float(os.environ.get("FAIL_ABOVE", "inf")):
    print("x is above FAIL_ABOVE", file=sys.stderr)
    sys.exit(3)
steps = int(os.environ.get("STEPS", "10"))
metric = os.environ.get("METRIC", "val/acc")
trial_dir = os.environ["HOMM_TRIAL_DIR"]
number = os.environ["HOMM_TRIAL_NUMBER"]


def event(kind):
    with open(os.environ["EVENTS"], "a") as f:
        f.write(f"{kind} {number} {os.getpid()}\n")


stop = threading.Event()


def watch():
    for line in sys.stdin:
        if '"stop"' in line:
            break
    stop.set()


threading.Thread(target=watch, daemon=True).start()
ckpt = os.path.join(trial_dir, "ckpt")
start = 1
if os.environ.get("HOMM_RESUME") == "1" and os.path.exists(ckpt):
    start = int(open(ckpt).read()) + 1
event("start")
for s in range(start, steps + 1):
    if stop.wait(0.1):
        event("exit")
        sys.exit(0)
    with open(ckpt + ".tmp", "w") as f:
        f.write(str(s))
    os.replace(ckpt + ".tmp", ckpt)
    print(json.dumps({"step": s, "metrics": {metric: x * s / steps, "train/loss": 1 - x}}), flush=True)
print(json.dumps({"final": {metric: x}}), flush=True)
event("final")
