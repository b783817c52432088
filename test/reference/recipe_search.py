"""
The search for issue 16's better default recipe, on a VALIDATION split only: trains the student
recipe of train_reference.py on an export's train split and reports its val split's accuracy per
epoch (the search's exports hold no test split: `vskd export-dataset ... --split train,val --what gaf,raw`).
`--evaluate test` scores the test split instead, once, for the recipe the validation chose.

Augmentation works on each training recording's raw accelerometer rows, drawn afresh every epoch,
before the GASF, which is computed here as the studio computes it (main/shared/gaf.ts, pyts
definition: PAA to `size` windows, min-max to [-1, 1], c = x, s = sqrt(1 - c^2), c_i c_j - s_i s_j).
Per-channel min-max makes the GASF blind to a channel's scale and offset, so amplitude scaling
does nothing here; what changes the image is which stretch of time it sees, noise, and rotation
(which mixes the axes):
  --crop F     keep a random contiguous stretch of U(F, 1) of the recording's length
  --jitter S   add Gaussian noise of S times each channel's standard deviation
  --rotate D   rotate the (x, y, z) rows by U(-D, D) degrees about a random axis

  /usr/bin/python3 test/reference/recipe_search.py DIR --seed 1 [--crop 0.8 --jitter 0.05 --rotate 15 --smooth 0.1]
Last line: `final val accuracy A` (the last epoch's weights, the recipe's choice; `final test accuracy` with --evaluate test).
"""
import json
import os
import time

import numpy as np
import torch

from student import ResNet18, accuracy, recipe_arguments, he_normal_init, train_epoch


def gasf(signal, size):
    """[3, size, size] GASF of a [T, 3] window, as main/shared/gaf.ts (pyts variant)."""
    n = len(signal)
    if n > size:
        bounds = np.floor(np.linspace(0, n, size + 1)).astype(np.int64)
        c = np.stack([signal[bounds[k] : bounds[k + 1]].mean(0) for k in range(size)])
    else:
        raise ValueError(f"a window of {n} rows is not longer than the image ({size})")
    low, high = c.min(0), c.max(0)
    span = np.where(high > low, high - low, 1.0)
    c = np.where(high > low, (c - low) / span * 2 - 1, 0.0)
    s = np.sqrt(np.clip(1 - c * c, 0, 1))
    g = c.T[:, :, None] * c.T[:, None, :] - s.T[:, :, None] * s.T[:, None, :]
    return np.clip(g, -1, 1).astype(np.float32)


def rotation(axis, angle):
    """Rodrigues' rotation matrix about a unit axis."""
    x, y, z = axis
    k = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def augment(signal, rng, crop, jitter, rotate):
    """One draw of the augmentation of a [T, 3] window (float64)."""
    n = len(signal)
    if crop < 1:
        keep = max(2, int(round(n * rng.uniform(crop, 1))))
        start = int(np.floor(rng.uniform() * (n - keep + 1)))
        signal = signal[start : start + keep]
    if rotate > 0:
        axis = rng.normal(size=3)
        axis /= np.linalg.norm(axis)
        signal = signal @ rotation(axis, np.deg2rad(rng.uniform(-rotate, rotate))).T
    if jitter > 0:
        signal = signal + rng.normal(size=signal.shape) * jitter * signal.std(0)
    return signal


def load(root, split):
    raw = np.load(os.path.join(root, split, "raw.npy")).astype(np.float64)[:, :, :3]
    lengths = np.load(os.path.join(root, split, "raw_lengths.npy"))
    labels = np.load(os.path.join(root, split, "labels.npy")).astype(np.int64)
    return [raw[i, : lengths[i]] for i in range(len(raw))], torch.from_numpy(labels)


def images(signals, size):
    return torch.from_numpy(np.stack([gasf(s, size) for s in signals]))




def main():
    ap = recipe_arguments()
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--crop", type=float, default=1.0)
    ap.add_argument("--jitter", type=float, default=0.0)
    ap.add_argument("--rotate", type=float, default=0.0)
    ap.add_argument("--smooth", type=float, default=0.0, help="label smoothing of the cross-entropy")
    ap.add_argument("--evaluate", choices=["val", "test"], default="val", help="the split scored (test: only for the chosen recipe)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    classes = len(json.load(open(os.path.join(args.data, "manifest.json")))["classes"])
    train, ytr = load(args.data, "train")
    scored, ysc = load(args.data, args.evaluate)
    xsc = images(scored, args.size)
    if args.size == 32:  # the studio's own images: this GASF must be theirs
        exported = np.load(os.path.join(args.data, args.evaluate, "gaf.npy"))
        assert np.abs(exported - xsc.numpy()).max() < 1e-4, "the GASF here differs from the studio's"
    augmenting = args.crop < 1 or args.jitter > 0 or args.rotate > 0
    xtr = images(train, args.size)
    model = ResNet18(classes, args.width)
    he_normal_init(model, torch.Generator().manual_seed(args.seed))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    g = torch.Generator().manual_seed(args.seed)
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        if augmenting:
            rng = np.random.default_rng([args.seed, epoch])
            xtr = images([augment(s, rng, args.crop, args.jitter, args.rotate) for s in train], args.size)
        order = torch.randperm(len(xtr), generator=g)
        total, correct = train_epoch(model, opt, xtr, ytr, order, args.batch, args.smooth)
        sched.step()
        print(f"epoch {epoch} ce {total / len(xtr):.4f} train {correct / len(xtr):.4f} {args.evaluate} {accuracy(model, xsc, ysc):.4f} {time.time() - started:.0f}s", flush=True)
    print(f"final {args.evaluate} accuracy {accuracy(model, xsc, ysc) * 100:.2f}")


if __name__ == "__main__":
    main()
