import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { segmentIndices } from '../../main/media/segments.ts';
import { mulberry32 } from '../../main/random.ts';

describe('mulberry32', () => {
  it('repeats a sequence from its seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 5 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 5 }, () => b()),
    );
    assert.notDeepEqual(
      first,
      Array.from({ length: 5 }, () => c()),
    );
    assert.ok(first.every((x) => x >= 0 && x < 1));
  });

  it('is roughly uniform', () => {
    const rng = mulberry32(7);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(rng() * 10)]++;
    for (const count of bins) assert.ok(Math.abs(count - 10_000) < 500, `bin count ${count}`);
  });
});

describe('segmentIndices', () => {
  it('eval: the segment centres ⌊tick/2 + tick·k⌋', () => {
    assert.deepEqual(segmentIndices(50, 8, 'eval'), [3, 9, 15, 21, 28, 34, 40, 46]);
    assert.deepEqual(segmentIndices(300, 8, 'eval'), [18, 56, 93, 131, 168, 206, 243, 281]);
    assert.deepEqual(segmentIndices(8, 8, 'eval'), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(segmentIndices(3, 8, 'eval'), [0, 0, 0, 1, 1, 2, 2, 2]); // as Python computes it
    for (const [F, K] of [
      [37, 5],
      [1000, 3],
      [13, 13],
      [1, 4],
    ]) {
      const tick = F / K;
      assert.deepEqual(
        segmentIndices(F, K, 'eval'),
        Array.from({ length: K }, (_, k) => Math.floor(tick / 2 + tick * k)),
      );
    }
  });

  it('train: one frame inside each equal segment, repeatable from a seed', () => {
    for (const [F, K] of [
      [50, 8],
      [301, 8],
      [16, 8],
      [9, 8],
      [100, 3],
    ]) {
      const avg = Math.floor(F / K);
      for (let seed = 0; seed < 50; seed++) {
        const picked = segmentIndices(F, K, 'train', mulberry32(seed));
        assert.equal(picked.length, K);
        picked.forEach((frame, k) => assert.ok(frame >= k * avg && frame < (k + 1) * avg, `F=${F} K=${K} seed=${seed}: frame ${frame} outside segment ${k}`));
      }
      assert.deepEqual(segmentIndices(F, K, 'train', mulberry32(123)), segmentIndices(F, K, 'train', mulberry32(123)));
    }
  });

  it('train: the draws vary with the seed and cover each segment', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 200; seed++) seen.add(segmentIndices(50, 8, 'train', mulberry32(seed))[0]);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5],
    );
  });

  it('train with fewer frames than segments: sorted indices in range, with repeats', () => {
    for (let seed = 0; seed < 20; seed++) {
      const picked = segmentIndices(5, 8, 'train', mulberry32(seed));
      assert.equal(picked.length, 8);
      assert.ok(picked.every((f) => Number.isInteger(f) && f >= 0 && f < 5));
      assert.deepEqual(
        picked,
        [...picked].sort((a, b) => a - b),
      );
    }
    assert.deepEqual(segmentIndices(1, 4, 'train', mulberry32(1)), [0, 0, 0, 0]);
  });

  it('refuses nonsense', () => {
    assert.throws(() => segmentIndices(0, 8, 'eval'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => segmentIndices(10, 0, 'train'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => segmentIndices(10.5, 2, 'eval'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => segmentIndices(10, 2, 'test' as 'eval'), { code: 'INVALID_ARGUMENT' });
  });
});
