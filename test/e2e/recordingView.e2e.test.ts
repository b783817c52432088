/**
 * The recording view in Chromium over the web mode: a generated demo clip (video, accelerometer,
 * skeleton) and UTD-MHAD with its depth video, on one playhead. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { importUtdMhad } from '../../main/datasets/utdMhad.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import type { WebServer } from '../../main/web/server.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { RecordingPage, type Playhead } from './pages/recordingPage.ts';
import { buildRenderer, demoProject, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

const FPS = 30;

/** the sensor time the view shows is the model's mapping of the video time, within a frame */
function assertOnePlayhead(p: Playhead, where: string): void {
  const expected = videoToSensor({ offset: p.offset, drift: p.drift }, p.video);
  assert.ok(Math.abs(p.sensor - expected) <= 1 / FPS, `${where}: sensor ${p.sensor} s, video ${p.video} s maps to ${expected} s`);
}

describe('recording view in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-view-');
  const projectPath = join(dir, 'view.vskd');
  let manifest: DemoManifest;
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const rendererDir = await buildRenderer(join(dir, 'out'));
      manifest = await demoProject(dir, projectPath, { classes: ['wave', 'clap'], perClass: 1, seconds: 8 }, async (project) => {
        await importUtdMhad(project, join(fixtures, 'utd-mhad-mini'), { withVideo: true });
      });
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  async function openStudio(): Promise<{ page: Page; view: RecordingPage; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchConsole(page);
    await new ProjectPage(page).goto(server.url);
    await page.locator('table tbody tr').first().waitFor();
    return { page, view: new RecordingPage(page), problems };
  }

  it('plays a clip with the traces and the GAF following the video', { timeout: 90_000 }, async () => {
    const { page, view, problems } = await openStudio();
    const clip = manifest.recordings[0].name;
    await view.open(clip);
    assert.match(page.url(), /#\/recording\/\d+$/, 'the open recording is in the URL');
    await page.screenshot({ path: screenshotPath('recording-view.png') });

    await view.play();
    await view.playedPast(0.6);
    const seen: Playhead[] = [];
    for (let k = 0; k < 8; k++) {
      seen.push(await view.playhead());
      await page.waitForTimeout(120);
    }
    seen.forEach((p, k) => assertOnePlayhead(p, `while playing, sample ${k}`));
    assert.ok(seen.at(-1)!.video > seen[0].video, `the video time moves while playing (${seen[0].video} → ${seen.at(-1)!.video})`);
    const trailing = seen.filter((p) => Number.isFinite(p.gaf) && Math.abs(p.gaf - p.sensor) < 0.5).length;
    assert.ok(trailing >= seen.length / 2, `the GAF keeps up with the playhead while playing (${trailing} of ${seen.length} within 0.5 s)`);
    await page.screenshot({ path: screenshotPath('recording-view-playing.png') });
    await view.pause();

    const paused = await view.gafAtPlayhead();
    assertOnePlayhead(paused, 'paused');
    assert.equal(paused.gaf, paused.sensor, 'paused, the GAF is centred on the playhead');

    // a frame forward with the keyboard
    await page.keyboard.press('ArrowRight');
    const stepped = await view.gafAtPlayhead();
    assert.ok(Math.abs(stepped.video - (Math.floor(paused.video * FPS + 1e-6) + 1) / FPS) < 1e-6, `one frame on: ${paused.video} → ${stepped.video}`);
    assertOnePlayhead(stepped, 'after a frame step');

    await view.seek(3.2);
    const sought = await view.gafAtPlayhead();
    assert.ok(Math.abs(sought.video - 3.2) < 1 / FPS, `seeking lands on 3.2 s (${sought.video})`);
    assertOnePlayhead(sought, 'after seeking');
    const [start, end] = await Promise.all([view.trace.getAttribute('data-view-start'), view.trace.getAttribute('data-view-end')]);
    assert.ok(Number(start) <= sought.sensor && sought.sensor <= Number(end), 'the trace view holds the playhead');

    // hovering a GAF pixel names the two instants it relates
    await view.hoverGaf(0.25, 0.75);
    await view.gaf.getByText(/^row \d+:/).waitFor();
    const caption = await view.gaf.locator('.caption').textContent();
    assert.match(caption ?? '', /row \d+: .* s × column \d+: .* s/);
    await page.screenshot({ path: screenshotPath('recording-view-gaf-hover.png') });

    await view.gaf.getByRole('button', { name: 'GADF' }).click();
    await view.gaf.getByLabel('GAF channels').selectOption({ label: 'acc_x only' });
    await page.mouse.move(0, 0);
    await page.waitForFunction(() => /GADF/.test(document.querySelector('.gaf-pane .caption')?.textContent ?? ''));
    await page.screenshot({ path: screenshotPath('recording-view-gadf.png') });

    await view.back();
    await page.locator('table tbody tr').first().waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('stores an offset set by hand, which a reload shows', { timeout: 60_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await view.open(manifest.recordings[0].name);
    await view.setOffset(0.5);
    const edited = await view.playhead();
    assert.equal(edited.offset, 0.5);
    assertOnePlayhead(edited, 'with the offset edited');
    await view.save();
    assert.equal(await view.storedOffset(), 0.5);

    await page.reload();
    await view.ready();
    assert.equal(await view.storedOffset(), 0.5, 'the stored alignment after a reload');
    const reloaded = await view.gafAtPlayhead();
    assert.equal(reloaded.offset, 0.5);
    assert.equal(reloaded.sensor, videoToSensor({ offset: 0.5, drift: 0 }, reloaded.video), 'the view maps time through the stored model');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('auto-syncs a clip to its true offset, and fits anchors picked on the trace', { timeout: 90_000 }, async () => {
    const { page, view, problems } = await openStudio();
    const entry = manifest.recordings[1];
    await view.open(entry.name);
    await view.autoSync();
    assert.equal(await view.alerts.count(), 0, 'auto-sync succeeded');
    const { offset } = await view.playhead();
    const startTime = await page.evaluate(
      async ([token, name]) => {
        const response = await fetch('/api/recordings.list', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}` },
          body: JSON.stringify({ search: name }),
        });
        const { value } = await response.json();
        return value[0].streams.find((s: { kind: string }) => s.kind === 'sensor').meta.startTime as number;
      },
      [server.token, entry.name],
    );
    const truth = entry.offset - startTime;
    assert.ok(Math.abs(offset - truth) < 1 / FPS, `auto-sync offset ${offset}, truth ${truth}`);
    await view.save();
    assert.equal(await view.storedOffset(), offset);

    // three anchors: video times against instants clicked on the trace near where auto-sync put them
    for (const [video, error] of [
      [1, 0.02],
      [2, -0.01],
      [3, 0.01],
    ]) {
      await view.seek(video);
      await view.pickSensorTime(video + offset + error);
      await view.addAnchor();
    }
    await view.alignment.getByRole('button', { name: 'Fit anchors' }).click();
    await view.alignment.getByText(/^rms \d/).waitFor();
    assert.equal(await view.alignment.locator('.anchors tbody tr').count(), 3);
    // the table reads sensor times on the file's own axis, as the trace does (the model's are from the first sample)
    const sensorCells = await view.alignment
      .locator('.anchors td[data-sensor]')
      .evaluateAll((cells) =>
        cells.map((c) => ({ fromFirst: Number(c.getAttribute('data-sensor')), shown: Number.parseFloat((c.textContent ?? '').replace('−', '-')) })),
      );
    for (const { fromFirst, shown } of sensorCells)
      assert.ok(Math.abs(shown - (fromFirst + startTime)) < 1e-3, `${shown} shown for ${fromFirst} + ${startTime}`);
    if (startTime !== 0) await view.alignment.getByRole('columnheader', { name: 'sensor (file time)' }).waitFor();
    const fitted = await view.playhead();
    assert.ok(
      Math.abs(fitted.offset - offset) < 0.05 && Math.abs(fitted.drift) < 0.05,
      `the fit stays near the clicks: offset ${fitted.offset}, drift ${fitted.drift}`,
    );
    assertOnePlayhead(fitted, 'with the anchors fitted');
    await page.screenshot({ path: screenshotPath('recording-view-anchors.png') });
    await view.alignment.getByRole('button', { name: 'Undo' }).click();
    assert.equal((await view.playhead()).offset, offset, 'undo returns to the auto-sync model');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows UTD-MHAD with its depth video and the Kinect skeleton over it', { timeout: 60_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await view.open('a2_s1_t1');
    await view.seek(1);
    await view.gafAtPlayhead();
    assert.equal(await page.getByLabel(/Skeleton overlay/).isChecked(), true);
    const overlaid = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.video-pane canvas.overlay')!;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
      return drawn;
    });
    assert.ok(overlaid > 200, `the skeleton is drawn over the video (${overlaid} pixels)`);
    await page.screenshot({ path: screenshotPath('recording-view-utd.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("draws the annotation segments on the traces in their label's colour", { timeout: 60_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await view.open(manifest.recordings[1].name);
    // the demo's own segments are there first: the new one goes in the gap after them
    await page.locator('.annotation-panel .timeline').waitFor();
    const before = await view.segments();
    const from = Math.max(0, ...before.map((b) => b.end)) + 0.3;
    await view.annotate(from, from + 0.6);
    await page.locator(`.trace-pane[data-segments="${before.length + 1}"]`).waitFor();
    const { offset, drift } = await view.playhead();
    const [inside, outside] = [from + 0.3, from - 0.15].map((t) => videoToSensor({ offset, drift }, t));
    const strip = await view.overlayPixel(inside, 2);
    assert.equal(strip[3], 255, `an opaque strip along the top of the segment: ${strip}`);
    const tint = await view.overlayPixel(inside, 40);
    assert.ok(tint[3] > 0 && tint[3] < 255, `a see-through tint over the traces in the segment: ${tint}`);
    assert.equal((await view.overlayPixel(outside, 2))[3], 0, 'nothing outside the segment');
    await page.screenshot({ path: screenshotPath('recording-view-annotated.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
