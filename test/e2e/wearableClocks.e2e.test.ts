/**
 * A recording with two wearables in Chromium: the alignment panel aligns the chosen wearable's own
 * clock, and each wearable's trace maps the playhead through its own model.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { addStreams } from '../../main/store/streams.ts';
import type { WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { RecordingPage } from './pages/recordingPage.ts';
import { buildRenderer, demoProject, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

const accel = (name: string) => {
  const rows = 8 * 50;
  const data = Float64Array.from({ length: rows * 3 }, (_, i) => Math.sin(i / 7));
  return {
    kind: 'sensor' as const,
    name,
    rate: 50,
    length: rows,
    channels: ['x', 'y', 'z'].map((c) => ({ name: c, unit: 'g' })),
    samples: { rows, cols: 3, data },
  };
};

describe('several wearables in the recording view', { skip }, () => {
  const dir = tempDir('vskd-e2e-wearables-');
  const projectPath = join(dir, 'wearables.vskd');
  let server: WebServer;
  let browser: Browser;
  let clipName = '';
  let wrist = '';

  before(
    async () => {
      const rendererDir = await buildRenderer(join(dir, 'out'));
      await demoProject(dir, projectPath, { classes: ['wave'], perClass: 1, seconds: 8 }, async (project) => {
        // the demo clip's own accelerometer is the first wearable; a second one at a clock of its own
        const [clip] = await listRecordings(project.db);
        clipName = clip.name;
        wrist = clip.streams.find((s) => s.kind === 'sensor')!.name;
        await addStreams(project.db, clip.id, [], [accel('ankle')]);
      });
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it("aligns each wearable's clock on its own", { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchConsole(page);
    await new ProjectPage(page).goto(server.url);
    await page.locator('table tbody tr').first().waitFor();
    const view = new RecordingPage(page);
    await view.open(clipName);
    const heading = view.alignment.getByRole('heading', { level: 2 });
    assert.equal(await heading.textContent(), `Alignment · ${wrist}`);
    await view.setOffset(1.5);
    await view.save();
    assert.equal(await view.storedOffset(), 1.5);

    const choose = async (name: string) => {
      await page.getByLabel('Sensor stream').selectOption({ label: name });
      await page.waitForFunction((n) => document.querySelector('.alignment h2')?.textContent === `Alignment · ${n}`, name);
      await view.ready();
    };
    await choose('ankle');
    assert.equal(await view.storedOffset(), 0, 'the ankle has no model of its own yet');
    assert.match((await view.alignment.locator('.stored').textContent()) ?? '', /the recording's model/);
    await view.seek(2);
    let p = await view.gafAtPlayhead();
    assert.equal(p.sensor, videoToSensor({ offset: 0, drift: 0 }, p.video), "the ankle's trace maps through its own (identity) model");
    await view.setOffset(-0.7);
    await view.save();

    await choose(wrist);
    assert.equal(await view.storedOffset(), 1.5, "saving the ankle left the wrist's model");
    await view.seek(2);
    p = await view.gafAtPlayhead();
    assert.equal(p.sensor, videoToSensor({ offset: 1.5, drift: 0 }, p.video), "the wrist's trace maps through the wrist's model");
    await page.reload();
    await view.ready();
    await choose('ankle');
    assert.equal(await view.storedOffset(), -0.7, "the ankle's model after a reload");
    await page.screenshot({ path: screenshotPath('recording-view-wearables.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
