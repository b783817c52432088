import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchesOf, epochRng, shuffledOrder } from '../../main/train/epochOrder.ts';

describe('batches', () => {
  it('shuffle the same way for the same seed and epoch, differently for another epoch', () => {
    assert.deepEqual(shuffledOrder(20, epochRng(1, 2, 0)), shuffledOrder(20, epochRng(1, 2, 0)));
    assert.notDeepEqual(shuffledOrder(20, epochRng(1, 2, 0)), shuffledOrder(20, epochRng(1, 3, 0)));
    assert.deepEqual(
      [...shuffledOrder(20, epochRng(1, 2, 0))].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.deepEqual(batchesOf([5, 4, 3, 2, 1], 2), [[5, 4], [3, 2], [1]]);
  });
});
