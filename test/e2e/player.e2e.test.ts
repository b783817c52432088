/**
 * Frame stepping in Chromium: the player (VideoPane) on clips whose every frame shows its index as its
 * brightness, at 25, 29.97 and 30 fps and at a variable rate. Each step, forward through every frame
 * and back, must show the next (or previous) picture, the frame number and the frame's start time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { videoFrameTimes, isConstantRate } from '../../main/media/frameTimes.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { seconds } from '../../renderer/src/lib/format.ts';
import { tempDir } from '../helpers/tmp.ts';
import { constantClip, variableClip } from '../renderer/frameClips.ts';
import { serveHarness, type Harness } from './harness.ts';
import { chromiumArgs, chromiumPath, root, skip } from './studio.ts';

const harness = `<script lang="ts">
  import VideoPane from '${join(root, 'renderer/src/components/VideoPane.svelte')}';
  const q = new URLSearchParams(location.search);
  const clip = JSON.parse(q.get('clip')!);
</script>
<VideoPane src={'/files/' + clip.file} fps={clip.fps} frames={clip.frames} frameTimes={clip.times} duration={clip.duration} width={64} height={48} />
`;

interface Clip {
  file: string;
  fps: number;
  frames: number;
  duration: number;
  /** null for a constant rate, as recordings.get sends it */
  times: number[] | null;
  /** each frame's start, from ffprobe */
  starts: number[];
}

/** What the page shows now, once the element is done seeking: the picture's frame, the pane's frame and time, the readout. */
function shown(page: Page) {
  return page.evaluate(() => {
    const video = document.querySelector('video')!;
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(video, 0, 0, 64, 48);
    const gray = ctx.getImageData(32, 24, 1, 1).data[0];
    const pane = document.querySelector('.video-pane')!;
    return {
      ready: !video.seeking && video.readyState >= 2,
      // full-range grey back to the clip's luma, 16 + 8 k
      picture: Math.round((gray * 219) / 255 / 8),
      frame: Number(pane.getAttribute('data-frame')),
      time: Number(pane.getAttribute('data-video-time')),
      readout: pane.querySelector('.readout')?.textContent ?? '',
    };
  });
}

describe('frame stepping in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-player-');
  const clips: Record<string, Clip> = {};
  let served: Harness;
  let browser: Browser;

  before(
    async () => {
      const made: [string, string][] = [
        ['25', await constantClip(dir, '25')],
        ['29.97', await constantClip(dir, '30000/1001')],
        ['30', await constantClip(dir, '30')],
        ['variable', await variableClip(dir)],
      ];
      for (const [name, path] of made) {
        const info = await probeVideo(path);
        const times = await videoFrameTimes(path);
        const file = path.split('/').pop()!;
        clips[name] = {
          file,
          fps: info.fps,
          frames: times.length,
          duration: info.duration,
          times: isConstantRate(times, info.fps) ? null : Array.from(times),
          starts: Array.from(times),
        };
      }
      assert.ok(clips.variable.times, 'the variable-rate clip sends its frame times');
      served = await serveHarness(
        'player-harness',
        harness,
        made.map(([, path]) => path),
      );
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await browser?.close();
    served?.close();
  });

  /** Clicks `button` and waits until the picture is frame `k`; returns what is shown. */
  async function stepTo(page: Page, button: 'Next frame' | 'Previous frame', k: number) {
    await page.getByRole('button', { name: button, exact: true }).click();
    let now = await shown(page);
    for (let i = 0; i < 60 && !(now.ready && now.picture === k); i++) {
      await page.waitForTimeout(25);
      now = await shown(page);
    }
    return now;
  }

  for (const name of ['25', '29.97', '30', 'variable']) {
    it(`${name} fps: every step forward and back shows the next picture, its number and its start`, { timeout: 60_000 }, async () => {
      const clip = clips[name];
      const page = await browser.newPage({ viewport: { width: 600, height: 400 } });
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      await page.goto(`${served.url}?clip=${encodeURIComponent(JSON.stringify(clip))}`);
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2);
      assert.equal((await shown(page)).picture, 0);
      const check = (now: Awaited<ReturnType<typeof shown>>, k: number, how: string) => {
        assert.equal(now.picture, k, `${how}: the picture is frame ${k} (${JSON.stringify(now)})`);
        assert.equal(now.frame, k, `${how}: the pane says frame ${k}`);
        assert.ok(Math.abs(now.time - clip.starts[k]) < 1e-6, `${how}: the playhead is on frame ${k}'s start ${clip.starts[k]} (${now.time})`);
        assert.ok(now.readout.startsWith(seconds(now.time)) && now.readout.endsWith(`frame ${k + 1}`), `${how}: the readout ${now.readout}`);
      };
      for (let k = 1; k < clip.frames; k++) check(await stepTo(page, 'Next frame', k), k, `forward to ${k}`);
      for (let k = clip.frames - 2; k >= 0; k--) check(await stepTo(page, 'Previous frame', k), k, `back to ${k}`);
      // after a seek (the slider snaps to its step), the picture is the pane's frame, and a step goes to the next one
      await page.getByLabel('Video position').fill(String((clip.starts[5] + clip.starts[6]) / 2));
      await page.waitForFunction(() => !document.querySelector('video')!.seeking);
      const sought = await shown(page);
      assert.ok(sought.frame >= 5 && sought.frame <= 6, `the seek is on frame 5 or 6: ${JSON.stringify(sought)}`);
      assert.equal(sought.picture, sought.frame, `after the seek the picture is the pane's frame: ${JSON.stringify(sought)}`);
      check(await stepTo(page, 'Next frame', sought.frame + 1), sought.frame + 1, `a step after a seek to frame ${sought.frame}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
