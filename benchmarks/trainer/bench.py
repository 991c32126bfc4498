#!/usr/bin/python3
"""homm-train against a PyTorch eager implementation of the same model (homm_torch.py), interleaved.

Step time and peak RSS for the issue's configs (a) and (b), each round running every trainer once
in rotating order so that load from other processes falls on all of them alike; then one epoch of
(a) with both, test accuracy side by side. Standard library only; started by benchmarks/trainer/run.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HOMM_TRAIN = os.path.join(ROOT, "src/HoMM.Trainer/bin/Release/net10.0/homm-train")
PYTORCH = ["/usr/bin/python3", os.path.join(HERE, "homm_torch.py")]

CONFIGS = {
    "a": {"dim": 128, "layers": 4, "patch": 7, "order": 2, "order-expand": 4, "ffw-expand": 4, "batch": 256},
    "b": {"dim": 128, "layers": 4, "patch": 4, "order": 2, "order-expand": 4, "ffw-expand": 4, "batch": 256},
}

# glibc returns big freed blocks to the kernel by default, so every step page-faults its large
# activations in again; homm-train turns that off itself (NativeAllocator.RetainFreedMemory), and
# "pytorch+malloc" gives PyTorch the same through the environment: the stricter anchor.
MALLOC_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": "4294967295"}


def flags(settings):
    out = []
    for k, v in settings.items():
        out += ["--" + k, str(v)]
    return out


def command(trainer, settings, threads, trial_dir):
    if trainer == "homm-train":
        return [HOMM_TRAIN] + flags(settings) + ["--threads", str(threads), "--device", "cpu", "--trial-dir", trial_dir]
    return PYTORCH + flags(settings) + ["--threads", str(threads)]


def run(trainer, settings, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY="PASSIVE")
    env.pop("HOMM_RESUME", None)
    if trainer == "pytorch+malloc":
        env.update(MALLOC_ENV)
    with tempfile.TemporaryDirectory(prefix="homm-bench-") as trial_dir:
        started = time.perf_counter()
        # stdin stays open until the trainer is done (homm-train stops when it closes, as it must
        # under the dispatcher); stderr goes to a file so that neither pipe can fill up.
        with tempfile.TemporaryFile(mode="w+") as err_file:
            p = subprocess.Popen(command(trainer, settings, threads, trial_dir), stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=err_file, env=env, text=True)
            out = p.stdout.read()
            p.wait()
            p.stdin.close()
            err_file.seek(0)
            err = err_file.read()
        wall = time.perf_counter() - started
    if p.returncode != 0:
        sys.exit(f"bench: {trainer} failed (exit {p.returncode}):\n{out}\n{err}")
    result = {"wall_s": wall}
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "info" in msg:
            result.update(msg["info"])
        if "final" in msg:
            result["final"] = msg["final"]
    return result


def mib(b):
    return b / 1048576.0


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--rounds", type=int, default=3, help="interleaved rounds per config (default 3)")
    a.add_argument("--steps", type=int, default=7, help="steps per timing run; the first 2 are left out (default 7)")
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--configs", default="a,b")
    a.add_argument("--trainers", default="homm-train,pytorch,pytorch+malloc")
    a.add_argument("--no-epoch", action="store_true", help="skip the one-epoch accuracy comparison")
    a.add_argument("--markdown", help="also write the tables to this file")
    o = a.parse_args()

    trainers = o.trainers.split(",")
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    load = os.getloadavg()
    say(f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} at the start (shared with other processes); "
        f"{o.threads} threads per trainer; {o.rounds} interleaved rounds; {o.steps} steps per run, first 2 left out.")
    say()
    say("| config | trainer | ms/step median (runs) | peak RSS MiB | ratio to pytorch | ratio to pytorch+malloc |")
    say("|---|---|---|---|---|---|")
    summary = {}
    for name in o.configs.split(","):
        settings = dict(CONFIGS[name], steps=1000)
        settings["benchmark-steps"] = o.steps
        results = {t: [] for t in trainers}
        for r in range(o.rounds):
            order = trainers[r % len(trainers):] + trainers[:r % len(trainers)]
            for t in order:
                res = run(t, settings, o.threads)
                results[t].append(res)
                print(f"  ({name}) round {r + 1}: {t}: {res['ms_per_step']:.0f} ms/step, peak {mib(res['peak_memory']):.0f} MiB",
                      file=sys.stderr, flush=True)
        med = {t: statistics.median(x["ms_per_step"] for x in results[t]) for t in trainers}
        for t in trainers:
            runs = ", ".join(f"{x['ms_per_step']:.0f}" for x in results[t])
            peak = max(x["peak_memory"] for x in results[t])
            ratios = [f"{med[t] / med[ref]:.2f}" if ref in med else "-" for ref in ("pytorch", "pytorch+malloc")]
            say(f"| ({name}) patch {CONFIGS[name]['patch']} | {t} | {med[t]:.0f} ({runs}) | {mib(peak):.0f} | {ratios[0]} | {ratios[1]} |")
        summary[name] = med

    if not o.no_epoch:
        say()
        say("One epoch of (a): 196 steps over the 50,000 training images (10,000 held out), lr 1e-3, wd 0.01, warm-up 20, "
            "cosine, clip 1, seed 0; validation accuracy on the held-out 10,000, test accuracy on the 10,000 test images.")
        say()
        say("| trainer | val accuracy | test accuracy | test loss | train loss (last eval window) |")
        say("|---|---|---|---|---|")
        settings = dict(CONFIGS["a"], steps=196, lr=0.001, wd=0.01, warmup=20, seed=0)
        settings["eval-every"] = 196
        for t in ("homm-train", "pytorch+malloc"):
            res = run(t, settings, o.threads)
            f = res["final"]
            say(f"| {t} | {100 * f['val/acc']:.2f} % | {100 * f['test/acc']:.2f} % | {f['test/loss']:.4f} | {f['train/loss']:.4f} |")
            # The two epochs run one after the other, not interleaved: their times are no comparison.
            print(f"  epoch: {t}: {res['ms_per_step']:.0f} ms/step, {res['wall_s']:.0f} s wall", file=sys.stderr, flush=True)
    if o.markdown:
        with open(o.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
