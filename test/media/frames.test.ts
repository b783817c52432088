import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decodeAllFrames, decodeFrames, decodeFramesBySeeking } from '../../main/media/frames.ts';
import { probeVideo, type VideoInfo } from '../../main/media/probe.ts';
import { segmentIndices } from '../../main/media/segments.ts';
import { mulberry32 } from '../../main/random.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeClip } from './clips.ts';

const dir = tempDir();
const size = { width: 40, height: 30, channels: 3 as const };
const frameBytes = 40 * 30 * 3;

function frame(data: Uint8Array, k: number): Uint8Array {
  return data.subarray(k * frameBytes, (k + 1) * frameBytes);
}

describe('decoding frames', () => {
  let clip: string;
  let info: VideoInfo;
  let all: Uint8Array;
  before(async () => {
    clip = await makeClip(dir, 'clip.mp4', { seconds: 2, fps: 25, width: 160, height: 120 });
    info = await probeVideo(clip);
    const decoded = await decodeAllFrames(clip, size);
    assert.equal(decoded.count, 50);
    all = decoded.data;
  });

  it('decodes every frame, each one different (testsrc2 moves)', () => {
    assert.equal(all.length, 50 * frameBytes);
    for (let n = 1; n < 50; n++) assert.notDeepEqual(frame(all, n), frame(all, n - 1), `frames ${n - 1} and ${n}`);
  });

  it('one pass and one seek per frame give identical bytes, equal to the full decode', async () => {
    for (const indices of [segmentIndices(50, 8, 'eval'), segmentIndices(50, 8, 'train', mulberry32(5)), [0, 1, 24, 25, 48, 49]]) {
      const onePass = await decodeFrames(clip, indices, { ...size, info });
      const seeking = await decodeFramesBySeeking(clip, indices, { ...size, info });
      assert.equal(onePass.length, indices.length * frameBytes);
      assert.ok(Buffer.from(onePass).equals(Buffer.from(seeking)), `indices ${indices}`);
      indices.forEach((n, k) => assert.ok(Buffer.from(frame(onePass, k)).equals(Buffer.from(frame(all, n))), `frame ${n}`));
    }
  });

  it('returns frames in the order asked, duplicates included', async () => {
    const indices = [40, 3, 40, 17, 3, 0];
    const data = await decodeFrames(clip, indices, size);
    indices.forEach((n, k) => assert.ok(Buffer.from(frame(data, k)).equals(Buffer.from(frame(all, n))), `slot ${k} should be frame ${n}`));
    assert.ok(Buffer.from(await decodeFramesBySeeking(clip, indices, size)).equals(Buffer.from(data)));
  });

  it('reads a file whose name looks like an ffmpeg protocol', async () => {
    const odd = join(dir, 'take:2.mp4');
    copyFileSync(clip, odd);
    assert.ok(Buffer.from(await decodeFrames(odd, [7], size)).equals(Buffer.from(frame(all, 7))));
  });

  it('decodes gray at one byte a pixel', async () => {
    const gray = await decodeFrames(clip, [10, 20], { width: 16, height: 12, channels: 1 });
    assert.equal(gray.length, 2 * 16 * 12);
    const { data, count } = await decodeAllFrames(clip, { width: 16, height: 12, channels: 1 });
    assert.equal(count, 50);
    assert.ok(Buffer.from(gray).equals(Buffer.concat([data.subarray(10 * 192, 11 * 192), data.subarray(20 * 192, 21 * 192)])));
  });

  it('refuses indices past the end, and reports frames a file does not have', async () => {
    await assert.rejects(decodeFrames(clip, [10, 50], { ...size, info }), {
      code: 'INVALID_ARGUMENT',
      message: /frame 50 is past the end \(the video has 50 frames\)/,
    });
    await assert.rejects(decodeFrames(clip, [10, 60], size), { code: 'BAD_INPUT', message: /returned 1 of the 2 frames asked for; frame 60/ });
    await assert.rejects(decodeFrames(clip, [-1], size), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(decodeFrames(clip, [], size), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(decodeFrames(clip, [1], { width: 0, height: 10, channels: 3 }), { code: 'INVALID_ARGUMENT' });
  });

  it('fails clearly on missing and damaged files', async () => {
    await assert.rejects(decodeFrames(join(dir, 'gone.mp4'), [0], size), { code: 'NOT_FOUND' });
    const text = join(dir, 'text.mp4');
    writeFileSync(text, 'not a video at all\n'.repeat(10));
    await assert.rejects(decodeFrames(text, [0], size), { code: 'BAD_INPUT', message: new RegExp(`^${text}: ffmpeg failed`) });
    // a faststart file cut short: the header survives, the later frames do not
    const whole = readFileSync(clip);
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.4)));
    await assert.rejects(decodeFrames(cut, [5, 45], size), {
      code: 'BAD_INPUT',
      message: /frame 45 is past the end of the video \(or the file is truncated\)/,
    });
  });

  it('stops decoding when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(decodeFrames(clip, [1], { ...size, signal: controller.signal }), { code: 'CANCELLED' });
  });
});
