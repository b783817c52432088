import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { probeVideo } from '../../main/media/probe.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeAudioOnly, makeClip } from './clips.ts';

const dir = tempDir();

describe('probeVideo', () => {
  let clip: string;
  before(async () => {
    clip = await makeClip(dir, 'clip.mp4', { seconds: 2, fps: 25, width: 160, height: 120 });
  });

  it('reads the facts of a known H.264 clip', async () => {
    const info = await probeVideo(clip);
    assert.equal(info.fps, 25);
    assert.equal(info.frameCount, 50);
    assert.equal(info.frameCountSource, 'header');
    assert.equal(info.duration, 2);
    assert.deepEqual([info.width, info.height], [160, 120]);
    assert.equal(info.codec, 'h264');
    assert.equal(info.pixFmt, 'yuv420p');
    assert.equal(info.rotation, 0);
    assert.equal(info.startTime, 0);
  });

  it('reads a file whose name ffmpeg could take for a protocol', async () => {
    const odd = join(dir, 'take:1.mp4');
    copyFileSync(clip, odd);
    assert.equal((await probeVideo(odd)).frameCount, 50);
  });

  it('counts packets when the container has no frame count (webm)', async () => {
    const webm = await makeClip(dir, 'clip.webm', { seconds: 1, fps: 10, width: 64, height: 48, codec: 'vp9' });
    const info = await probeVideo(webm);
    assert.equal(info.codec, 'vp9');
    assert.equal(info.frameCountSource, 'packets');
    assert.equal(info.frameCount, 10);
    assert.equal(info.fps, 10);
  });

  it('NOT_FOUND for a missing file', async () => {
    const missing = join(dir, 'missing.mp4');
    await assert.rejects(probeVideo(missing), { code: 'NOT_FOUND', message: `${missing}: no such file` });
  });

  it('BAD_INPUT naming the file for an empty, a non-media, a truncated and an audio-only file', async () => {
    const empty = join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    const text = join(dir, 'notes.mp4');
    writeFileSync(text, 'these are my notes, not a video\n'.repeat(20));
    // with the index (moov) at the end, as cameras write it, cutting the file loses it
    const whole = readFileSync(await makeClip(dir, 'camera.mp4', { faststart: false }));
    const truncated = join(dir, 'truncated.mp4');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const audio = await makeAudioOnly(dir, 'tone.m4a');

    const cases: [string, RegExp][] = [
      [empty, /is empty \(0 bytes\)/],
      [text, /Invalid data found/],
      [truncated, /moov atom not found|Invalid data/],
      [audio, /has no video stream/],
    ];
    for (const [file, problem] of cases) {
      await assert.rejects(probeVideo(file), (err: { code: string; message: string; detail: { file?: string } }) => {
        assert.equal(err.code, 'BAD_INPUT', file);
        assert.ok(err.message.startsWith(`${file}: `), err.message);
        assert.match(err.message, problem);
        assert.equal(err.detail.file, file);
        return true;
      });
    }
  });

  it('gives up on a probe that outlives its timeout', async () => {
    await assert.rejects(probeVideo(clip, { timeoutMs: 1 }), /timeout of 1 ms/);
  });
});
