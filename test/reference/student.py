"""
PyTorch reference of the studio's student and its loss terms: the test oracle of the parity harness
(parity.py) and the reference recipe (train_reference.py). Written from the published definitions
(torchvision's ResNet basic block, RKD's and RepDistiller's losses, ../shared/reference/kd-losses.md),
not from the studio's code.

Layouts: the studio is NHWC with convolution kernels [kh, kw, in, out] and Linear kernels [in, out];
PyTorch is NCHW with [out, in, kh, kw] and [out, in]. `load_studio_weights` and `studio_weights`
convert between the two under the studio's weight names ("stage2/block1/conv1/kernel", ...).
"""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BASE_WIDTHS = [64, 128, 256, 512]
BLOCKS = [2, 2, 2, 2]


def widths_of(width):
    return [max(1, round(w * width)) for w in BASE_WIDTHS]


class ConvBn(nn.Module):
    """A square convolution without bias, padding size // 2, then BatchNorm (PyTorch's momentum 0.1)."""

    def __init__(self, cin, cout, size, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, size, stride, size // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)

    def forward(self, x):
        return self.bn(self.conv(x))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = ConvBn(cin, cout, 3, stride)
        self.conv2 = ConvBn(cout, cout, 3, 1)
        self.shortcut = ConvBn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        h = F.relu(self.conv1(x))
        y = self.conv2(h)
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet18(nn.Module):
    """ResNet18 with the small stem (3x3 stride 1, no pooling), global average pooling, one Linear."""

    def __init__(self, classes, width=0.25, in_channels=3):
        super().__init__()
        widths = widths_of(width)
        self.stem = ConvBn(in_channels, widths[0], 3, 1)
        stages, cin = [], widths[0]
        for s, (w, n) in enumerate(zip(widths, BLOCKS)):
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(cin, w, 2 if s > 0 and b == 0 else 1))
                cin = w
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.ModuleList(stages)
        self.fc = nn.Linear(widths[-1], classes)

    def forward(self, x):
        """x: NCHW. Returns logits, the pooled feature and the four stage outputs (NCHW)."""
        h = F.relu(self.stem(x))
        maps = []
        for stage in self.stages:
            h = stage(h)
            maps.append(h)
        feature = h.mean(dim=(2, 3))
        return self.fc(feature), feature, maps


def he_normal_init(model, generator):
    """The issue's recipe: He-normal convolutions (fan-in), BN 1 / 0, PyTorch's default Linear."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            fan_in = m.weight[0].numel()
            with torch.no_grad():
                m.weight.normal_(0, math.sqrt(2 / fan_in), generator=generator)


def _pairs(model):
    """(studio name, PyTorch tensor, kind) for every weight: kind 'conv', 'linear' or 'plain'."""
    out = []

    def conv_bn(prefix, cb, conv_name, bn_name):
        out.append((f"{prefix}{conv_name}/kernel", cb.conv.weight, "conv"))
        for studio, torch_name in (("gamma", "weight"), ("beta", "bias"), ("runningMean", "running_mean"), ("runningVariance", "running_var")):
            out.append((f"{prefix}{bn_name}/{studio}", getattr(cb.bn, torch_name), "plain"))

    conv_bn("", model.stem, "stem/conv", "stem/bn")
    for s, stage in enumerate(model.stages):
        for b, block in enumerate(stage):
            p = f"stage{s + 1}/block{b + 1}/"
            conv_bn(p, block.conv1, "conv1", "bn1")
            conv_bn(p, block.conv2, "conv2", "bn2")
            if block.shortcut is not None:
                conv_bn(p, block.shortcut, "shortcut/conv", "shortcut/bn")
    out.append(("fc/kernel", model.fc.weight, "linear"))
    out.append(("fc/bias", model.fc.bias, "plain"))
    return out


def to_torch_layout(array, kind):
    if kind == "conv":
        return np.ascontiguousarray(np.transpose(array, (3, 2, 0, 1)))
    if kind == "linear":
        return np.ascontiguousarray(array.T)
    return array


def to_studio_layout(array, kind):
    if kind == "conv":
        return np.ascontiguousarray(np.transpose(array, (2, 3, 1, 0)))
    if kind == "linear":
        return np.ascontiguousarray(array.T)
    return array


def load_studio_weights(model, weights):
    """weights: studio name -> float32 array in the studio's layout; every weight must be given."""
    pairs = _pairs(model)
    missing = [name for name, _, _ in pairs if name not in weights]
    if missing:
        raise KeyError(f"missing studio weights: {missing[:5]}")
    with torch.no_grad():
        for name, tensor, kind in pairs:
            tensor.copy_(torch.from_numpy(to_torch_layout(weights[name], kind)))


def studio_weights(model):
    """Every weight (BN running statistics included) under the studio's names and layout."""
    return {name: to_studio_layout(t.detach().numpy(), kind) for name, t, kind in _pairs(model)}


def studio_gradients(model):
    """The gradients of the trainable weights under the studio's names and layout."""
    return {name: to_studio_layout(t.grad.numpy(), kind) for name, t, kind in _pairs(model) if t.requires_grad}


# ---- loss terms, as the reference codes define them ----

def cross_entropy(logits, labels):
    return F.cross_entropy(logits, labels)


def kd(student, teacher, temperature=4.0):
    """Hinton: KL(softmax(t/T) || softmax(s/T)) summed over classes, mean over the batch, times T^2."""
    p = F.softmax(teacher / temperature, dim=1)
    return F.kl_div(F.log_softmax(student / temperature, dim=1), p, reduction="batchmean") * temperature**2


def _pdist(e, eps=1e-12):
    squared = e.pow(2).sum(dim=1)
    prod = e @ e.t()
    res = (squared.unsqueeze(1) + squared.unsqueeze(0) - 2 * prod).clamp(min=eps).sqrt().clone()
    res[range(len(e)), range(len(e))] = 0
    return res


def rkd_distance(student, teacher):
    """RKD's official distance loss."""
    with torch.no_grad():
        t_d = _pdist(teacher)
        t_d = t_d / t_d[t_d > 0].mean()
    d = _pdist(student)
    d = d / d[d > 0].mean()
    return F.smooth_l1_loss(d, t_d, reduction="mean")


def rkd_angle(student, teacher):
    """RKD's official angle loss."""
    with torch.no_grad():
        td = teacher.unsqueeze(0) - teacher.unsqueeze(1)
        norm_td = F.normalize(td, p=2, dim=2)
        t_angle = torch.bmm(norm_td, norm_td.transpose(1, 2)).view(-1)
    sd = student.unsqueeze(0) - student.unsqueeze(1)
    norm_sd = F.normalize(sd, p=2, dim=2)
    s_angle = torch.bmm(norm_sd, norm_sd.transpose(1, 2)).view(-1)
    return F.smooth_l1_loss(s_angle, t_angle, reduction="mean")


def semantic(student_feature, teacher_feature, projection=None):
    """VSKD's L_S: MSE of the (projected) student feature against the teacher's."""
    mapped = projection(student_feature) if projection is not None else student_feature
    return F.mse_loss(mapped, teacher_feature.detach())


def _attention_map(f):
    return F.normalize(f.pow(2).mean(1).view(f.size(0), -1))


def attention(student_maps, teacher_maps):
    """RepDistiller's AT (code mode), NCHW maps; each pair adaptively pooled to the smaller size."""
    total = 0
    for s, t in zip(student_maps, teacher_maps):
        size = (min(s.shape[2], t.shape[2]), min(s.shape[3], t.shape[3]))
        s, t = F.adaptive_avg_pool2d(s, size), F.adaptive_avg_pool2d(t.detach(), size)
        total = total + (_attention_map(s) - _attention_map(t)).pow(2).mean()
    return total


def similarity_preserving(student_feature, teacher_feature):
    """RepDistiller's SP."""
    n = student_feature.shape[0]
    g_s = F.normalize(student_feature.view(n, -1) @ student_feature.view(n, -1).t())
    t = teacher_feature.detach().view(n, -1)
    g_t = F.normalize(t @ t.t())
    return (g_t - g_s).pow(2).sum() / (n * n)


def accuracy(model, x, y, batch=64):
    """The share of rows of x whose eval-mode logits pick their label."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits, _, _ = model(x[i : i + batch])
            correct += (logits.argmax(1) == y[i : i + batch]).sum().item()
    return correct / len(x)


def train_epoch(model, opt, x, y, order, batch, label_smoothing=0.0):
    """One epoch of cross-entropy steps over x[order] in batches (a last batch of one row is skipped,
    as BatchNorm cannot train on it); answers the summed loss and the rows classified right."""
    model.train()
    total, correct = 0.0, 0
    for i in range(0, len(order), batch):
        rows = order[i : i + batch]
        if len(rows) < 2:
            continue
        logits, _, _ = model(x[rows])
        loss = F.cross_entropy(logits, y[rows], label_smoothing=label_smoothing)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(rows)
        correct += (logits.argmax(1) == y[rows]).sum().item()
    return total, correct


def recipe_arguments():
    """The command line of a run of the student recipe on an exported dataset: its folder, then the
    studio's defaults (docs/RESULTS.md, issue 16)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-5)
    ap.add_argument("--width", type=float, default=0.25)
    return ap
