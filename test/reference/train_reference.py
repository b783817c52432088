"""
The student recipe of issue 16 in PyTorch on a dataset exported by `vskd export-dataset` (the
studio's own GAF images): ResNet18 x width, small stem, He-normal convolutions, BN momentum 0.1,
Adam with L2 weight decay, cosine decay per epoch, cross-entropy, the last epoch's weights.
Prints one line per epoch (the test accuracy of every epoch is for diagnosis only: nothing here
selects on it).

  /usr/bin/python3 test/reference/train_reference.py DIR --seed 1 [--epochs 30 --batch 16 --width 0.25]
"""
import json
import os
import time

import numpy as np
import torch

from student import ResNet18, accuracy, recipe_arguments, he_normal_init, load_studio_weights, studio_weights, train_epoch


def load(root, split):
    x = np.load(os.path.join(root, split, "gaf.npy")).astype(np.float32)  # [N, 3, S, S]
    y = np.load(os.path.join(root, split, "labels.npy")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)




def main():
    ap = recipe_arguments()
    ap.add_argument("--fc-init", choices=["pytorch", "glorot"], default="pytorch", help="glorot: Glorot-uniform kernel, zero bias")
    ap.add_argument("--init", help="the studio's initial weights: PREFIX.npy (flat) and PREFIX.json (names, shapes)")
    ap.add_argument("--init-only", default="", help="take only the --init weights whose names start with this")
    ap.add_argument("--init-except", default=None, help="keep PyTorch's initial weights whose names start with this")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    classes = len(json.load(open(os.path.join(args.data, "manifest.json")))["classes"])
    xtr, ytr = load(args.data, "train")
    xte, yte = load(args.data, "test")
    model = ResNet18(classes, args.width)
    he_normal_init(model, torch.Generator().manual_seed(args.seed))
    if args.fc_init == "glorot":
        limit = (6 / sum(model.fc.weight.shape)) ** 0.5
        with torch.no_grad():
            model.fc.weight.uniform_(-limit, limit)
            model.fc.bias.zero_()
    if args.init:
        layout = json.load(open(args.init + ".json"))
        flat, weights, at = np.load(args.init + ".npy"), {}, 0
        for name, shape in zip(layout["names"], layout["shapes"]):
            size = int(np.prod(shape))
            weights[name] = flat[at : at + size].reshape(shape)
            at += size
        own = studio_weights(model)
        take = lambda n: n.startswith(args.init_only) and not (args.init_except and n.startswith(args.init_except))
        load_studio_weights(model, {n: (weights[n] if take(n) else own[n]) for n in own})
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    g = torch.Generator().manual_seed(args.seed)
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(xtr), generator=g)
        total, correct = train_epoch(model, opt, xtr, ytr, order, args.batch)
        sched.step()
        print(f"epoch {epoch} ce {total / len(xtr):.4f} train {correct / len(xtr):.4f} test {accuracy(model, xte, yte, 64):.4f} {time.time() - started:.0f}s", flush=True)
    print(f"final test accuracy {accuracy(model, xte, yte, 64) * 100:.2f}")


if __name__ == "__main__":
    main()
