import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { batchesOf, epochRng, shuffledOrder } from '../../main/train/epochOrder.ts';
import type { Predictions } from '../../main/train/predict.ts';
import { disposeSet, pairedBatch, residentSet } from '../../main/train/residentSet.ts';

describe('residentSet', () => {
  it('pairs each student image and label with the teacher outputs of the same recording', async () => {
    await tf.setBackend('cpu');
    const n = 6;
    const size = 2;
    const perImage = size * size * 3;
    // recording r: its image is filled with r, its label is 100 + r, teacher logits [r, 10 r], feature [-r], time map [[r], [2 r]]
    const images = Float32Array.from({ length: n * perImage }, (_, i) => Math.floor(i / perImage));
    const labels = Int32Array.from({ length: n }, (_, r) => 100 + r);
    const teacher: Predictions = {
      rows: n,
      classes: 2,
      logits: Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : 5 * i - 5)),
      featureSize: 1,
      features: Float32Array.from({ length: n }, (_, r) => -r),
      mapShape: [2, 1, 1],
      maps: Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : i - 1)),
    };
    const set = residentSet(images, size, labels, teacher, true);
    for (const rows of batchesOf(shuffledOrder(n, epochRng(3, 1, 0)), 4)) {
      const batch = pairedBatch(set, rows);
      const firstPixels = Array.from(await batch.images.data()).filter((_, i) => i % perImage === 0);
      assert.deepEqual(firstPixels, rows);
      assert.deepEqual(
        Array.from(await batch.labels.data()),
        rows.map((r) => 100 + r),
      );
      assert.deepEqual(
        await batch.teacherLogits!.array(),
        rows.map((r) => [r, 10 * r]),
      );
      assert.deepEqual(
        Array.from(await batch.teacherFeatures!.data()),
        rows.map((r) => -r),
      );
      assert.deepEqual(
        await batch.teacherMaps!.array(),
        rows.map((r) => [[[r]], [[2 * r]]]),
      );
      disposeSet(batch);
    }
    disposeSet(set);
  });

  it('keeps no teacher tensors for a baseline run, and the time maps for attention transfer only', () => {
    const set = residentSet(new Float32Array(12), 2, Int32Array.of(0), null, false);
    assert.equal(set.teacherLogits, null);
    assert.equal(set.teacherMaps, null);
    disposeSet(set);
    const before = tf.memory().numTensors;
    const teacher: Predictions = {
      rows: 1,
      classes: 1,
      logits: Float32Array.of(1),
      featureSize: 1,
      features: Float32Array.of(2),
      mapShape: [1, 1, 1],
      maps: Float32Array.of(3),
    };
    const withoutMaps = residentSet(new Float32Array(12), 2, Int32Array.of(0), teacher, false);
    assert.equal(withoutMaps.teacherMaps, null);
    assert.equal(tf.memory().numTensors, before + 4);
    disposeSet(withoutMaps);
    assert.equal(tf.memory().numTensors, before, 'every tensor freed');
  });
});
