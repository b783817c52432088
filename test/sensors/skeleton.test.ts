import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { parseMat, readMatDims } from '../../main/sensors/mat.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { readSkeleton } from '../../main/sensors/skeleton.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fixture = join(fixtures, 'utd-mhad-mini', 'Skeleton', 'a1_s1_t1_skeleton.mat');

describe('skeleton files', () => {
  it('reads d_skel as frame-major F × J × 3', async () => {
    const skeleton = await readSkeleton(fixture);
    const { dims } = await readMatDims(fixture, 'd_skel');
    assert.equal(skeleton.joints, 20);
    assert.equal(skeleton.frames, dims[2]);
    assert.equal(skeleton.data.length, skeleton.frames * 20 * 3);
    const raw = parseMat(readFileSync(fixture), fixture).get('d_skel')!.data;
    for (const [f, j, k] of [
      [0, 0, 0],
      [7, 10, 1],
      [skeleton.frames - 1, 19, 2],
    ]) {
      assert.equal(skeleton.data[(f * 20 + j) * 3 + k], Math.fround(raw[j + 20 * (k + 3 * f)]));
    }
    // the head (joint 1) is above the right foot (joint 20) in every frame: y is the second coordinate
    for (let f = 0; f < skeleton.frames; f++) assert.ok(skeleton.data[f * 60 + 1] > skeleton.data[(f * 20 + 19) * 3 + 1], `frame ${f}`);
  });

  it('orders a synthetic array exactly', async () => {
    // 2 joints × 3 × 2 frames, column-major; value = 100 × frame + 10 × joint + coordinate
    const data = Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 6) + 10 * (i % 2) + Math.floor((i % 6) / 2));
    const path = join(dir, 'tiny.mat');
    writeFileSync(path, writeMat([{ name: 'd_skel', className: 'double', dims: [2, 3, 2], data }]));
    const skeleton = await readSkeleton(path);
    assert.deepEqual([...skeleton.data], [0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
  });

  it('names the file and the problem for a wrong shape, a missing variable or a missing file', async () => {
    const wrong = join(dir, 'wrong.mat');
    writeFileSync(wrong, writeMat([{ name: 'd_skel', className: 'double', dims: [20, 2, 4], data: new Array(160).fill(0) }]));
    await assert.rejects(readSkeleton(wrong), (err: StudioError) => err.code === 'BAD_INPUT' && err.message.includes(wrong) && /20×2×4/.test(err.message));
    const other = join(dir, 'other.mat');
    writeFileSync(other, writeMat([{ name: 'd_depth', className: 'double', dims: [2, 2], data: [1, 2, 3, 4] }]));
    await assert.rejects(readSkeleton(other), (err: StudioError) => err.code === 'BAD_INPUT' && /d_skel not found/.test(err.message));
    const nan = join(dir, 'nan.mat');
    writeFileSync(nan, writeMat([{ name: 'd_skel', className: 'double', dims: [2, 3, 1], data: [0, 0, 0, NaN, 0, 0] }]));
    await assert.rejects(readSkeleton(nan), (err: StudioError) => err.code === 'BAD_INPUT' && /joint 2, frame 1/.test(err.message));
    await assert.rejects(readSkeleton(join(dir, 'absent.mat')), (err: StudioError) => err.code === 'NOT_FOUND');
  });
});
