/**
 * The recording view's tools in Chromium over the web mode: the keyboard help, a click on the trace
 * that seeks (and picks only in anchor mode), the drift warning, annotations out as ELAN and back in
 * with no conflicts, and a recording without a video (UTD-MHAD imported without its depth videos,
 * and a sensor file whose own clock starts at −0.54 s).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { importUtdMhad } from '../../main/datasets/utdMhad.ts';
import { sensorToVideo } from '../../main/shared/clockModel.ts';
import { addRecordings } from '../../main/store/recordings.ts';
import type { WebServer } from '../../main/web/server.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { RecordingPage } from './pages/recordingPage.ts';
import { buildRenderer, demoProject, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

const FPS = 30;

describe('recording view tools in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-tools-');
  const projectPath = join(dir, 'tools.vskd');
  let manifest: DemoManifest;
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const rendererDir = await buildRenderer(join(dir, 'out'));
      manifest = await demoProject(dir, projectPath, { classes: ['wave', 'clap'], perClass: 1, seconds: 8 }, async (project) => {
        await importUtdMhad(project, join(fixtures, 'utd-mhad-mini'));
        const rows = 250;
        await addRecordings(project.db, [
          {
            name: 'early_sensor',
            sources: [],
            streams: [
              {
                kind: 'sensor',
                name: 'acc',
                rate: 50,
                length: rows,
                channels: ['x', 'y', 'z'].map((name) => ({ name, unit: 'g' })),
                meta: { startTime: -0.54 },
                samples: { rows, cols: 3, data: Float64Array.from({ length: rows * 3 }, (_, i) => Math.sin(i / 30)) },
              },
            ],
          },
        ]);
      });
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  async function openStudio(): Promise<{ page: Page; view: RecordingPage; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    // the studio starts on the project: its recording list
    await page.goto(server.url);
    await page.locator('table tbody tr').first().waitFor();
    return { page, view: new RecordingPage(page), problems };
  }

  it('shows the keyboard help on ?, closed by Esc or its button', { timeout: 60_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await view.open(manifest.recordings[0].name);
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    assert.equal(await help.count(), 0);
    await page.keyboard.press('?');
    await help.waitFor();
    const text = (await help.textContent()) ?? '';
    for (const line of ['previous / next frame', 'play / pause', 'mark a segment start', 'undo / redo'])
      assert.ok(text.includes(line), `the help lists "${line}": ${text}`);
    await page.screenshot({ path: screenshotPath('recording-view-keys.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await help.waitFor();
    await help.getByRole('button', { name: 'Close' }).click();
    await help.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a click on the trace seeks the video there; in anchor mode it picks instead; a drift no clock has is warned of', { timeout: 60_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await view.open(manifest.recordings[0].name);
    const before = await view.playhead();
    const target = before.sensor + 2.5;
    await view.clickTrace(target);
    await page.waitForFunction(
      (t) => Math.abs(Number(document.querySelector('.video-pane')?.getAttribute('data-video-time')) - t) < 0.1,
      sensorToVideo(before, target),
    );
    const sought = await view.playhead();
    // one pixel of the trace is a few ms; the playhead is where the click was
    assert.ok(Math.abs(sought.sensor - target) < 1 / FPS, `the click at sensor ${target} s sought to sensor ${sought.sensor} s`);

    await view.setPicking(true);
    await view.clickTrace(target + 1);
    await view.alignment.getByRole('button', { name: /^Add anchor .* ↔ \d/ }).waitFor();
    assert.equal((await view.playhead()).video, sought.video, 'in anchor mode a click does not seek');
    await view.setPicking(false);

    const drift = view.alignment.getByLabel('Drift (ppm)');
    await drift.fill('66500');
    await drift.press('Enter');
    await view.alignment.getByRole('status').filter({ hasText: 'beyond what clocks do' }).waitFor();
    await drift.fill('40');
    await drift.press('Enter');
    await view.alignment.getByRole('status').filter({ hasText: 'beyond what clocks do' }).waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('exports the annotations as ELAN and imports them back with no conflicts', { timeout: 90_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await view.open(manifest.recordings[1].name);
    await page.locator('.annotation-panel .timeline').waitFor();
    const before = await view.segments();
    // a segment in the gap after the demo's own ones (one overlapping them would be a conflict on import)
    const from = Math.max(0, ...before.map((b) => b.end)) + 0.2;
    assert.ok(from + 0.6 < 8, `a free gap at the clip's end: ${JSON.stringify(before)}`);
    await view.annotate(from, from + 0.6);
    await page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, before.length + 1);
    const made = (await view.segments()).find((s) => !before.some((b) => b.id === s.id))!;
    assert.ok(Math.abs(made.start - from) < 1 / FPS && Math.abs(made.end - from - 0.6) < 1 / FPS, `marked from ${from} s: ${JSON.stringify(made)}`);
    const eaf = join(dir, 'clip.eaf');
    const total = before.length + 1;
    assert.match(await view.exportAnnotations('eaf', eaf), new RegExp(`^Exported ${total} annotation\\(s\\) of 1 recording\\(s\\) to .*clip\\.eaf$`));

    // the same file back while its segments are stored: nothing to add, nothing in conflict
    const again = await view.importAnnotations(eaf, 'Check');
    assert.deepEqual([again.added, again.conflicts], [0, 0], again.text);
    assert.match(again.text, new RegExp(`${total} already stored`));

    // deleted, then imported back from the file
    await page.locator(`[data-annotation-id="${made.id}"]`).click();
    await page.keyboard.press('Delete');
    await page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, before.length);
    const check = await view.importAnnotations(eaf, 'Check');
    assert.deepEqual([check.added, check.conflicts], [1, 0], check.text);
    assert.equal((await view.segments()).length, before.length, 'a check stores nothing');
    const imported = await view.importAnnotations(eaf, 'Import');
    assert.deepEqual([imported.added, imported.conflicts], [1, 0], imported.text);
    await page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, total);
    const back = (await view.segments()).find((s) => !before.some((b) => b.id === s.id))!;
    assert.equal(back.label, made.label);
    assert.ok(
      Math.abs(back.start - made.start) < 1e-3 && Math.abs(back.end - made.end) < 1e-3,
      `back at ${back.start}–${back.end}, was ${made.start}–${made.end}`,
    );
    await page.screenshot({ path: screenshotPath('recording-view-annotations-imported.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("without a video: the skeleton still shows, auto-sync is not offered, and the trace reads the sensor's own clock", { timeout: 60_000 }, async () => {
    const { page, view, problems } = await openStudio();
    await page.getByRole('button', { name: 'a1_s1_t1', exact: true }).click();
    await view.readyWithoutVideo();
    await page.getByText('This recording has no video.').waitFor();
    await page.locator('.skeleton-pane canvas').waitFor();
    assert.equal(await view.alignment.getByRole('button', { name: 'Auto-sync' }).count(), 0, 'no auto-sync without a video');
    await view.alignment.getByText(/^No video: align by anchors or by hand/).waitFor();
    await page.getByLabel('Sensor position').fill('1');
    await page.waitForFunction(() => Number(document.querySelector('.skeleton-pane')?.getAttribute('data-skeleton-frame')) > 0);
    await page.screenshot({ path: screenshotPath('recording-view-no-video-skeleton.png') });
    await view.back();

    await page.getByRole('button', { name: 'early_sensor', exact: true }).click();
    await view.readyWithoutVideo();
    assert.equal(await view.trace.getAttribute('data-time-origin'), '-0.54');
    assert.match((await view.trace.locator('.readout').textContent()) ?? '', /^sensor −0\.540 s/, 'the playhead at the first sample reads −0.54 s');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
