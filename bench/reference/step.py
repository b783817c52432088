"""
The PyTorch side of `npm run bench -- models`: samples/s of one training step (forward, cross-entropy,
backward, Adam with L2 weight decay) on one thread, for the cases given as JSON on the command line.
One JSON line per case on stdout: {"case": ..., "samplesPerSecond": ...}.

  /usr/bin/python3 bench/reference/step.py '[{"model": "student", "width": 0.25, "size": 64, "batch": 32, "steps": 3}]'

The student is test/reference/student.py's ResNet18 (the parity harness's oracle). The teacher is the
studio's depth-frame teacher (main/train/models/teacher.ts) rebuilt here from student.py's blocks: a
ResNet over 112² depth frames (7×7/2 stem, max-pool, widths 16…128, one block a stage), frames folded
into the batch, dropout, Linear to d = 256, and a multi-scale TRN head (scales K…2, 3 ordered subsets
below K, bottleneck 256), summed logits.
"""
import itertools
import json
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test", "reference"))
from student import BasicBlock, ConvBn, ResNet18  # noqa: E402


class FrameTrunk(nn.Module):
    def __init__(self, channels=1, widths=(16, 32, 64, 128)):
        super().__init__()
        self.stem = ConvBn(channels, widths[0], 7, 2)
        blocks, cin = [], widths[0]
        for s, w in enumerate(widths):
            blocks.append(BasicBlock(cin, w, 2 if s > 0 else 1))
            cin = w
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.stem(x)), 3, 2, 1)
        return self.blocks(h).mean(dim=(2, 3))


class Teacher(nn.Module):
    def __init__(self, classes, segments=8, feature=256, hidden=256, subsets=3):
        super().__init__()
        self.segments = segments
        self.trunk = FrameTrunk()
        self.projection = nn.Linear(128, feature)
        scales = range(segments, 1, -1)
        self.heads = nn.ModuleList(
            nn.Sequential(nn.ReLU(), nn.Linear(s * feature, hidden), nn.ReLU(), nn.Linear(hidden, classes)) for s in scales
        )
        self.subsets = [list(itertools.combinations(range(segments), s)) for s in scales]
        self.per_scale = subsets

    def forward(self, frames):
        b, k = frames.shape[:2]
        f = self.trunk(frames.reshape(b * k, *frames.shape[2:]))
        f = self.projection(F.dropout(f, 0.5, self.training)).reshape(b, k, -1)
        logits = 0
        for head, subsets in zip(self.heads, self.subsets):
            chosen = subsets if len(subsets) == 1 else random.sample(subsets, self.per_scale)
            for subset in chosen:
                logits = logits + head(f[:, list(subset)].reshape(b, -1))
        return logits


def samples_per_second(case, classes=27):
    if case["model"] == "student":
        model = ResNet18(classes, case["width"])
        x = torch.randn(case["batch"], 3, case["size"], case["size"])
    else:
        model = Teacher(classes)
        x = torch.randn(case["batch"], 8, 1, 112, 112)
    y = torch.arange(case["batch"]) % classes
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    model.train()

    def step():
        optimiser.zero_grad()
        logits = model(x)
        F.cross_entropy(logits[0] if isinstance(logits, tuple) else logits, y).backward()
        optimiser.step()

    step()  # warm-up: allocator and first-call costs
    start = time.perf_counter()
    for _ in range(case["steps"]):
        step()
    return case["steps"] * case["batch"] / (time.perf_counter() - start)


def main():
    torch.set_num_threads(1)
    torch.manual_seed(1)
    random.seed(1)
    for case in json.loads(sys.argv[1]):
        print(json.dumps({"case": case, "samplesPerSecond": samples_per_second(case)}), flush=True)


if __name__ == "__main__":
    main()
