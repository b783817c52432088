"""
The PyTorch side of the parity harness (test/train/parity.test.ts).

  python3 test/reference/parity.py CASE_DIR OUT_DIR

CASE_DIR (written by the test): case.json (weight names and shapes in order, settings), weights.npy
(every weight flat in that order, the studio's layout), images.npy [N, S, S, 3], labels.npy,
teacher_logits.npy, teacher_features.npy, teacher_maps.npy [N, K, 1, D], projection_kernel.npy,
projection_bias.npy, batches.npy [steps, B].

OUT_DIR: forward.npy (the first batch's training-mode logits and feature), maps.npy (its four stage
outputs, NHWC, flat), terms.json (each loss term), grads.npy [terms, trainable] (each term's gradient,
trainable weights flat in case order, then the projection's kernel and bias), lrs.json (the learning
rate of each step, from PyTorch's own CosineAnnealingLR), steps.npy [steps, all weights] (every weight,
BatchNorm running statistics included, after each step), eval_logits.npy (eval-mode logits of every
image after the last step).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

import student as ref

TERMS = {
    "crossEntropy": lambda o, b, p: ref.cross_entropy(o["logits"], b["labels"]),
    "kd": lambda o, b, p: ref.kd(o["logits"], b["teacher_logits"], p["temperature"]),
    "rkdDistance": lambda o, b, p: ref.rkd_distance(o["logits"], b["teacher_logits"]),
    "rkdAngle": lambda o, b, p: ref.rkd_angle(o["logits"], b["teacher_logits"]),
    "semantic": lambda o, b, p: ref.semantic(o["feature"], b["teacher_features"], p["projection"]),
    # the studio pairs every stage of the student with the teacher's time map [K, 1]
    "attention": lambda o, b, p: ref.attention(o["maps"], [b["teacher_maps"]] * len(o["maps"])),
    "similarityPreserving": lambda o, b, p: ref.similarity_preserving(o["feature"], b["teacher_features"]),
}


def train(model, batch_of, forward, batches, case, loss_settings):
    """
    The training steps: the weighted terms, Adam with L2 weight decay, cosine decay stepped per epoch.
    Returns every weight after each step, the learning rates, and the eval-mode logits of every image.
    """
    opt = torch.optim.Adam(model.parameters(), lr=case["learningRate"], weight_decay=case["weightDecay"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=case["epochs"])
    lrs, states = [], []
    for step, rows in enumerate(batches):
        x, b = batch_of(rows)
        out = forward(x)
        loss = sum(w * TERMS[name](out, b, loss_settings) for name, w in case["trainingWeights"].items())
        opt.zero_grad()
        loss.backward()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if (step + 1) % case["stepsPerEpoch"] == 0:
            sched.step()
        w = ref.studio_weights(model)
        states.append(np.concatenate([w[n].ravel() for n in case["names"]]))
    model.eval()
    with torch.no_grad():
        eval_logits = model(batch_of(np.arange(case["rows"]))[0])[0].numpy()
    return np.stack(states), lrs, eval_logits


def main(case_dir, out_dir):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    case = json.load(open(os.path.join(case_dir, "case.json")))
    load = lambda name: np.load(os.path.join(case_dir, name + ".npy"))
    flat = load("weights")
    weights, at = {}, 0
    for name, shape in zip(case["names"], case["shapes"]):
        size = int(np.prod(shape))
        weights[name] = flat[at : at + size].reshape(shape)
        at += size

    model = ref.ResNet18(case["classes"], case["width"])
    ref.load_studio_weights(model, weights)
    projection = nn.Linear(*load("projection_kernel").shape)
    with torch.no_grad():
        projection.weight.copy_(torch.from_numpy(load("projection_kernel").T.copy()))
        projection.bias.copy_(torch.from_numpy(load("projection_bias")))

    images = torch.from_numpy(load("images")).permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    data = {
        "labels": torch.from_numpy(load("labels").astype(np.int64)),
        "teacher_logits": torch.from_numpy(load("teacher_logits")),
        "teacher_features": torch.from_numpy(load("teacher_features")),
        # [N, K, 1, D] NHWC -> NCHW
        "teacher_maps": torch.from_numpy(load("teacher_maps")).permute(0, 3, 1, 2).contiguous(),
    }
    batches = load("batches").astype(np.int64)
    loss_settings = {"temperature": case["temperature"], "projection": projection}
    trainable = [n for n, t in zip(case["names"], case["trainable"]) if t]

    def batch_of(rows):
        idx = torch.from_numpy(rows)
        return images[idx], {k: v[idx] for k, v in data.items()}

    def forward(x):
        logits, feature, maps = model(x)
        return {"logits": logits, "feature": feature, "maps": maps}

    # each term and its gradient on the first batch, from the initial weights (the running statistics
    # are restored after each of these forward passes)
    initial_state = {k: v.clone() for k, v in model.state_dict().items()}
    x, b = batch_of(batches[0])
    terms, grads = {}, []
    for name, term in TERMS.items():
        model.load_state_dict(initial_state)
        model.zero_grad()
        projection.zero_grad()
        out = forward(x)
        value = term(out, b, loss_settings)
        value.backward()
        terms[name] = value.item()
        g = ref.studio_gradients(model)
        pg = [projection.weight.grad.numpy().T if projection.weight.grad is not None else np.zeros(projection.weight.shape[::-1], np.float32),
              projection.bias.grad.numpy() if projection.bias.grad is not None else np.zeros(projection.bias.shape, np.float32)]
        grads.append(np.concatenate([g[n].ravel() for n in trainable] + [p.ravel() for p in pg]))
        if name == "crossEntropy":
            np.save(os.path.join(out_dir, "forward.npy"), np.concatenate([out["logits"].detach().numpy().ravel(), out["feature"].detach().numpy().ravel()]))
            np.save(os.path.join(out_dir, "maps.npy"), np.concatenate([m.detach().permute(0, 2, 3, 1).numpy().ravel() for m in out["maps"]]))
    model.load_state_dict(initial_state)
    model.load_state_dict(initial_state)
    json.dump(terms, open(os.path.join(out_dir, "terms.json"), "w"))
    np.save(os.path.join(out_dir, "grads.npy"), np.stack(grads).astype(np.float32))

    steps, lrs, eval_logits = train(model, batch_of, forward, batches, case, loss_settings)
    np.save(os.path.join(out_dir, "steps.npy"), steps)
    np.save(os.path.join(out_dir, "eval_logits.npy"), eval_logits)
    json.dump(lrs, open(os.path.join(out_dir, "lrs.json"), "w"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
