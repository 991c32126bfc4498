#!/usr/bin/env python3
"""The GPU check's device half (started by benchmarks/gpu/run; docs/gpu.md).

On a GPU host with python3 + a CUDA PyTorch, CMake and nvcc, and no .NET, with .build/gpu (built
here by benchmarks/gpu/prepare) beside the working tree:
  1. builds the libtorch shim (src/HoMM.Torch/native) against this PyTorch's libtorch;
  2. checks homm-train's CUDA training against its CPU training on a small model (fp32; bf16 too
     when homm-train has --precision);
  3. trains the imagenet-shaped model (160 px, patch 16, 8 layers, dim 320, o2 oe4, batch 512)
     200 steps on a generated synthetic image folder, fp32 and bf16, when homm-train reads image
     folders (else notes why not);
  4. times homm-train against benchmarks/trainer/homm_torch.py (PyTorch eager) on the GPU;
  5. runs 1, 2 and 4 small trials at once on the GPU: trials per hour.
Each stage runs only while the time budget allows; the summary (Markdown) and every raw number
(JSON) go to --out. --smoke runs the same stages on the CPU with tiny sizes (checks this script
here); --plan prints what would run. Standard library + the torch of this python only.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUNDLE = os.path.join(ROOT, ".build", "gpu")
APP = os.path.join(BUNDLE, "homm-train")
HOMM_TRAIN = os.path.join(APP, "homm-train")
FMNIST = os.path.join(BUNDLE, "data", "fashion-mnist")
NATIVE = os.path.join(ROOT, "src", "HoMM.Torch", "native")
BUILD = os.path.join(ROOT, ".build", "gpu-native")      # not carried back
SYNTHETIC = os.path.join(ROOT, ".build", "gpu-synthetic")
ANCHOR = os.path.join(ROOT, "benchmarks", "trainer", "homm_torch.py")

# The config (a) (benchmarks/trainer) and the upstream ablation's model (studies/imagenet-homm-s.yaml).
SMALL = {"dim": 128, "layers": 4, "patch": 7, "order": 2, "order-expand": 4, "ffw-expand": 4, "batch": 256}
IMAGENET = {"dim": 320, "layers": 8, "patch": 16, "order": 2, "order-expand": 4, "ffw-expand": 4, "batch": 512, "image-size": 160}
# The same width and depth on Fashion-MNIST's 28 px (patch 4: 49 tokens), for the PyTorch comparison.
WIDE = {"dim": 320, "layers": 8, "patch": 4, "order": 2, "order-expand": 4, "ffw-expand": 4, "batch": 512}
CHECK = {"dim": 64, "layers": 2, "patch": 7, "order": 2, "order-expand": 4, "ffw-expand": 4, "batch": 64}


class Sizes:
    """What each stage runs: the real sizes on a GPU, tiny ones for --smoke on a CPU."""

    def __init__(self, smoke):
        self.smoke = smoke
        self.device = "cpu" if smoke else "cuda"
        tiny = {"dim": 16, "layers": 1, "order": 2, "order-expand": 2, "ffw-expand": 2}
        self.check = dict(CHECK, batch=16) if smoke else CHECK
        self.check_steps = 4 if smoke else 6
        self.imagenet = dict(tiny, patch=8, batch=8, **{"image-size": 32}) if smoke else IMAGENET
        self.imagenet_steps = 3 if smoke else 200
        self.synthetic = (4, 6, 1) if smoke else (1000, 6, 1)     # classes, train and test images per class
        self.small = dict(tiny, patch=7, batch=16) if smoke else SMALL
        self.wide = dict(tiny, patch=4, batch=16) if smoke else WIDE
        self.anchor_steps = 4 if smoke else 50
        self.pack = [1, 2] if smoke else [1, 2, 4]
        self.pack_steps = 4 if smoke else 300


class Clock:
    def __init__(self, budget):
        self.start, self.budget = time.monotonic(), budget

    def left(self):
        return self.budget - (time.monotonic() - self.start)

    def elapsed(self):
        return time.monotonic() - self.start


def log(message):
    print(f"gpu: {message}", flush=True)


def tail(text, lines=25):
    return "\n".join((text or "").strip().splitlines()[-lines:])


def flags(settings):
    out = []
    for k, v in settings.items():
        out += ["--" + k, str(v)]
    return out


def trainer(args, timeout, env=None):
    """Runs homm-train (or the anchor) with stdin held open, as the dispatcher does; returns what it reported."""
    started = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as err:
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
                             env=dict(os.environ, **(env or {})))
        timer = threading.Timer(max(1.0, timeout), p.kill)
        timer.start()
        try:
            out = p.stdout.read()
            p.wait()
        finally:
            timer.cancel()
            p.stdin.close()
        err.seek(0)
        stderr = err.read()
    result = {"exit": p.returncode, "wall_s": round(time.perf_counter() - started, 2), "info": {}, "evals": []}
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "info" in msg:
            result["info"].update(msg["info"])
        if "metrics" in msg and "step" in msg:
            result["evals"].append(dict(msg["metrics"], step=msg["step"]))
        if "final" in msg:
            result["final"] = msg["final"]
        if "error" in msg:
            result["error"] = f"{msg.get('reason', 'error')}: {msg['error']}"
    if p.returncode != 0:
        result["error"] = result.get("error") or f"exit {p.returncode} after {result['wall_s']} s"
        result["stderr"] = tail(stderr)
    return result


def homm(settings, device, trial_dir, extra=(), timeout=300, env=None):
    return trainer([HOMM_TRAIN] + flags(settings) + ["--device", device, "--trial-dir", trial_dir] + list(extra), timeout, env)


def capabilities():
    """What this homm-train can do, from its --help: image folders, --precision, --val-size, --workers, --eval-batch."""
    try:
        help_run = subprocess.run([HOMM_TRAIN, "--help"], capture_output=True, text=True, timeout=60)
        text = help_run.stdout + help_run.stderr   # homm-train prints its usage on stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": str(e)}
    dataset = re.search(r"--dataset (\S+)", text)
    names = set(re.findall(r"--([a-z][a-z0-9-]+)", text))
    return {"imagefolder": bool(dataset and "imagefolder" in dataset.group(1)),
            "precision": "precision" in names, "val_size": "val-size" in names,
            "workers": "workers" in names, "eval_batch": "eval-batch" in names}


# ---------------------------------------------------------------- stages

def stage_environment(r):
    import torch
    env = {"python": sys.executable, "torch": torch.__version__, "torch_cuda": torch.version.cuda,
           "cuda_available": torch.cuda.is_available(), "cmake_prefix_path": torch.utils.cmake_prefix_path,
           "cores": os.cpu_count()}
    if torch.cuda.is_available():
        env["gpus"] = [f"{torch.cuda.get_device_name(i)}, {torch.cuda.get_device_properties(i).total_memory / 2**30:.0f} GiB"
                       for i in range(torch.cuda.device_count())]
    if shutil.which("nvidia-smi"):
        q = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
                           capture_output=True, text=True)
        env["nvidia_smi"] = q.stdout.strip()
    for tool in ("cmake", "nvcc"):
        env[tool] = shutil.which(tool)
    with open(os.path.join(BUNDLE, "bundle.txt")) as f:
        env["bundle"] = f.read().strip()
    r["environment"] = env
    log(f"torch {env['torch']} (CUDA {env['torch_cuda']}), GPUs: {env.get('gpus', 'none')}")


def stage_build(r, o):
    """cmake + make of the shim against this python's libtorch; the library goes beside homm-train."""
    import torch
    torch_dir = o.torch_dir or os.path.join(torch.utils.cmake_prefix_path, "Torch")
    args = ["-DCMAKE_BUILD_TYPE=Release",
            # Deprecations are for CI's compile check (scripts/check-libtorch2) to catch; here they must not stop the measurement.
            "-DCMAKE_CXX_FLAGS=-Wno-error=deprecated-declarations"]
    if os.path.exists(os.path.join(torch_dir, "TorchConfig.cmake")):
        args.append(f"-DHOMM_TORCH_DIR={torch_dir}")
    elif not o.smoke:
        r["build"] = {"ok": False, "error": f"{torch_dir} holds no TorchConfig.cmake"}
        return
    else:
        torch_dir = "(the system's libtorch)"   # Debian's python3-torch keeps its CMake files elsewhere
    args += os.environ.get("HOMM_GPU_CMAKE_ARGS", "").split()
    shutil.rmtree(BUILD, ignore_errors=True)
    started = time.perf_counter()
    output = ""
    ok = True
    for cmd in (["cmake", "-S", NATIVE, "-B", BUILD] + args, ["cmake", "--build", BUILD, "--parallel", str(os.cpu_count() or 2)]):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=max(30, o.clock.left() - 30))
        except (OSError, subprocess.TimeoutExpired) as e:
            output += f"\n{' '.join(cmd)}: {e}"
            ok = False
            break
        output += p.stdout + p.stderr
        if p.returncode != 0:
            ok = False
            break
    with open(os.path.join(o.out, "shim-build.log"), "w") as f:
        f.write(output)
    build = {"ok": ok, "seconds": round(time.perf_counter() - started, 1), "torch_dir": torch_dir,
             "cuda": "libtorch has CUDA" in output,
             "deprecation_warnings": len(re.findall(r"warning: .*deprecated", output))}
    if ok:
        shutil.copy2(os.path.join(BUILD, "libhomm_torch.so"), os.path.join(APP, "libhomm_torch.so"))
    else:
        build["error"] = tail(output, 40)
    r["build"] = build
    log(f"shim built: {ok} in {build['seconds']} s (CUDA: {build['cuda']}, deprecation warnings: {build['deprecation_warnings']})")


def max_relative(a_evals, b_evals, keys=("train/loss", "val/loss")):
    worst = 0.0
    for a, b in zip(a_evals, b_evals):
        for k in keys:
            if k in a and k in b:
                worst = max(worst, abs(a[k] - b[k]) / max(abs(b[k]), 1e-12))
    return worst


def stage_check(r, o, caps):
    """The same seeded training on the CPU and on the GPU: per-evaluation losses must agree."""
    s = o.sizes
    settings = dict(s.check, steps=s.check_steps, **{"eval-every": 2}, lr=1e-2, seed=0, path=FMNIST)
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        cpu = homm(settings, "cpu", a, ["--threads", str(min(8, os.cpu_count() or 1))], timeout=o.clock.left())
        gpu = homm(settings, s.device, b, timeout=o.clock.left())
    check = {"settings": settings, "cpu": cpu, "gpu": gpu}
    if "error" in cpu or "error" in gpu or not cpu["evals"] or len(cpu["evals"]) != len(gpu["evals"]):
        check["ok"] = False
    else:
        # cuDNN convolutions run in TF32 by default and AdamW's first steps amplify tiny gradient
        # differences a little: 2 % catches a wrong kernel or a missing sync, not rounding.
        check["max_relative_difference"] = max_relative(gpu["evals"], cpu["evals"])
        check["ok"] = check["max_relative_difference"] <= 0.02
    if caps.get("precision") and check.get("ok"):
        with tempfile.TemporaryDirectory() as c:
            bf16 = homm(settings, s.device, c, ["--precision", "bf16"], timeout=o.clock.left())
        check["bf16"] = bf16
        if "error" not in bf16 and bf16["evals"]:
            check["bf16_max_relative_difference"] = max_relative(bf16["evals"], cpu["evals"])
    r["check"] = check
    log(f"CUDA against CPU: {'ok' if check['ok'] else 'FAILED'}, max relative difference {check.get('max_relative_difference')}")


def stage_synthetic(r, o):
    classes, per_class, val = o.sizes.synthetic
    shutil.rmtree(SYNTHETIC, ignore_errors=True)
    started = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, os.path.join(HERE, "synthetic_folder.py"), SYNTHETIC, "--classes", str(classes),
                            "--per-class", str(per_class), "--val-per-class", str(val),
                            "--turbojpeg", os.path.join(APP, "libturbojpeg.so.0")],
                           capture_output=True, text=True, timeout=max(30, o.clock.left()))
        ok, message = p.returncode == 0, (p.stdout + p.stderr).strip()[-2000:]
    except subprocess.TimeoutExpired:
        ok, message = False, "synthetic folder: out of time"
    r["synthetic"] = {"ok": ok, "seconds": round(time.perf_counter() - started, 1),
                      "classes": classes, "train_per_class": per_class, "test_per_class": val, "message": message}
    log(r["synthetic"]["message"].splitlines()[-1] if r["synthetic"]["message"] else "synthetic folder: no output")


def stage_imagenet(r, o, caps):
    """200 steps of the ablation's model on the synthetic folder, fp32 and bf16."""
    s = o.sizes
    runs = {}
    classes, per_class, _ = s.synthetic
    for precision in ("fp32", "bf16"):
        if precision == "bf16" and not caps.get("precision"):
            runs[precision] = {"skipped": "homm-train has no --precision yet"}
            continue
        batch = s.imagenet["batch"]
        while True:
            settings = dict(s.imagenet, batch=batch, steps=s.imagenet_steps, **{"eval-every": s.imagenet_steps},
                            lr=1e-3, warmup=min(20, s.imagenet_steps - 1), dataset="imagefolder", path=SYNTHETIC)
            extra = []
            if caps.get("precision"):
                extra += ["--precision", precision]
            if caps.get("val_size"):
                extra += ["--val-size", str(classes)]              # one image per class held out
            if caps.get("eval_batch"):
                extra += ["--eval-batch", str(min(batch, 500))]
            with tempfile.TemporaryDirectory() as d:
                run = homm(settings, s.device, d, extra, timeout=o.clock.left())
            run["settings"] = settings
            oom = "oom" in run.get("error", "") or "out of memory" in run.get("error", "").lower()
            if oom and batch > 64:
                log(f"imagenet-shaped {precision}: batch {batch} does not fit, trying {batch // 2}")
                batch //= 2
                continue
            break
        runs[precision] = run
        info = run.get("info", {})
        log(f"imagenet-shaped {precision}, batch {batch}: {info.get('throughput', '?')} images/s, "
            f"{info.get('ms_per_step', '?')} ms/step{'' if 'error' not in run else ', ' + run['error']}")
    r["imagenet"] = runs


def anchor(settings, steps, device, precision, timeout):
    args = [sys.executable, ANCHOR] + flags({k: v for k, v in settings.items() if k != "image-size"}) + [
        "--benchmark-steps", str(steps), "--data", FMNIST, "--device", device, "--precision", precision,
        "--threads", str(min(8, os.cpu_count() or 1))]
    return trainer(args, timeout)


def stage_anchor(r, o, caps):
    """homm-train against PyTorch eager (homm_torch.py) on the same GPU: ms per step, interleaved."""
    s = o.sizes
    rows = []
    for name, settings in (("config (a)", s.small), ("dim 320, 8 layers, 28 px", s.wide)):
        for precision in ("fp32", "bf16"):
            if precision == "bf16" and not caps.get("precision"):
                continue
            if o.clock.left() < 40:
                rows.append({"model": name, "precision": precision, "skipped": "out of time"})
                continue
            extra = ["--benchmark-steps", str(s.anchor_steps)] + (["--precision", precision] if caps.get("precision") else [])
            with tempfile.TemporaryDirectory() as d:
                ours = homm(dict(settings, path=FMNIST, steps=1000), s.device, d, extra, timeout=o.clock.left())
            theirs = anchor(dict(settings, steps=1000), s.anchor_steps, s.device, precision, o.clock.left())
            row = {"model": name, "precision": precision, "homm_train": ours, "pytorch": theirs}
            a, b = ours["info"].get("ms_per_step"), theirs["info"].get("ms_per_step")
            if a and b:
                row["ratio"] = a / b
            rows.append(row)
            log(f"{name} {precision}: homm-train {a} ms/step, PyTorch {b} ms/step")
    r["anchor"] = rows


def stage_packing(r, o):
    """N copies of a small trial on one GPU at once: how many trials per hour the GPU finishes."""
    s = o.sizes
    rows = []
    for n in s.pack:
        if o.clock.left() < 45:
            rows.append({"trials": n, "skipped": "out of time"})
            continue
        settings = dict(s.small, steps=s.pack_steps, **{"eval-every": s.pack_steps}, lr=1e-3, path=FMNIST)
        threads = max(1, (os.cpu_count() or 1) // n)
        dirs = [tempfile.mkdtemp() for _ in range(n)]
        results = [None] * n
        started = time.perf_counter()

        def one(i):
            results[i] = homm(settings, s.device, dirs[i], ["--threads", str(threads)], timeout=o.clock.left(),
                              env={"OMP_NUM_THREADS": str(threads)})
        workers = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - started
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
        errors = [x["error"] for x in results if "error" in x]
        rows.append({"trials": n, "wall_s": round(wall, 1), "trials_per_hour": round(n * 3600 / wall, 1),
                     "ms_per_step": [x["info"].get("ms_per_step") for x in results], "errors": errors})
        log(f"{n} trial(s) at once: {wall:.1f} s, {n * 3600 / wall:.0f} trials/hour{'; ' + errors[0] if errors else ''}")
    r["packing"] = {"settings": dict(s.small, steps=s.pack_steps), "rows": rows}


# ---------------------------------------------------------------- summary

def fmt(x, digits=1):
    return "–" if x is None else (f"{x:.{digits}f}" if isinstance(x, float) else str(x))


def summary(r):
    lines = ["# GPU check", ""]
    env = r.get("environment", {})
    lines += [f"- device: {env.get('nvidia_smi') or env.get('gpus') or 'no GPU (smoke run on the CPU)'}",
              f"- torch {env.get('torch')} (CUDA {env.get('torch_cuda')}), {env.get('cores')} cores; "
              f"{(env.get('bundle') or '').splitlines()[0] if env.get('bundle') else ''}",
              f"- homm-train can: {', '.join(k for k, v in r.get('capabilities', {}).items() if v is True) or 'fashion-mnist, fp32 only'}"]
    b = r.get("build")
    if b:
        lines.append(f"- shim build: {'ok' if b['ok'] else 'FAILED'}, {fmt(b.get('seconds'))} s, CUDA {b.get('cuda')}, "
                     f"{b.get('deprecation_warnings')} deprecation warnings, against {b.get('torch_dir')}")
    c = r.get("check")
    if c:
        lines.append(f"- CUDA against CPU ({c['settings']['steps']} steps, losses at each evaluation): "
                     f"{'ok' if c['ok'] else 'FAILED'}, max relative difference {fmt(c.get('max_relative_difference'), 5)}"
                     + (f"; bf16 on the GPU against fp32 on the CPU: {fmt(c.get('bf16_max_relative_difference'), 4)}" if "bf16" in c else ""))
    im = r.get("imagenet")
    if im:
        lines += ["", "| imagenet-shaped (160 px, patch 16, 8 layers, dim 320), synthetic folder | batch | images/s | ms/step | data wait | peak GPU memory, GiB | estimate (trials_per_gpu: auto), GiB |",
                  "|---|---|---|---|---|---|---|"]
        for precision, run in im.items():
            if "skipped" in run:
                lines.append(f"| {precision} | – | – | – | – | – | {run['skipped']} |")
                continue
            info = run.get("info", {})
            wait = next((v for k, v in info.items() if "wait" in k), None)
            gpu_mem = next((v for k, v in info.items() if "gpu" in k or "cuda" in k), None)
            estimate = info.get("memory_estimate")
            lines.append(f"| {precision}{' (' + run['error'] + ')' if 'error' in run else ''} | {run['settings']['batch']} | "
                         f"{fmt(info.get('throughput'), 0)} | {fmt(info.get('ms_per_step'))} | {fmt(wait, 3)} | "
                         f"{fmt(gpu_mem / 2**30 if isinstance(gpu_mem, (int, float)) else gpu_mem)} | "
                         f"{fmt(estimate / 2**30 if isinstance(estimate, (int, float)) else estimate)} |")
    elif r.get("imagenet_skipped"):
        lines.append(f"- imagenet-shaped run: not run ({r['imagenet_skipped']})")
    a = r.get("anchor")
    if a:
        lines += ["", "| homm-train vs PyTorch eager on the GPU | precision | homm-train ms/step | PyTorch ms/step | ratio |", "|---|---|---|---|---|"]
        for row in a:
            if "skipped" in row:
                lines.append(f"| {row['model']} | {row['precision']} | – | – | {row['skipped']} |")
                continue
            ours, theirs = row["homm_train"], row["pytorch"]
            lines.append(f"| {row['model']} | {row['precision']} | {fmt(ours['info'].get('ms_per_step'), 2)}{' (' + ours['error'] + ')' if 'error' in ours else ''} | "
                         f"{fmt(theirs['info'].get('ms_per_step'), 2)}{' (' + theirs['error'] + ')' if 'error' in theirs else ''} | {fmt(row.get('ratio'), 2)} |")
    p = r.get("packing")
    if p:
        lines += ["", f"| trials at once on one GPU (config (a), {p['settings']['steps']} steps each) | wall s | trials/hour |", "|---|---|---|"]
        for row in p["rows"]:
            lines.append(f"| {row['trials']} | {fmt(row.get('wall_s'))} | {fmt(row.get('trials_per_hour'), 0)}"
                         f"{' (' + row['errors'][0] + ')' if row.get('errors') else ''}{row.get('skipped', '')} |")
    if r.get("skipped"):
        lines += ["", "Not run: " + "; ".join(r["skipped"])]
    lines += ["", f"{fmt(r.get('seconds'))} s in all; raw numbers: gpu-results.json"]
    return "\n".join(lines) + "\n"


PLAN = """plan (device half, budget {budget} s; each stage only while time is left):
  1. environment: torch + CUDA versions, nvidia-smi
  2. build src/HoMM.Torch/native with cmake against torch.utils.cmake_prefix_path/Torch into .build/gpu-native,
     copy libhomm_torch.so into .build/gpu/homm-train/                                        (~1-2 min)
  3. CUDA against CPU (~30 s): homm-train {check} --steps {check_steps} --eval-every 2
     on cpu and on {device}: the losses of each evaluation within 2 % (and bf16 when homm-train has --precision)
  4. imagenet-shaped model (~2 min), when homm-train reads image folders: a synthetic folder of
     {classes} classes x {per_class} train + {val} test JPEGs (benchmarks/gpu/synthetic_folder.py), then
     homm-train {imagenet} --steps {imagenet_steps}, fp32 and bf16: images/s, data wait
  5. homm-train vs benchmarks/trainer/homm_torch.py on {device} (~1 min), {anchor_steps} timed steps each, fp32 (+ bf16):
     config (a) {small}
     and {wide}
  6. trials per GPU (~1 min): {pack} runs of config (a) at once, --steps {pack_steps} each: trials/hour
  results: OUT/gpu-summary.md, OUT/gpu-results.json, OUT/shim-build.log"""


def plan(sizes, budget):
    classes, per_class, val = sizes.synthetic
    show = lambda settings: " ".join(flags(settings))
    return PLAN.format(budget=budget, check=show(sizes.check), check_steps=sizes.check_steps, device=sizes.device,
                       classes=classes, per_class=per_class, val=val, imagenet=show(sizes.imagenet),
                       imagenet_steps=sizes.imagenet_steps, small=show(sizes.small), wide=show(sizes.wide),
                       anchor_steps=sizes.anchor_steps, pack=", ".join(map(str, sizes.pack)), pack_steps=sizes.pack_steps)


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--smoke", action="store_true", help="every stage on the CPU with tiny sizes (checks this script, not a GPU)")
    a.add_argument("--plan", action="store_true", help="print the plan and exit")
    a.add_argument("--budget", type=float, default=480, help="seconds for all stages (default 480: the device tool allows 600 per command)")
    a.add_argument("--out", default=os.environ.get("OUT") or os.path.join(ROOT, ".build", "gpu-results"))
    a.add_argument("--torch-dir", default=None, help="a libtorch's share/cmake/Torch (default: this python's torch)")
    o = a.parse_args()
    o.sizes = Sizes(o.smoke)
    if o.plan:
        print(plan(o.sizes, int(o.budget)))
        return 0
    if not os.path.exists(HOMM_TRAIN):
        sys.exit(f"gpu: {HOMM_TRAIN} is missing: run benchmarks/gpu/prepare where .NET is, and carry .build/gpu here")
    os.makedirs(o.out, exist_ok=True)
    o.clock = Clock(o.budget)
    r = {"mode": "smoke (CPU)" if o.smoke else "gpu", "skipped": []}

    def save():
        r["seconds"] = round(o.clock.elapsed(), 1)
        with open(os.path.join(o.out, "gpu-results.json"), "w") as f:
            json.dump(r, f, indent=1, default=str)
        with open(os.path.join(o.out, "gpu-summary.md"), "w") as f:
            f.write(summary(r))

    stage_environment(r)
    if not o.smoke and not r["environment"]["cuda_available"]:
        r["skipped"].append("this python's torch sees no CUDA device")
    stage_build(r, o)
    save()
    if not r["build"]["ok"]:
        print(summary(r))
        return 1
    caps = r["capabilities"] = capabilities()
    if r["skipped"]:
        save()
        print(summary(r))
        return 1
    stage_check(r, o, caps)
    save()
    if caps.get("imagefolder"):
        if o.clock.left() > 150 or o.smoke:
            stage_synthetic(r, o)
            if r["synthetic"]["ok"]:
                stage_imagenet(r, o, caps)
        else:
            r["imagenet_skipped"] = "out of time"
    else:
        r["imagenet_skipped"] = "this homm-train does not read image folders yet"
        if o.smoke:
            stage_synthetic(r, o)   # the generator still runs here, so it is checked
    save()
    if o.clock.left() > 60 or o.smoke:
        stage_anchor(r, o, caps)
    else:
        r["skipped"].append("homm-train vs PyTorch: out of time")
    save()
    if o.clock.left() > 45 or o.smoke:
        stage_packing(r, o)
    else:
        r["skipped"].append("trials per GPU: out of time")
    save()
    text = summary(r)
    print(text)
    failed = not r["check"]["ok"] or any("error" in run for run in r.get("imagenet", {}).values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
