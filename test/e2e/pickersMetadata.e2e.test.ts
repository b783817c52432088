/**
 * The file browser of the web mode and a recording's metadata, in Chromium: a sensor file picked by
 * walking folders in the browser dialog (typed path, Up, a folder, a file, the extension filter), and
 * a dropped file answered with why the browser cannot take it;
 * a recording's action, subject and trial edited from the list, found by search, and the edit
 * undone; a recording deleted after a confirmation that says what goes.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import type { WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FileBrowserPage } from './pages/fileBrowserPage.ts';
import { ImportPage } from './pages/importPage.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { RecordingListPage } from './pages/recordingListPage.ts';
import { buildRenderer, demoProject, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

describe('pickers and metadata in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-pickers-');
  const projectPath = join(dir, 'pickers.vskd');
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
      // a file the sensor picker's filter hides
      writeFileSync(join(dir, 'demo-data', 'sensors', 'README.md'), 'not a sensor file');
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('picks a sensor file in the file browser, edits and undoes a recording, deletes one after confirming', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = watchConsole(page);
    const project = new ProjectPage(page);
    const importer = new ImportPage(page);
    const files = new FileBrowserPage(page);
    const list = new RecordingListPage(page);
    const [first, second] = manifest.recordings.map((r) => r.name);
    await page.goto(server.url);
    await project.summary.waitFor();
    assert.equal((await project.recordingNames(2)).length, 2);

    // the browser dialog: typed path, Up, into a folder, a file; only sensor files unless All files
    await importer.open();
    await importer.panel.getByRole('radio', { name: 'Sensor file' }).check();
    await files.open(importer.panel, 'Browse for the sensor file');
    await files.goTo(join(dir, 'demo-data', 'videos'));
    await files.up();
    assert.equal(await files.folder(), join(dir, 'demo-data'));
    for (const folder of ['sensors', 'skeletons', 'videos']) assert.ok((await files.names()).includes(folder), `${folder} listed`);
    await files.click('sensors');
    await page.waitForFunction(() => document.querySelector('dialog[open] nav[aria-label="Path"] [aria-current]')?.textContent === 'sensors');
    assert.deepEqual((await files.names()).sort(), [`${first}.csv`, `${second}.csv`].sort());
    await files.dialog.getByLabel('File types').selectOption({ label: 'All files' });
    assert.ok((await files.names()).includes('README.md'), 'All files shows the rest');
    await files.dialog.getByLabel('File types').selectOption({ index: 0 });
    await files.click(`${first}.csv`);
    await page.screenshot({ path: screenshotPath('file-browser.png') });
    await files.choose();
    assert.equal(await importer.panel.getByRole('textbox', { name: 'File', exact: true }).inputValue(), join(dir, 'demo-data', 'sensors', `${first}.csv`));
    await importer.panel.getByRole('button', { name: 'Close the import panel' }).click();

    // a file dropped on the page: a browser does not say where it is, so the studio says to browse
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['t,x\n0,1\n'], 'dropped.csv', { type: 'text/csv' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page
      .getByRole('status')
      .filter({ hasText: /^Dropping files works in the studio window/ })
      .waitFor();

    // a recording's metadata edited, found by its new action, and the edit undone
    const [, label, subject, trial] = await list.row(first);
    await list.edit(first, { action: 'squat two arms', subject: '9', trial: '4' });
    await page.locator('table tbody tr td:nth-child(2)', { hasText: 'squat two arms' }).waitFor();
    assert.deepEqual(await list.row(first), [first, 'squat two arms', '9', '4']);
    await list.search.fill('squat');
    await project.shownCount.filter({ hasText: /^1 of 1$/ }).waitFor();
    await list.search.fill('');
    await project.shownCount.filter({ hasText: /^2 of 2$/ }).waitFor();
    await page.screenshot({ path: screenshotPath('recording-edited.png') });
    await list.undo(first);
    await page.getByRole('button', { name: /^Undo edit/ }).waitFor({ state: 'detached' });
    await page.locator('table tbody tr td:nth-child(2)', { hasText: 'squat two arms' }).waitFor({ state: 'detached' });
    assert.deepEqual(await list.row(first), [first, label, subject, trial]);

    // a delete says what goes, then the recording and its counts are gone
    const goes = await list.askDelete(second);
    assert.match(goes[0], /^\d+ streams \(\d+ sensor samples\)$/, `the confirmation counts the streams: ${goes}`);
    await page.screenshot({ path: screenshotPath('recording-delete.png') });
    await list.confirmDelete(second);
    await project.waitForSummary('Recordings', '1 from 1 subject(s)');
    assert.deepEqual(await project.recordingNames(1), [first]);

    assert.equal(await project.alerts.count(), 0, `no alert: ${await project.alerts.allTextContents()}`);
    assert.deepEqual(problems, []);
  });
});
