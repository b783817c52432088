import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, randomInput, studioError, tf, values } from './tfCpu.ts';
import { ResNet18, resnet18Widths, resnetMacs, resolveResNetConfig } from '../../../main/train/models/resnet.ts';

const TINY = { classes: 3, inputSize: 16, width: 0.125, seed: 7 } as const;

/** ResNet18 parameters written out from the architecture (conv without bias, BN γ/β, Linear). */
function expectedParameters(classes: number, widths: number[], stemKernel: number, inChannels = 3): number {
  const conv = (k: number, cin: number, cout: number) => k * k * cin * cout;
  const bn = (c: number) => 2 * c;
  let total = conv(stemKernel, inChannels, widths[0]) + bn(widths[0]);
  let cin = widths[0];
  for (const [stage, w] of widths.entries()) {
    const down = stage > 0;
    total += conv(3, cin, w) + bn(w) + conv(3, w, w) + bn(w) + (down ? conv(1, cin, w) + bn(w) : 0); // block 1
    total += 2 * (conv(3, w, w) + bn(w)); // block 2
    cin = w;
  }
  return total + widths[3] * classes + classes;
}

/** MACs of a small-stem ResNet18 written out layer by layer. */
function expectedSmallStemMacs(classes: number, widths: number[], size: number): number {
  let macs = size * size * 9 * 3 * widths[0];
  let cin = widths[0];
  for (const [stage, w] of widths.entries()) {
    if (stage > 0) {
      size /= 2;
      macs += size * size * (9 * cin * w + cin * w); // strided 3×3 and the 1×1 shortcut
    } else macs += size * size * 9 * cin * w;
    macs += 3 * size * size * 9 * w * w;
    cin = w;
  }
  return macs + widths[3] * classes;
}

describe('ResNet18 student', () => {
  it('gives logits, feature and four stage maps of the expected shapes', async () => {
    const model = new ResNet18(TINY);
    const x = randomInput<tf.Rank.R4>([2, 16, 16, 3], 1);
    for (const training of [false, true]) {
      const out = model.forward(x, { training });
      assert.deepEqual(out.logits.shape, [2, 3]);
      assert.deepEqual(out.feature.shape, [2, 64]);
      assert.deepEqual(
        out.maps.map((m) => m.shape),
        [
          [2, 16, 16, 8],
          [2, 8, 8, 16],
          [2, 4, 4, 32],
          [2, 2, 2, 64],
        ],
      );
      tf.dispose(out);
    }
    x.dispose();
    model.dispose();
  });

  it('uses the ImageNet stem (7×7/2 and max-pool) above 64 px or when asked', async () => {
    assert.equal(resolveResNetConfig({ classes: 2, inputSize: 64 }).stem, 'small');
    assert.equal(resolveResNetConfig({ classes: 2, inputSize: 224 }).stem, 'imagenet');
    const model = new ResNet18({ ...TINY, inputSize: 32, stem: 'imagenet' });
    const x = randomInput<tf.Rank.R4>([1, 32, 32, 3], 2);
    const out = model.forward(x, { training: false });
    assert.deepEqual(
      out.maps.map((m) => m.shape[1]),
      [8, 4, 2, 1],
    );
    tf.dispose([out, x]);
    model.dispose();
  });

  it('has the full-width ResNet18 parameter count (≈ 11.2 M for 27 classes)', async () => {
    // the architecture-derived count reproduces the published CIFAR ResNet18 figure for 10 classes
    assert.equal(expectedParameters(10, [64, 128, 256, 512], 3), 11_173_962);
    const expected = expectedParameters(27, [64, 128, 256, 512], 3);
    assert.equal(expected, 11_182_683);
    const model = new ResNet18({ classes: 27, inputSize: 32 });
    assert.equal(model.parameterCount(), expected);
    assert.equal(model.featureSize, 512);
    // running statistics are weights to save, not parameters to train: mean and variance per BN channel
    const bnChannels = 64 + 4 * 64 + 5 * 128 + 5 * 256 + 5 * 512;
    const saved = Object.values(await model.getWeights()).reduce((n, w) => n + w.data.length, 0);
    assert.equal(saved, expected + 2 * bnChannels);
    assert.equal(model.trainableVariables.length, 62); // 20 convs, 20 BN × (γ, β), the Linear's kernel and bias
    model.dispose();
    const imagenet = new ResNet18({ classes: 1000, inputSize: 224, width: 0.25 });
    assert.equal(imagenet.parameterCount(), expectedParameters(1000, resnet18Widths(0.25), 7));
    imagenet.dispose();
  });

  it('computes MACs from the config', async () => {
    assert.equal(resnetMacs(TINY), expectedSmallStemMacs(3, [8, 16, 32, 64], 16));
    // published figures: CIFAR ResNet18 ≈ 0.56 G, ImageNet ResNet18 ≈ 1.82 G multiply-accumulates
    const cifar = resnetMacs({ classes: 10, inputSize: 32 });
    assert.equal(cifar, expectedSmallStemMacs(10, [64, 128, 256, 512], 32));
    assert.ok(cifar > 0.55e9 && cifar < 0.56e9, `${cifar}`);
    const imagenet = resnetMacs({ classes: 1000, inputSize: 224 });
    assert.ok(Math.abs(imagenet / 1.814e9 - 1) < 0.005, `${imagenet}`);
    // convolutions scale with the input area, the Linear does not
    const fc = 512 * 10;
    assert.equal(resnetMacs({ classes: 10, inputSize: 64 }) - fc, 4 * (cifar - fc));
    // and roughly with the square of the width
    const quarter = resnetMacs({ classes: 10, inputSize: 32, width: 0.25 });
    assert.ok(Math.abs(quarter / cifar - 1 / 16) < 0.01, `${quarter / cifar}`);
  });

  it('initialises deterministically from its seed (He normal convolutions)', async () => {
    const a = new ResNet18(TINY);
    const b = new ResNet18(TINY);
    const c = new ResNet18({ ...TINY, seed: 8 });
    const wa = await a.getWeights();
    const wb = await b.getWeights();
    const wc = await c.getWeights();
    for (const name of Object.keys(wa)) assert.deepEqual(wa[name].data, wb[name].data, name);
    assert.notDeepEqual(wa['stage1/block1/conv1/kernel'].data, wc['stage1/block1/conv1/kernel'].data);
    const x = randomInput<tf.Rank.R4>([2, 16, 16, 3], 3);
    const [oa, ob] = [a.forward(x, { training: false }), b.forward(x, { training: false })];
    assert.deepEqual(values(oa.logits), values(ob.logits));
    // std of a 3×3×32×64 kernel ≈ √(2 / fan_in)
    const kernel = wa['stage4/block2/conv2/kernel'].data;
    const std = Math.sqrt(kernel.reduce((s, v) => s + v * v, 0) / kernel.length);
    assert.ok(Math.abs(std / Math.sqrt(2 / (9 * 64)) - 1) < 0.05, `std ${std}`);
    tf.dispose([oa, ob, x]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('updates BatchNorm running statistics in training only, and uses them at inference', async () => {
    const model = new ResNet18(TINY);
    const x = tf.tidy(() => tf.add(randomInput([4, 16, 16, 3], 4), 1)) as tf.Tensor4D;
    const before = await model.getWeights();
    tf.dispose(model.forward(x, { training: false }));
    const afterEval = await model.getWeights();
    for (const name of Object.keys(before)) assert.deepEqual(afterEval[name].data, before[name].data, name);

    tf.dispose(model.forward(x, { training: true }));
    const after = await model.getWeights();
    // stem BN: running = 0.9 · initial + 0.1 · batch statistic of the stem convolution (unbiased variance)
    const stem = tf.conv2d(x, tf.tensor4d(before['stem/conv/kernel'].data, [3, 3, 3, 8]), 1, 1);
    const { mean, variance } = tf.moments(stem, [0, 1, 2]);
    const n = 4 * 16 * 16;
    assertClose(
      after['stem/bn/runningMean'].data,
      values(mean).map((m) => 0.1 * m),
      1e-4,
      'running mean',
    );
    assertClose(
      after['stem/bn/runningVariance'].data,
      values(variance).map((v) => 0.9 + (0.1 * v * n) / (n - 1)),
      1e-4,
      'running variance',
    );
    assert.deepEqual(after['stem/bn/gamma'].data, before['stem/bn/gamma'].data); // a forward pass trains nothing

    // inference: a sample's output does not depend on its batch; training: it does
    const first = tf.slice(x, [0, 0, 0, 0], [1, 16, 16, 3]);
    const logitsOf = (input: tf.Tensor4D, training: boolean) => {
      const out = model.forward(input, { training });
      const row = values(out.logits).slice(0, 3);
      tf.dispose(out);
      return row;
    };
    assertClose(logitsOf(first, false), logitsOf(x, false), 1e-4, 'inference logits');
    const alone = logitsOf(first, true);
    const inBatch = logitsOf(x, true);
    assert.ok(
      alone.some((v, k) => Math.abs(v - inBatch[k]) > 1e-3),
      'training mode uses batch statistics',
    );
    tf.dispose([x, stem, mean, variance, first]);
    model.dispose();
  });

  it('leaves no intermediate tensors behind', () => {
    const model = new ResNet18(TINY);
    const x = randomInput<tf.Rank.R4>([2, 16, 16, 3], 5);
    const before = tf.memory().numTensors;
    const out = model.forward(x, { training: true });
    assert.equal(tf.memory().numTensors, before + 6); // logits, feature, 4 maps
    tf.dispose(out);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    model.dispose();
  });

  it('rejects bad configs and inputs, naming the argument', () => {
    assert.throws(() => new ResNet18({ ...TINY, classes: 0 }), studioError('INVALID_ARGUMENT', 'classes'));
    assert.throws(() => new ResNet18({ ...TINY, width: -1 }), studioError('INVALID_ARGUMENT', 'width'));
    assert.throws(() => new ResNet18({ ...TINY, stem: 'big' as never }), studioError('INVALID_ARGUMENT', 'stem'));
    assert.throws(() => new ResNet18({ ...TINY, seed: 1.5 }), studioError('INVALID_ARGUMENT', 'seed'));
    const model = new ResNet18(TINY);
    const x = tf.zeros([1, 17, 17, 3]) as tf.Tensor4D;
    assert.throws(() => model.forward(x, { training: false }), studioError('INVALID_ARGUMENT', 'x'));
    x.dispose();
    model.dispose();
  });
});
