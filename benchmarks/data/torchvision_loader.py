#!/usr/bin/env python3
"""The torchvision side of benchmarks/data: upstream HoMM's training transforms (Resize,
CenterCrop, RandomHorizontalFlip, ToTensor, Normalize(0.5, 0.5)) through ImageFolder +
DataLoader, on Debian's python3-torchvision. Prints one JSON line.
  --mode loader: images/s over --batches batches after the first (worker start-up left out)
  --mode cpu:    one process, no DataLoader: images per CPU-second of PIL open + convert + the
                 transforms over the first --count train/ files held in memory (the per-core
                 rate the decoder comparison sets beside ours)
  --mode parity: writes the evaluation transform of the first --count val/ images to --out
                 (float32, N x 3 x size x size) and their paths to --out.txt"""
import argparse, json, time
import numpy as np
import torch
import torchvision.transforms as T
from torchvision.datasets import ImageFolder
from torch.utils.data import DataLoader

p = argparse.ArgumentParser()
p.add_argument("--folder", required=True)
p.add_argument("--mode", default="loader")
p.add_argument("--workers", type=int, default=1)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--size", type=int, default=160)
p.add_argument("--batches", type=int, default=20)
p.add_argument("--count", type=int, default=20)
p.add_argument("--out")
a = p.parse_args()
torch.set_num_threads(1)
normalize = T.Normalize(mean=0.5, std=0.5)

if a.mode == "cpu":
    import io
    from PIL import Image
    tr = T.Compose([T.Resize(a.size), T.CenterCrop(a.size), T.RandomHorizontalFlip(), T.ToTensor(), normalize])
    files = [open(path, "rb").read() for path, _ in ImageFolder(a.folder + "/train").samples[: a.count]]
    rates = []
    for _ in range(4):
        start = time.process_time()
        for data in files:
            tr(Image.open(io.BytesIO(data)).convert("RGB"))
        rates.append(len(files) / (time.process_time() - start))
    print(json.dumps({"images_per_cpu_second": sorted(rates[1:])[1]}))
elif a.mode == "parity":
    tr = T.Compose([T.Resize(a.size), T.CenterCrop(a.size), T.ToTensor(), normalize])
    ds = ImageFolder(a.folder + "/val", tr)
    n = min(a.count, len(ds))
    np.stack([ds[i][0].numpy() for i in range(n)]).astype("<f4").tofile(a.out)
    with open(a.out + ".txt", "w") as f:
        f.write("\n".join(ds.samples[i][0] for i in range(n)))
    print(json.dumps({"images": n}))
else:
    tr = T.Compose([T.Resize(a.size), T.CenterCrop(a.size), T.RandomHorizontalFlip(), T.ToTensor(), normalize])
    ds = ImageFolder(a.folder + "/train", tr)
    loader = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, drop_last=True, persistent_workers=False)
    images, start = 0, None
    while images < a.batches * a.batch:
        for x, y in loader:
            if start is None:
                start = time.perf_counter()  # after the first batch: workers are up
                continue
            images += x.shape[0]
            if images >= a.batches * a.batch:
                break
    print(json.dumps({"images": images, "seconds": time.perf_counter() - start}))
