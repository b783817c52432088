import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decodeNpy } from '../../main/formats/npy.ts';
import { decodeFrames } from '../../main/media/frames.ts';
import { segmentIndices } from '../../main/media/segments.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeClip } from './clips.ts';

const bin = new URL('../../bin/vskd.js', import.meta.url).pathname;
const dir = tempDir();

function vskd(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('vskd frames', () => {
  let clip: string;
  before(async () => {
    clip = await makeClip(dir, 'clip.mp4', { seconds: 2, fps: 25, width: 160, height: 120 });
  });

  it('writes the segment centres as uint8 [K, N, N, 3]', async () => {
    const out = join(dir, 'eval.npy');
    const run = vskd('frames', clip, '--segments', '8', '--size', '32', '--mode', 'eval', '--out', out);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /uint8 \[8, 32, 32, 3\], frames 3, 9, 15, 21, 28, 34, 40, 46/);
    const npy = decodeNpy(readFileSync(out), out);
    assert.equal(npy.dtype, 'uint8');
    assert.deepEqual(npy.shape, [8, 32, 32, 3]);
    const expected = await decodeFrames(clip, segmentIndices(50, 8, 'eval'), { width: 32, height: 32, channels: 3 });
    assert.ok(Buffer.from(npy.data.buffer).equals(Buffer.from(expected)));
  });

  it('repeats a train draw from its seed, in gray', () => {
    const a = join(dir, 'a.npy');
    const b = join(dir, 'b.npy');
    const first = vskd('frames', clip, '--segments', '4', '--size', '16', '--mode', 'train', '--seed', '9', '--gray', '--out', a);
    const second = vskd('frames', clip, '--segments', '4', '--size', '16', '--mode', 'train', '--seed', '9', '--gray', '--out', b);
    assert.equal(first.code, 0, first.err);
    assert.equal(second.code, 0, second.err);
    assert.match(first.out, /seed 9/);
    assert.deepEqual(decodeNpy(readFileSync(a)).shape, [4, 16, 16, 1]);
    assert.ok(readFileSync(a).equals(readFileSync(b)));
  });

  it('exits 2 on a bad call and 1 naming the file on a bad video', () => {
    const misused = vskd('frames', clip, '--mode', 'test', '--out', join(dir, 'x.npy'));
    assert.equal(misused.code, 2);
    assert.match(misused.err, /--mode is one of train, eval/);
    const missing = vskd('frames', join(dir, 'nope.mp4'), '--out', join(dir, 'x.npy'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.mp4: no such file/);
  });
});

describe('vskd doctor', () => {
  it('names the ffmpeg in use and every training backend', () => {
    const run = vskd('doctor', '--json');
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out);
    assert.match(report.ffmpeg.ffmpeg, /ffmpeg/);
    assert.ok(report.ffmpeg.source);
    assert.deepEqual(
      report.backends.map((b: { name: string }) => b.name),
      ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'],
    );
    const cpu = report.backends.find((b: { name: string }) => b.name === 'cpu');
    assert.equal(cpu.available, true, cpu.detail);
  });
});
