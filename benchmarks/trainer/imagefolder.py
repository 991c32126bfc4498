#!/usr/bin/python3
"""homm-train on Fashion-MNIST from its IDX files against the same images as a JPEG image folder.

Same model, same threads: does reading, decoding and transforming JPEGs (HoMM.ImageData's loader,
data.workers decode threads) slow training down? Each round runs both sources once per config, in
rotating order; the table gives medians of ms/step and images/s, and the share of step time spent
waiting for data (homm-train's closing info line). Started by benchmarks/trainer/imagefolder.
"""
import argparse, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import CONFIGS, run  # noqa: E402  (the trainer benchmark's runner and configs)

SMALL = {"dim": 32, "layers": 2, "patch": 7, "order": 2, "order-expand": 2, "ffw-expand": 2, "batch": 128}


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--folder", required=True, help="Fashion-MNIST as a JPEG image folder (data export-folder)")
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("--threads", type=int, default=2, help="libtorch threads of each run (OMP_NUM_THREADS)")
    a.add_argument("--workers", type=int, default=None, help="decode threads (default: homm-train's, threads - 1)")
    a.add_argument("--markdown", help="also write the table to this file")
    o = a.parse_args()

    configs = {"small (dim 32, 2 layers, batch 128)": (SMALL, 40), "(a) (dim 128, 4 layers, batch 256)": (CONFIGS["a"], 7)}
    sources = ["idx", "folder"]
    results = {(c, s): [] for c in configs for s in sources}
    for r in range(o.rounds):
        for c, (model, steps) in configs.items():
            order = sources if r % 2 == 0 else sources[::-1]
            for s in order:
                settings = dict(model, **{"benchmark-steps": steps})
                if s == "folder":
                    settings.update({"dataset": "imagefolder", "path": o.folder, "image-size": 28})
                    if o.workers:
                        settings["workers"] = o.workers
                info = run("homm-train", settings, o.threads)
                results[(c, s)].append(info)
                print(f"round {r + 1} {c} {s}: {info['ms_per_step']:.1f} ms/step, {info['images_per_s']:.0f} images/s, "
                      f"data wait {100 * info['data_wait_share']:.1f} %", file=sys.stderr)

    lines = ["| model | source | ms/step median (runs) | steps/s | images/s | data wait (share of step time) |", "|---|---|---|---|---|---|"]
    for c in configs:
        for s in sources:
            runs = results[(c, s)]
            ms = [x["ms_per_step"] for x in runs]
            med = statistics.median(ms)
            lines.append(f"| {c} | {'IDX files' if s == 'idx' else 'JPEG folder'} | {med:.1f} ({', '.join(f'{m:.1f}' for m in ms)}) | "
                         f"{1000 / med:.2f} | {statistics.median(x['images_per_s'] for x in runs):.0f} | "
                         f"{100 * statistics.median(x['data_wait_share'] for x in runs):.1f} % |")
    table = "\n".join(lines)
    print(table)
    if o.markdown:
        with open(o.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
