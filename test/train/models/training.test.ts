import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from './tfCpu.ts';
import { ResNet18 } from '../../../main/train/models/resnet.ts';

/** Separable toy images: class 0 bright in the top half, class 1 in the bottom half, plus noise. */
function toyBatch(size: number, perClass: number, seed: number): { x: tf.Tensor4D; labels: tf.Tensor2D } {
  return tf.tidy(() => {
    const rows = tf.reshape(tf.range(0, size), [1, size, 1, 1]);
    const top = tf.cast(tf.less(rows, size / 2), 'float32');
    const patterns = tf.concat([tf.tile(top, [perClass, 1, size, 3]), tf.tile(tf.sub(1, top), [perClass, 1, size, 3])], 0);
    const x = tf.add(patterns, tf.randomNormal([2 * perClass, size, size, 3], 0, 0.5, 'float32', seed)) as tf.Tensor4D;
    const labels = tf.oneHot(tf.tensor1d([...Array(perClass).fill(0), ...Array(perClass).fill(1)], 'int32'), 2) as tf.Tensor2D;
    return { x, labels };
  });
}

describe('training a tiny student', () => {
  it('reduces the cross-entropy on a separable problem within 20 Adam steps', async () => {
    // 8×8 px, widths 4…32, batch 8: the cpu backend's filter gradient is a slow scalar loop
    const model = new ResNet18({ classes: 2, inputSize: 8, width: 1 / 16, seed: 3 });
    const optimizer = tf.train.adam(0.01);
    const initialMean = (await model.getWeights())['stem/bn/runningMean'].data;
    const losses: number[] = [];
    let tensorsAfterFirstStep = 0;
    for (let step = 0; step < 20; step++) {
      const { x, labels } = toyBatch(8, 4, step + 1); // seed 0 would mean unseeded to tf.randomNormal
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = model.forward(x, { training: true });
        return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
      }, model.trainableVariables);
      if (step === 0) assert.equal(Object.keys(grads).length, model.trainableVariables.length, 'a gradient for every variable');
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      losses.push(value.dataSync()[0]);
      tf.dispose([value, grads, x, labels]);
      if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, tensorsAfterFirstStep, 'no tensor leaks per step');
    assert.notDeepEqual((await model.getWeights())['stem/bn/runningMean'].data, initialMean, 'running statistics updated under the tape');
    const first = losses[0];
    const last = (losses[17] + losses[18] + losses[19]) / 3;
    // chance level is ln 2 ≈ 0.69
    assert.ok(last < 0.5 * first && last < 0.3, `loss ${first.toFixed(3)} → ${last.toFixed(3)}: ${losses.map((l) => l.toFixed(2)).join(' ')}`);
    optimizer.dispose();
    model.dispose();
  });
});
