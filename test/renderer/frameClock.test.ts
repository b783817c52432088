/**
 * Frame stepping: from any frame, one step forward or back lands on the next or previous frame, at
 * 25, 29.97 and 30 fps and on a variable-rate clip, also when the element reports its time rounded
 * (to the microsecond, or just under the frame's start). The clips are real: their frame times are
 * what ffprobe reads, and their pictures say which frame they are.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveFfmpeg, runTool } from '../../main/media/ffmpeg.ts';
import { isConstantRate, videoFrameTimes } from '../../main/media/frameTimes.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { FrameClock } from '../../renderer/src/lib/frameClock.ts';
import { tempDir } from '../helpers/tmp.ts';
import { CLIP_FRAMES, constantClip, frameOfLuma, variableClip, variableStart } from './frameClips.ts';

/** how a <video> may report a time set to t: exact, to the microsecond, or a hair under */
const reported = (t: number) => [t, Math.round(t * 1e6) / 1e6, t - 1e-7, Math.fround(t)];

/** Steps through every frame forward, then back, asserting each step moves exactly one frame. */
function walk(clock: FrameClock): void {
  let k = 0;
  for (let n = 1; n < clock.count; n++) {
    const next = clock.step(k, 1);
    assert.equal(next, n, `step forward from frame ${k}`);
    for (const t of reported(clock.seekTime(next))) assert.equal(clock.at(t), next, `the seek target of frame ${next} (${t}) is on it`);
    for (const t of reported(clock.start(next))) assert.equal(clock.at(t), next, `frame ${next}'s start (${t}) is on it`);
    k = next;
  }
  assert.equal(clock.step(k, 1), k, 'the last frame stays the last');
  for (let n = clock.count - 2; n >= 0; n--) {
    const previous = clock.step(k, -1);
    assert.equal(previous, n, `step back from frame ${k}`);
    k = previous;
  }
  assert.equal(clock.step(0, -1), 0, 'the first frame stays the first');
}

describe('frame clock', () => {
  for (const fps of [25, 30000 / 1001, 30]) {
    it(`${fps.toFixed(2)} fps: each step one frame both ways, over a long video too`, () => {
      walk(new FrameClock({ fps, frames: 300, duration: 300 / fps, times: null }));
      const hour = new FrameClock({ fps, frames: Math.round(3600 * fps), duration: 3600, times: null });
      const k = Math.round(3599 * fps);
      assert.equal(hour.at(hour.start(k)), k);
      assert.equal(hour.step(hour.at(Math.round(hour.start(k) * 1e6) / 1e6), 1), k + 1, 'a rounded currentTime an hour in still steps on');
    });
  }

  it('a click between frames shows the frame that started before it', () => {
    const clock = new FrameClock({ fps: 30, frames: 30, duration: 1, times: null });
    assert.equal(clock.at(0.05), 1);
    assert.equal(clock.at(0.0666), 1);
    assert.equal(clock.at(10), 29, 'past the end: the last frame');
    assert.equal(clock.at(-1), 0);
  });

  it('variable rate: frames placed by their own times, the last lasting to the end', () => {
    const times = [0, 0.04, 0.05, 0.1, 0.2];
    const clock = new FrameClock({ fps: 25, frames: 5, duration: 0.25, times });
    walk(clock);
    assert.deepEqual(
      [0.02, 0.045, 0.075, 0.15, 0.225].map((t) => +clock.seekTime(clock.at(t)).toFixed(9)),
      [0.02, 0.045, 0.075, 0.15, 0.225],
    );
    assert.equal(clock.end(4), 0.25);
  });
});

describe('frame clock on real clips', () => {
  const dir = tempDir('vskd-frames-');

  /** which frame each decoded picture shows, in display order, from its luma plane (yuv420p: no range conversion) */
  async function frameIndices(path: string): Promise<number[]> {
    const { ffmpeg } = await resolveFfmpeg();
    const { stdout } = await runTool(ffmpeg, ['-v', 'error', '-i', path, '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], {
      timeoutMs: 60_000,
    });
    const size = 64 * 48 * 1.5;
    return Array.from({ length: stdout.length / size }, (_, k) => frameOfLuma(stdout[k * size + 24 * 64 + 32]));
  }

  for (const rate of ['25', '30000/1001', '30']) {
    it(`${rate} fps: ffprobe's frame times are k / fps, and the rate alone places them`, async () => {
      const path = await constantClip(dir, rate);
      const info = await probeVideo(path);
      const times = await videoFrameTimes(path);
      assert.equal(times.length, CLIP_FRAMES);
      assert.ok(isConstantRate(times, info.fps));
      assert.deepEqual(
        await frameIndices(path),
        Array.from({ length: CLIP_FRAMES }, (_, k) => k),
      );
      walk(new FrameClock({ fps: info.fps, frames: info.frameCount, duration: info.duration, times: null }));
    });
  }

  it("variable rate: the frame times are the clip's own, not k / fps, and stepping follows them", async () => {
    const path = await variableClip(dir);
    const info = await probeVideo(path);
    const times = await videoFrameTimes(path);
    assert.ok(!isConstantRate(times, info.fps), `${info.fps} fps does not place these frames`);
    assert.deepEqual(
      Array.from(times, (t) => t.toFixed(4)),
      Array.from({ length: CLIP_FRAMES }, (_, k) => variableStart(k).toFixed(4)),
    );
    assert.deepEqual(
      await frameIndices(path),
      Array.from({ length: CLIP_FRAMES }, (_, k) => k),
    );
    const clock = new FrameClock({ fps: info.fps, frames: info.frameCount, duration: info.duration, times });
    walk(clock);
    // by the average rate alone, frame 9 (at 0.233 s) would be taken for frame 13 or so
    assert.equal(clock.at(variableStart(9)), 9);
  });
});
