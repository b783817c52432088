import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { motionEnergy } from '../../main/sync/motion.ts';

describe('motion energy', () => {
  it('is the mean absolute difference of consecutive frames', () => {
    // three 2×2 frames: the second brightens one pixel by 40 and darkens another by 10; the third repeats it
    const frames = Uint8Array.from([10, 10, 10, 10, 50, 10, 10, 0, 50, 10, 10, 0]);
    assert.deepEqual(Array.from(motionEnergy(frames, 3, 2, 2)), [12.5, 0]);
  });

  it('gives nothing for a single frame', () => {
    assert.equal(motionEnergy(new Uint8Array(4), 1, 2, 2).length, 0);
  });

  it('refuses a buffer too short for the frames, and fractional sizes', () => {
    const invalid = (err: StudioError) => err.code === 'INVALID_ARGUMENT';
    assert.throws(() => motionEnergy(new Uint8Array(11), 3, 2, 2), invalid);
    assert.throws(() => motionEnergy(new Uint8Array(12), 3, 1.5, 2), invalid);
  });
});
