/** The dataset builder's fields as a recipe: empty fields left out, numbers as a number input binds them, bad ones named. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultFields, recipeOf } from '../../renderer/src/components/training/datasetRecipe.ts';

describe('dataset builder recipe', () => {
  it('a protocol by default; a split of lists with the empty ones left out', () => {
    assert.deepEqual(recipeOf(defaultFields), { protocol: 'cross-subject', samples: 'recordings', seed: 1 });
    assert.deepEqual(recipeOf({ ...defaultFields, splitMode: 'split', by: 'trial', train: ' 1-2 ', test: '3,4', valSubjects: '7', valPercent: 20 }), {
      split: { by: 'trial', train: '1-2', test: '3,4', valSubjects: '7' },
      samples: 'recordings',
      seed: 1,
      valFraction: 0.2,
    });
  });

  it('windows only of segments; clip and minimum length when given, as numbers or bound numbers', () => {
    const windowed = { ...defaultFields, samples: 'segments' as const, windowed: true, windowSeconds: 2, windowStride: '0.5', clip: 8, minSeconds: null };
    assert.deepEqual(recipeOf(windowed), { protocol: 'cross-subject', samples: 'segments', seed: 1, window: { seconds: 2, stride: 0.5 }, clip: 8 });
    assert.equal(recipeOf({ ...windowed, samples: 'recordings' }).window, undefined, 'whole recordings are never windowed');
  });

  it('names the field that is wrong', () => {
    assert.throws(() => recipeOf({ ...defaultFields, splitMode: 'split' }), /^Error: Split: list what goes in at least one split/);
    assert.throws(() => recipeOf({ ...defaultFields, samples: 'segments', windowed: true, windowStride: -1 }), /^Error: Stride \(s\): "-1" must be/);
    assert.throws(() => recipeOf({ ...defaultFields, valPercent: 100 }), /^Error: Validation %/);
    assert.throws(() => recipeOf({ ...defaultFields, seed: 1.5 }), /^Error: Split seed/);
    assert.throws(() => recipeOf({ ...defaultFields, clip: 0 }), /^Error: Clip/);
  });
});
