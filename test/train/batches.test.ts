import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { batchesOf, epochRng, gatherRows, imageBatch, shuffledOrder } from '../../main/train/batches.ts';

describe('batches', () => {
  it('pair each student image with the teacher outputs of the same recording', async () => {
    await tf.setBackend('cpu');
    const n = 6;
    const size = 2;
    // image r is filled with r; teacher row r is [r, 10 r]
    const images = Float32Array.from({ length: n * size * size * 3 }, (_, i) => Math.floor(i / (size * size * 3)));
    const teacher = Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : 5 * i - 5));
    const order = shuffledOrder(n, epochRng(3, 1, 0));
    for (const rows of batchesOf(order, 4)) {
      const x = imageBatch(images, rows, size);
      const t = gatherRows(teacher, 2, rows);
      const firstPixel = (await x.data()).filter((_, i) => i % (size * size * 3) === 0);
      const teacherIds = (await t.data()).filter((_, i) => i % 2 === 0);
      assert.deepEqual(Array.from(firstPixel), rows);
      assert.deepEqual(Array.from(teacherIds), rows);
      assert.deepEqual(Array.from(await t.data()).filter((_, i) => i % 2 === 1), rows.map((r) => 10 * r));
      tf.dispose([x, t]);
    }
  });

  it('shuffle the same way for the same seed and epoch, differently for another epoch', () => {
    assert.deepEqual(shuffledOrder(20, epochRng(1, 2, 0)), shuffledOrder(20, epochRng(1, 2, 0)));
    assert.notDeepEqual(shuffledOrder(20, epochRng(1, 2, 0)), shuffledOrder(20, epochRng(1, 3, 0)));
    assert.deepEqual([...shuffledOrder(20, epochRng(1, 2, 0))].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(batchesOf([5, 4, 3, 2, 1], 2), [[5, 4], [3, 2], [1]]);
  });
});
