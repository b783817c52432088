/**
 * The training screen in Chromium over the web mode, on the trainer tests' tiny project: a dataset
 * made by protocol, a short student run trained to its evaluation and exported for a device (its report
 * shown), then a long one followed live (its curves grow epoch by epoch) and cancelled. Screenshots go
 * to test-results/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from '../train/tinyProject.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { TrainingPage } from './pages/trainingPage.ts';
import { buildRenderer, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

/** a student that trains in seconds on two cores */
const tiny = { backend: 'wasm', batch: 4, width: 0.125, gafSize: 16 } as const;

describe('training screen in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-train-');
  let server: WebServer;
  let browser: Browser;
  let projectPath = '';

  before(
    async () => {
      const rendererDir = await buildRenderer(join(dir, 'out'));
      ({ path: projectPath } = await tinyProject(dir));
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('makes a dataset, trains a run to its evaluation and exports it, follows another live and cancels it', { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = watchConsole(page);
    await new ProjectPage(page).goto(server.url);
    const training = new TrainingPage(page);
    await training.open();
    assert.match(page.url(), /#\/training$/, 'the training screen is in the URL');

    // a new dataset by protocol: cross-subject puts subject 1 in training, a quarter of each action held out
    await training.createDataset('cross', 'cross-subject', 25);
    assert.equal(await training.dataset(), 'cross (cross-subject: odd subjects train, even subjects test · val 25% of train)', 'the new dataset is picked');
    assert.equal(await training.splitSizes(), '6 train · 2 validation · 8 test samples');
    await training.pickDataset('tiny (subject-specific)');

    // each method offers the weights of its own terms, their defaults as placeholders
    await training.pickMethod('dask');
    assert.deepEqual(await training.lossWeights(), [
      ['α (KD)', '0.01'],
      ['β (distance, angle)', '1'],
      ['γ (semantic)', '1'],
      ['Temperature', '4'],
    ]);
    await training.pickMethod('at');
    assert.deepEqual(await training.lossWeights(), [['AT weight', '1000']]);
    await training.pickMethod('baseline');
    assert.deepEqual(await training.lossWeights(), []);

    // a short run, to its end: the runs table, the comparison and the confusion matrix fill in
    await training.configure({ ...tiny, epochs: 3 });
    await training.start();
    await training.waitForStatus(1, 'done');
    await training.confusion.waitFor();
    assert.equal(await training.confusion.locator('tbody tr').count(), 2, 'one row per action');
    assert.equal(await training.plottedEpochs(), 3, 'the finished run plots its 3 epochs');
    assert.match((await training.comparison.locator('tbody tr').first().textContent()) ?? '', /^baseline\s*\d+\.\d\d ± 0\.00/);
    await page.screenshot({ path: screenshotPath('training-done.png'), fullPage: true });

    // the finished student, exported for a device: ONNX with an int8 copy, next to the project; its report shown
    await training.openExport(1);
    await training.exportRun({ format: 'onnx', quantize: ['int8'] });
    await training.exportReport.waitFor({ timeout: 120_000 });
    assert.deepEqual(await training.exportedFiles(), ['model.onnx', 'model.int8.onnx']);
    const folder = await training.exportFolder();
    assert.equal(folder, join(dir, 'tiny-exports', 'run-1-onnx'), `written next to ${projectPath}`);
    for (const file of ['model.onnx', 'model.int8.onnx', 'manifest.json', 'report.md']) assert.ok(existsSync(join(folder, file)), `${file} is in the bundle`);
    for (const row of await training.exportReport.locator('tbody tr').allTextContents()) {
      assert.match(row, /\d+\.\d\d ms/, `a latency in every row: ${row}`);
      assert.match(row, /\d+\.\d\d%/, `a test accuracy in every row: ${row}`);
    }
    await page.screenshot({ path: screenshotPath('training-export.png'), fullPage: true });
    await training.closeExport();

    // a long run, followed live: the progress bar moves and the curves grow epoch by epoch
    await training.configure({ epochs: 5000 });
    await training.start();
    await training.waitForStatus(2, 'training');
    await training.waitForEpochs(2);
    const early = await training.plottedEpochs();
    await training.waitForEpochs(early + 2);
    const later = await training.plottedEpochs();
    assert.ok(later >= early + 2, `the curves grow while it trains (${early} → ${later} epochs)`);
    assert.ok(Number(await training.progressBar.getAttribute('aria-valuenow')) >= 0, 'a progress bar');
    const stats = (await training.progress.textContent()) ?? '';
    assert.match(stats, /\d+\.\d samples\/s/, `samples/s shown: ${stats}`);
    assert.match(stats, /ETA \d/, `an ETA shown: ${stats}`);
    assert.match(stats, /on wasm/, `the backend shown: ${stats}`);
    await page.screenshot({ path: screenshotPath('training-live.png'), fullPage: true });

    await training.cancel();
    await training.waitForStatus(2, 'cancelled');
    await training.progress.getByText('Run #2 cancelled').waitFor();
    const kept = await training.plottedEpochs();
    assert.ok(kept >= later, `the cancelled run keeps its epochs (${kept})`);
    assert.equal(await training.run(2).getByRole('button', { name: 'Resume' }).count(), 1, 'a cancelled run can be resumed');
    await page.screenshot({ path: screenshotPath('training-cancelled.png'), fullPage: true });

    assert.equal(await training.alerts.count(), 0, `no alert: ${await training.alerts.allTextContents()}`);
    assert.deepEqual(problems, []);
  });
});
