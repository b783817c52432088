import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, randomInput, tf, values } from './tfCpu.ts';
import { BatchNorm, Conv2d, convOutputSize, dropout, Linear } from '../../../main/train/models/layers.ts';
import { VariableScope, VariableStore } from '../../../main/train/models/parameters.ts';
import { mulberry32 } from '../../../main/random.ts';

/** A BatchNorm of three channels with γ (0.5, 2, −1) and β `beta`, and the store that frees it. */
function batchNormOf(beta: number[]): { store: VariableStore; bn: BatchNorm } {
  const store = new VariableStore(1);
  const bn = new BatchNorm(new VariableScope(store, 'bn'), 3);
  tf.tidy(() => {
    bn.gamma.assign(tf.tensor1d([0.5, 2, -1]));
    bn.beta.assign(tf.tensor1d(beta));
  });
  return { store, bn };
}

describe('layers', () => {
  it('BatchNorm in training matches tf.batchNorm with batch statistics, values and gradients', () => {
    const { store, bn } = batchNormOf([0.1, 0, 3]);
    const x = randomInput<tf.Rank.R4>([2, 3, 3, 3], 1);
    const dy = randomInput<tf.Rank.R4>([2, 3, 3, 3], 2);
    const reference = (input: tf.Tensor) => {
      const { mean, variance } = tf.moments(input, [0, 1, 2]);
      return tf.batchNorm(input, mean, variance, bn.beta as tf.Tensor1D, bn.gamma as tf.Tensor1D, 1e-5);
    };
    const ours = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(bn.apply(input, true), dy)))(x);
    const theirs = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(reference(input), dy)))(x);
    assertClose(values(ours), values(theirs), 1e-4, 'dL/dx');
    const [y, expected] = [bn.apply(x, true), reference(x)];
    assertClose(values(y), values(expected), 1e-5, 'y');
    tf.dispose([x, dy, ours, theirs, y, expected]);
    store.dispose();
  });

  it('BatchNorm + residual + ReLU in training (one custom-gradient op) equals the same taped op by op: values, every gradient, running statistics', () => {
    const { store, bn } = batchNormOf([0.1, 0, 0.3]);
    const x = randomInput<tf.Rank.R4>([2, 3, 3, 3], 1);
    const residual = randomInput<tf.Rank.R4>([2, 3, 3, 3], 3);
    const dy = randomInput<tf.Rank.R4>([2, 3, 3, 3], 2);
    const gamma = bn.gamma as tf.Tensor1D;
    const beta = bn.beta as tf.Tensor1D;
    const reference = (input: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, r: tf.Tensor4D) => {
      const { mean, variance } = tf.moments(input, [0, 1, 2]);
      return tf.relu(tf.add(tf.batchNorm(input, mean, variance, b, g, 1e-5), r));
    };
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, dy));
    // γ and β reach bn.apply as its own variables: the same tensors tf.grads is given
    const ours = tf.grads((input: tf.Tensor, _g: tf.Tensor, _b: tf.Tensor, r: tf.Tensor) =>
      loss(bn.apply(input as tf.Tensor4D, true, { residual: r as tf.Tensor4D, relu: true })),
    )([x, gamma, beta, residual]);
    const theirs = tf.grads((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor) =>
      loss(reference(input as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, r as tf.Tensor4D)),
    )([x, gamma, beta, residual]);
    for (const [k, what] of ['dL/dx', 'dL/dγ', 'dL/dβ', 'dL/dresidual'].entries()) assertClose(values(ours[k]), values(theirs[k]), 1e-4, what);
    const y = bn.apply(x, true, { residual, relu: true });
    const expected = reference(x, gamma, beta, residual);
    assertClose(values(y), values(expected), 1e-5, 'y');
    assert.ok(values(y).some((v) => v === 0) && values(y).some((v) => v > 0), 'the ReLU cuts some values and keeps others');
    // two training passes so far, each moving the running statistics 10% towards the batch's
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const unbiased = tf.mul(variance, 18 / 17);
    const kept = 0.9 ** 2;
    assertClose(values(bn.runningMean), values(tf.mul(mean, 1 - kept)), 1e-5, 'running mean');
    assertClose(values(bn.runningVariance), values(tf.add(tf.mul(unbiased, 1 - kept), kept)), 1e-5, 'running variance');
    const inference = reference(x, gamma, beta, residual);
    assert.notDeepEqual(values(bn.apply(x, false, { residual, relu: true })), values(inference), 'inference uses the running statistics');
    tf.dispose([x, residual, dy, ...ours, ...theirs, y, expected, mean, variance, unbiased, inference]);
    store.dispose();
  });

  it('pads convolutions so that strided 3×3 and 1×1 shortcuts agree on odd sizes', () => {
    const store = new VariableStore(1);
    const scope = new VariableScope(store);
    const conv3 = new Conv2d(scope.child('a'), { inChannels: 2, outChannels: 4, size: 3, stride: 2 });
    const conv1 = new Conv2d(scope.child('b'), { inChannels: 2, outChannels: 4, size: 1, stride: 2 });
    for (const size of [7, 8]) {
      const x = tf.zeros([1, size, size, 2]) as tf.Tensor4D;
      const [a, b] = [conv3.apply(x), conv1.apply(x)];
      assert.deepEqual(a.shape, b.shape);
      assert.equal(a.shape[1], convOutputSize(size, 3, 2));
      tf.dispose([x, a, b]);
    }
    assert.equal(convOutputSize(224, 7, 2), 112);
    store.dispose();
  });

  it("initialises a Linear as PyTorch's nn.Linear when asked: kernel and bias uniform in ±1/√fan_in", () => {
    const store = new VariableStore(4);
    const glorot = new Linear(new VariableScope(store, 'glorot'), 128, 27);
    const pytorch = new Linear(new VariableScope(store, 'pytorch'), 128, 27, { init: 'pytorch' });
    const limit = 1 / Math.sqrt(128);
    const kernel = values(pytorch.kernel);
    const bias = values(pytorch.bias!);
    assert.ok(
      [...kernel, ...bias].every((v) => Math.abs(v) <= limit),
      'inside ±1/√fan_in',
    );
    // a uniform's largest magnitude nears its limit; its standard deviation is limit/√3
    assert.ok(Math.max(...kernel.map(Math.abs)) > 0.99 * limit);
    const std = Math.sqrt(kernel.reduce((a, v) => a + v * v, 0) / kernel.length);
    assert.ok(Math.abs(std - limit / Math.sqrt(3)) < 0.05 * limit, `std ${std}`);
    assert.ok(
      bias.some((v) => v !== 0),
      'a drawn bias, not zeros',
    );
    assert.ok(
      values(glorot.bias!).every((v) => v === 0),
      'the default keeps a zero bias',
    );
    assert.ok(Math.max(...values(glorot.kernel).map(Math.abs)) > 1.5 * limit, "Glorot's limit √(6 / 155) is larger");
    store.dispose();
  });

  it('drops out only in training, scaling the kept values by 1 / (1 − rate)', () => {
    const x = tf.ones([1000]);
    assert.equal(dropout(x, 0.5, false, mulberry32(1)), x);
    const y = dropout(x, 0.5, true, mulberry32(1));
    const kept = values(y).filter((v) => v !== 0);
    assert.ok(kept.every((v) => v === 2));
    assert.ok(Math.abs(kept.length - 500) < 60, `${kept.length} kept`);
    const again = dropout(x, 0.5, true, mulberry32(1));
    assert.deepEqual(values(again), values(y), 'the mask follows the rng');
    tf.dispose([x, y, again]);
  });
});
