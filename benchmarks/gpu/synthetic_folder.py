#!/usr/bin/env python3
"""Writes a synthetic ImageNet-like image folder on a host without .NET (the GPU host).

The layout and kind of images of `homm-search data synthetic` (train/<class>/ and val/<class>/,
class folders n00000000..., photo-sized JPEGs 300-500 px a side, quality 90, 4:2:0, content that
depends on the class: colour, stripe angle and frequency, a bright disc or square, noise), drawn
here with torch and encoded by libjpeg-turbo through ctypes, so it needs only what the GPU host
has (python3 + torch) and the libturbojpeg.so.0 carried in the bundle. Not byte-identical to the
C# generator: it feeds the loader benchmark, not a test.

    synthetic_folder.py DIR --classes 1000 --per-class 6 --val-per-class 1 [--seed 0] [--turbojpeg PATH]
"""
import argparse, ctypes, ctypes.util, math, os, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

import torch

TJPF_RGB, TJSAMP_420, QUALITY = 0, 2, 90


class Encoder:
    """One libjpeg-turbo compressor per thread (a tjhandle is not thread-safe)."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.tjInitCompress.restype = ctypes.c_void_p
        self.lib.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                         ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)), ctypes.POINTER(ctypes.c_ulong),
                                         ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.tjFree.argtypes = [ctypes.POINTER(ctypes.c_ubyte)]
        self.lib.tjGetErrorStr2.argtypes = [ctypes.c_void_p]
        self.lib.tjGetErrorStr2.restype = ctypes.c_char_p
        self.local = threading.local()

    def jpeg(self, rgb):
        """rgb: a contiguous uint8 tensor of shape (h, w, 3)."""
        handle = getattr(self.local, "handle", None)
        if handle is None:
            handle = self.local.handle = self.lib.tjInitCompress()
        h, w, _ = rgb.shape
        out = ctypes.POINTER(ctypes.c_ubyte)()
        size = ctypes.c_ulong(0)
        if self.lib.tjCompress2(handle, rgb.data_ptr(), w, w * 3, h, TJPF_RGB, ctypes.byref(out), ctypes.byref(size), TJSAMP_420, QUALITY, 0) != 0:
            raise RuntimeError("libjpeg-turbo: " + self.lib.tjGetErrorStr2(handle).decode())
        try:
            return ctypes.string_at(out, size.value)
        finally:
            self.lib.tjFree(out)


def render(c, classes, seed, index):
    """One image of class c, drawn from (seed, c, index) alone."""
    g = torch.Generator().manual_seed((seed * 1_000_003 + c) * 10_000_019 + index)
    u = lambda lo, hi: lo + (hi - lo) * float(torch.rand((), generator=g))
    w, h = 300 + int(torch.randint(0, 201, (), generator=g)), 300 + int(torch.randint(0, 201, (), generator=g))
    hue = 2 * math.pi * c / classes
    angle = math.pi * ((c * 0.618034) % 1.0) + u(-0.15, 0.15)
    frequency = (4 + (c % 5) * 3) * u(0.85, 1.15)
    ys = torch.arange(h, dtype=torch.float32).view(h, 1)
    xs = torch.arange(w, dtype=torch.float32).view(1, w)
    scale = 2 * math.pi * frequency / max(w, h)
    stripe = 0.5 + 0.5 * torch.sin(scale * (xs * math.cos(angle) + ys * math.sin(angle)) + u(0, 2 * math.pi))
    shade = (0.35 + 0.65 * stripe) * u(0.75, 1.15) * (0.85 + 0.3 * ys / h)
    colour = torch.tensor([0.5 + 0.4 * math.cos(hue + k * 2.094) for k in (0, -1, 1)]).view(3, 1, 1)
    image = 255 * colour * shade
    cx, cy, r = u(0.25, 0.75) * w, u(0.25, 0.75) * h, u(0.12, 0.25) * min(w, h)
    inside = (torch.maximum((xs - cx).abs(), (ys - cy).abs()) < r) if c % 2 else ((xs - cx) ** 2 + (ys - cy) ** 2 < r * r)
    image = torch.where(inside, 230 * (1 - 0.5 * colour.roll(-1, 0)), image)
    image = image + (torch.rand(image.shape, generator=g) - 0.5) * 16
    return image.clamp(0, 255).to(torch.uint8).permute(1, 2, 0).contiguous()


def find_turbojpeg(explicit):
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, "..", "..", ".build", "gpu", "homm-train", "libturbojpeg.so.0")
    for candidate in [explicit, bundled, ctypes.util.find_library("turbojpeg"), "libturbojpeg.so.0"]:
        if not candidate:
            continue
        try:
            ctypes.CDLL(candidate)
            return candidate
        except OSError:
            continue
    sys.exit("synthetic_folder: libturbojpeg.so.0 was not found (benchmarks/gpu/prepare puts one in .build/gpu/homm-train)")


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("dir")
    a.add_argument("--classes", type=int, default=10)
    a.add_argument("--per-class", type=int, default=100)
    a.add_argument("--val-per-class", type=int, default=None, help="default: per-class / 5, at least 1")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--turbojpeg", default=None, help="path of libturbojpeg.so.0")
    a.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    o = a.parse_args()
    val = o.val_per_class if o.val_per_class is not None else max(1, o.per_class // 5)
    torch.set_num_threads(1)  # parallel over images instead
    encoder = Encoder(find_turbojpeg(o.turbojpeg))
    jobs = []
    for split, count, offset in (("train", o.per_class, 0), ("val", val, 1_000_000)):
        for c in range(o.classes):
            name = f"n{c:08d}"
            os.makedirs(os.path.join(o.dir, split, name), exist_ok=True)
            jobs += [(os.path.join(o.dir, split, name, f"{name}_{i:05d}.JPEG"), c, offset + i) for i in range(count)]

    def write(job):
        path, c, index = job
        data = encoder.jpeg(render(c, o.classes, o.seed, index))
        with open(path, "wb") as f:
            f.write(data)
        return len(data)

    started = time.perf_counter()
    with ThreadPoolExecutor(max(1, o.threads)) as pool:
        total = sum(pool.map(write, jobs))
    print(f"wrote {o.classes * o.per_class} training and {o.classes * val} test images to {o.dir} "
          f"({o.classes} classes; {total / 1048576:.1f} MiB; {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
