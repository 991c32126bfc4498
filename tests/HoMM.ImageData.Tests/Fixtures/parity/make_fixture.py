#!/usr/bin/env python3
"""Writes the transform-parity fixture of HoMM.ImageData's tests, once: four small images
(RGB JPEG, greyscale JPEG, RGBA PNG, Adobe CMYK JPEG) and what upstream HoMM's evaluation
transform makes of them with Debian's python3-torchvision 0.14 and PIL — torchvision's
ImageFolder loader (open + convert("RGB")), Resize(resize), CenterCrop(16), ToTensor,
Normalize(0.5, 0.5) — as expected.json. Run with /usr/bin/python3 from this folder; the test
(TransformParityTests) compares our pipeline with it. Never needed at run time."""
import json
import numpy as np
from PIL import Image
import torchvision.transforms as T
from torchvision.datasets.folder import pil_loader

rng = np.random.default_rng(12)


def photo(h, w):
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    img = np.zeros((h, w, 3))
    for c in range(3):
        for _ in range(3):
            fx, fy, ph = rng.uniform(0.5, 4), rng.uniform(0.5, 4), rng.uniform(0, 6.3)
            img[..., c] += rng.uniform(0.2, 0.5) * np.sin(2 * np.pi * (fx * xx + fy * yy) + ph)
    img = (img - img.min()) / (img.max() - img.min()) * 220 + 15 + rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


Image.fromarray(photo(48, 64)).save("rgb.jpg", quality=92)
Image.fromarray(photo(56, 40)[..., 1]).save("grey.jpg", quality=92)
rgba = np.concatenate([photo(48, 48), rng.integers(0, 256, (48, 48, 1), dtype=np.uint8)], axis=2)
Image.fromarray(rgba, "RGBA").save("alpha.png")
Image.fromarray(photo(40, 40)).convert("CMYK").save("cmyk.jpg", quality=95)

out = {"crop": 16, "cases": []}
for resize in (16, 20):
    transform = T.Compose([T.Resize(resize), T.CenterCrop(16), T.ToTensor(), T.Normalize(0.5, 0.5)])
    for name in ("rgb.jpg", "grey.jpg", "alpha.png", "cmyk.jpg"):
        x = transform(pil_loader(name)).numpy()
        out["cases"].append({"file": name, "resize": resize, "chw": [round(float(v), 4) for v in x.reshape(-1)]})
with open("expected.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote expected.json:", len(out["cases"]), "cases")
