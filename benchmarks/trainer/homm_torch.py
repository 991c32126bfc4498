#!/usr/bin/python3
"""The benchmark's anchor: HoMM on Fashion-MNIST in PyTorch eager, written to match homm-train.

Same model (HoMVision: patch conv, learned positions, cls token, HoMLayers with ho/se/ag
projections and gelu -> chunked cumulative products -> token mean, feed-forward block; upstream
init), same data (IDX .gz, (x/255 - 0.2860)/0.3530), same validation hold-out of the training images
(HoMM.ImageData's StratifiedHoldOut: per-class quotas, a SampleRandom permutation per class), same batch order (SplitMix64 permutation per
epoch from (seed, epoch)), AdamW with decoupled weight decay, linear warm-up + cosine decay, grad
clipping, evaluation on the validation set, the test set once at the end (final line only). Prints
the same JSON lines as homm-train. Run by benchmarks/trainer/bench.py on Debian's python3-torch
(libtorch 1.13), and by benchmarks/gpu on a GPU host's PyTorch (--device cuda; --precision bf16:
autocast to bfloat16 around the forward passes, as homm-train's bf16).
"""
import argparse, gzip, json, math, os, resource, struct, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK64 = (1 << 64) - 1


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def permutation(count, seed, epoch):
    p = list(range(count))
    state = mix(((seed * 0x9E3779B97F4A7C15) & MASK64) ^ epoch)
    for i in range(count - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        j = mix(state) % (i + 1)
        p[i], p[j] = p[j], p[i]
    return p


HOLD_OUT_STREAM = 4  # HoMM.ImageData's RandomStream.HoldOut


def sample_random(seed, stream, a, b=0):
    """HoMM.ImageData's SampleRandom: a generator of 64-bit numbers keyed by (seed, stream, a, b)."""
    k = mix((seed & MASK64) ^ 0x6A09E667F3BCC909)
    k = mix(k ^ stream)
    k = mix(k ^ (a & MASK64))
    key = mix(k ^ (b & MASK64) ^ 0xBB67AE8584CAA73B)
    counter = 0
    while True:
        counter += 1
        yield mix((key + counter * 0x9E3779B97F4A7C15) & MASK64)


def hold_out(labels, classes, size, seed):
    """(train, validation) indices, ascending: HoMM.ImageData's StratifiedHoldOut.Split."""
    by_class = [[] for _ in range(classes)]
    for i, label in enumerate(labels):
        by_class[label].append(i)
    total = len(labels)
    quota, remainders, given = [], [], 0
    for c, members in enumerate(by_class):
        exact = float(size) * len(members) / total
        quota.append(math.floor(exact))
        given += quota[c]
        remainders.append((exact - quota[c], c))
    for _, c in sorted(remainders, key=lambda r: (-r[0], r[1])):
        if given == size:
            break
        if quota[c] < len(by_class[c]):
            quota[c] += 1
            given += 1
    held = [False] * total
    for c, members in enumerate(by_class):
        if quota[c] == 0:
            continue
        bits = sample_random(seed, HOLD_OUT_STREAM, c)
        order = list(range(len(members)))
        for i in range(len(order) - 1, 0, -1):
            j = (next(bits) * (i + 1)) >> 64
            order[i], order[j] = order[j], order[i]
        for j in range(quota[c]):
            held[members[order[j]]] = True
    return [i for i in range(total) if not held[i]], [i for i in range(total) if held[i]]


def read_idx(path, rank):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:4] != bytes([0, 0, 8, rank]):
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "i" * rank, data[4:4 + 4 * rank])
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


def load(directory, prefix):
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"), 3)
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"), 1)
    return images, labels.long()


def normalise(images):
    return ((images.float() / 255.0) - 0.2860) / 0.3530


def high_order_aggregation(h, order):
    g = list(F.gelu(h).chunk(order, dim=-1))
    for i in range(1, order):
        g[i] = g[i] * g[i - 1]
    return torch.cat(g, dim=-1).mean(dim=1, keepdim=True)


class HoM(nn.Module):
    def __init__(self, dim, order, order_expand):
        super().__init__()
        self.order = order
        self.ho_proj = nn.Linear(dim, order * order_expand * dim)
        self.se_proj = nn.Linear(dim, order * order_expand * dim)
        self.ag_proj = nn.Linear(order * order_expand * dim, dim)

    def forward(self, x):
        h = high_order_aggregation(self.ho_proj(x), self.order)
        return self.ag_proj(torch.sigmoid(self.se_proj(x)) * h)


class HoMLayer(nn.Module):
    def __init__(self, dim, order, order_expand, ffw_expand):
        super().__init__()
        self.hom = HoM(dim, order, order_expand)
        self.ffw = nn.Sequential(nn.Linear(dim, ffw_expand * dim), nn.GELU(), nn.Linear(ffw_expand * dim, dim))

    def forward(self, x):
        x = x + self.hom(x)
        return x + self.ffw(x)


class HoMVision(nn.Module):
    def __init__(self, dim, layers, patch, order, order_expand, ffw_expand, image_size=28, channels=1, classes=10):
        super().__init__()
        n = (image_size // patch) ** 2
        self.conv = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)
        self.position = nn.Parameter(torch.zeros(1, n, dim))
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.layers = nn.ModuleList([HoMLayer(dim, order, order_expand, ffw_expand) for _ in range(layers)])
        self.out_proj = nn.Linear(dim, classes)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.position, std=0.02, a=-0.04, b=0.04)
        nn.init.trunc_normal_(self.cls, std=0.02, a=-0.04, b=0.04)
        nn.init.zeros_(self.out_proj.weight)
        nn.init.constant_(self.out_proj.bias, -6.9)

    def forward(self, images):
        x = self.conv(images).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x + self.position], dim=1)
        for layer in self.layers:
            x = layer(x)
        return self.out_proj(x[:, 0])


def lr_at(step, peak, warmup, steps):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, steps - warmup))
    return peak * 0.5 * (1 + math.cos(math.pi * progress))


def evaluate(model, xs_all, ys_all, batch, prefix, autocast):
    model.eval()
    n = xs_all.shape[0]
    loss, correct, correct5, eval_batch = 0.0, 0, 0, max(1, min(max(batch, 256), n))
    with torch.no_grad(), autocast():
        for s in range(0, n, eval_batch):
            xs = normalise(xs_all[s:s + eval_batch]).unsqueeze(1)
            ys = ys_all[s:s + eval_batch]
            out = model(xs).float()
            loss += F.cross_entropy(out, ys, reduction="sum").item()
            correct += (out.argmax(1) == ys).sum().item()
            correct5 += (out.topk(5, 1).indices == ys.unsqueeze(1)).sum().item()
    model.train()
    return {f"{prefix}/loss": loss / n, f"{prefix}/acc": correct / n, f"{prefix}/acc5": correct5 / n}


def emit(message):
    print(json.dumps(message), flush=True)


def main():
    a = argparse.ArgumentParser(description=__doc__)
    for name, default in [("dim", 64), ("layers", 2), ("patch", 7), ("order", 2), ("order-expand", 4), ("ffw-expand", 4),
                          ("warmup", 0), ("steps", 1000), ("batch", 128), ("eval-every", 500), ("seed", 0), ("threads", 2),
                          ("benchmark-steps", 0)]:
        a.add_argument("--" + name, type=int, default=default)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--wd", type=float, default=0.01)
    a.add_argument("--clip", type=float, default=1.0)
    a.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a.add_argument("--val-size", type=int, default=10000)
    a.add_argument("--split-seed", type=int, default=0)
    a.add_argument("--device", default="cpu", help="cpu or cuda")
    a.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    o = a.parse_args()

    device = torch.device(o.device)
    torch.set_num_threads(o.threads)
    all_x, all_y = load(o.data, "train")
    test_x, test_y = load(o.data, "t10k")
    train_idx, val_idx = hold_out(all_y.tolist(), 10, o.val_size, o.split_seed)
    # On a GPU the whole (small) data set lives there, so a batch is gathered without a copy.
    train_x, train_y = all_x[train_idx].to(device), all_y[train_idx].to(device)
    val_x, val_y = all_x[val_idx].to(device), all_y[val_idx].to(device)
    test_x, test_y = test_x.to(device), test_y.to(device)
    torch.manual_seed(o.seed)
    model = HoMVision(o.dim, o.layers, o.patch, o.order, o.order_expand, o.ffw_expand).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=o.lr, weight_decay=o.wd)
    autocast = lambda: torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=o.precision == "bf16")
    emit({"info": {"params": sum(p.numel() for p in model.parameters()), "device": str(device),
                   "threads": torch.get_num_threads(), "torch": torch.__version__, "precision": o.precision}})

    count = train_x.shape[0]
    batch = min(o.batch, count)
    per_epoch = (count + batch - 1) // batch
    last = min(o.steps, o.benchmark_steps) if o.benchmark_steps else o.steps
    order, epoch_of_order = None, -1
    times, loss_sum, correct, seen, window = [], 0.0, 0, 0, 0
    metrics = {}
    for step in range(last):
        started = time.perf_counter()
        epoch = step // per_epoch
        if epoch != epoch_of_order:
            order, epoch_of_order = torch.tensor(permutation(count, o.seed, epoch)), epoch
        start = (step % per_epoch) * batch
        idx = order[start:start + batch].to(device)
        x = normalise(train_x[idx]).unsqueeze(1)
        y = train_y[idx]
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, o.lr, o.warmup, o.steps)
        optimizer.zero_grad(set_to_none=True)
        with autocast():
            logits = model(x).float()
            loss = F.cross_entropy(logits, y)
        value = loss.item()  # also waits for the GPU, so a step's time is the step's
        if not math.isfinite(value):
            emit({"error": f"the training loss is {value} at step {step + 1}", "reason": "diverged"})
            return 1
        loss.backward()
        if o.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), o.clip)
        optimizer.step()
        correct += (logits.argmax(1) == y).sum().item()
        seen += y.shape[0]
        loss_sum += value
        window += 1
        times.append(time.perf_counter() - started)
        done = step + 1
        if not o.benchmark_steps and (done % o.eval_every == 0 or done == o.steps):
            metrics = {"train/loss": loss_sum / window, "train/acc": correct / seen, **evaluate(model, val_x, val_y, o.batch, "val", autocast)}
            emit({"step": done, "metrics": metrics})
            loss_sum, correct, seen, window = 0.0, 0, 0, 0

    timed = times[2:] if o.benchmark_steps else times
    ms = 1000 * sum(timed) / max(1, len(timed))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    extra = {"peak_gpu_memory": torch.cuda.max_memory_allocated(device)} if device.type == "cuda" else {}
    emit({"info": {"peak_memory": peak, "ms_per_step": ms, "steps_per_s": 1000 / ms if ms else 0,
                   "throughput": batch * 1000 / ms if ms else 0, **extra}})
    if not o.benchmark_steps:
        emit({"final": {**metrics, **evaluate(model, test_x, test_y, o.batch, "test", autocast)}, "step": last})
    return 0


if __name__ == "__main__":
    sys.exit(main())
