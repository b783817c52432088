/**
 * Your own recordings through the Import panel in Chromium, every path picked in the web mode's file
 * browser: a session (a video and two sensor files, each its own stream) with its name, subject and
 * trial; then a folder of sensor files paired by a filename pattern, previewed (new, existing and
 * unmatched files) before it is imported.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import type { WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ImportPage } from './pages/importPage.ts';
import { OwnImportPage } from './pages/ownImportPage.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { buildRenderer, demoProject, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

describe('own sessions and folders in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-own-');
  const projectPath = join(dir, 'own.vskd');
  const data = join(dir, 'demo-data');
  const folder = join(dir, 'wearables');
  let manifest: DemoManifest;
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const [rendererDir, made] = await Promise.all([
        buildRenderer(join(dir, 'out')),
        demoProject(dir, projectPath, { classes: ['wave', 'clap'], perClass: 1, seconds: 2, subjects: 1 }),
      ]);
      manifest = made;
      // a folder as a study writes it: acc_<subject>_<code>_<trial>.csv, and a file no pattern matches
      mkdirSync(folder);
      manifest.recordings.forEach((r, i) => copyFileSync(join(data, 'sensors', `${r.name}.csv`), join(folder, `acc_3_${i + 1}_1.csv`)));
      writeFileSync(join(folder, 'notes.md'), 'the protocol');
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('imports a session and a previewed folder, every path from the file browser', { timeout: 180_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const problems = watchConsole(page);
    const project = new ProjectPage(page);
    const importer = new ImportPage(page);
    const own = new OwnImportPage(page);
    const [first, second] = manifest.recordings.map((r) => r.name);
    await page.goto(server.url);
    await project.summary.waitFor();
    await importer.open();

    // a session: one video, two wearables
    await own.session({
      video: [join(data, 'videos'), `${first}.mp4`],
      sensors: [join(data, 'sensors'), [`${first}.csv`, `${second}.csv`]],
      name: 'my-session',
      subject: '7',
      trial: '2',
    });
    assert.equal(await own.panel.getByRole('textbox', { name: 'Video', exact: true }).inputValue(), join(data, 'videos', `${first}.mp4`));
    assert.deepEqual(await own.panel.getByLabel(/^Sensor file \d$/).evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)), [
      join(data, 'sensors', `${first}.csv`),
      join(data, 'sensors', `${second}.csv`),
    ]);
    await page.screenshot({ path: screenshotPath('import-session-form.png'), fullPage: true });
    await own.start();
    await project.waitForSummary('Recordings', '3 from 2 subject(s)', 90_000);
    const row = page.locator('table tbody tr', { has: page.getByRole('button', { name: 'my-session', exact: true }) });
    assert.deepEqual((await row.locator('td').allTextContents()).slice(0, 4), ['my-session', '—', '7', '2']);
    assert.match((await row.locator('td.streams').textContent()) ?? '', /sensor .*sensor .*video|video .*sensor .*sensor|sensor .*video .*sensor/);

    // a folder by pattern: the preview first, then the import
    await own.folder(folder, 'acc_{subject}_{label}_{trial}.csv', { labels: '1=wave, 2=clap', name: 'p{subject}-{label}-{trial}' });
    const rows = await own.previewRows();
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[3], r[6]]),
      [
        ['p3-1-1', '3', '1', 'wave', 'new'],
        ['p3-2-1', '3', '1', 'clap', 'new'],
      ],
    );
    assert.match(
      ((await own.preview.getByRole('status').textContent()) ?? '').replace(/\s+/g, ' '),
      /3 files: 2 recordings \(2 new, 0 in the project already\).* 1 unmatched/,
    );
    await page.screenshot({ path: screenshotPath('import-folder-preview.png'), fullPage: true });
    // a change after the preview asks for another before the import can start
    await own.panel.getByLabel('Recording name').fill('q{subject}-{label}-{trial}');
    assert.equal(await own.panel.getByRole('button', { name: 'Start import' }).isDisabled(), true);
    await own.panel.getByLabel('Recording name').fill('p{subject}-{label}-{trial}');
    await own.panel.getByRole('button', { name: 'Preview' }).click();
    await own.panel.getByRole('button', { name: 'Start import' }).and(page.locator(':enabled')).waitFor();
    await own.start();
    await project.waitForSummary('Recordings', '5 from 3 subject(s)', 90_000);
    assert.equal(await project.alerts.count(), 0, `no alert: ${await project.alerts.allTextContents()}`);
    assert.deepEqual(problems, []);
  });
});
