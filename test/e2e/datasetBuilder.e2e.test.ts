/**
 * The dataset builder in Chromium over the web mode, on a demo project with two subjects: a split by
 * subject lists, then annotated segments cut into windows, previewed per class and split before
 * anything is stored (the counts are datasets.preview's for the same recipe); then created, listed,
 * and exported as NumPy files from the dataset list with the job's progress.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import type { MethodArgs, MethodResult } from '../../main/shared/contract.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import type { WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { TrainingPage } from './pages/trainingPage.ts';
import { buildRenderer, demoProject, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

describe('dataset builder in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-builder-');
  const projectPath = join(dir, 'builder.vskd');
  let server: WebServer;
  let browser: Browser;
  /** what the API previews for a recipe, asked over a connection of its own before the studio starts */
  const expected = new Map<string, MethodResult<'datasets.preview'>>();
  const recipes: Record<string, MethodArgs<'datasets.preview'>> = {
    split: { split: { by: 'subject', train: '1', test: '2' } },
    windows: { split: { by: 'subject', train: '1', test: '2' }, samples: 'segments', window: { seconds: 1, stride: 0.5 } },
  };

  before(
    async () => {
      const rendererDir = await buildRenderer(join(dir, 'out'));
      await demoProject(dir, projectPath, { classes: ['wave', 'clap'], perClass: 2, seconds: 8 });
      const service = createStudioService({ version: 'e2e', emit: () => {} });
      const dispatch = createDispatcher(service.handlers);
      unwrap(await dispatch('project.open', { path: projectPath }));
      for (const [name, recipe] of Object.entries(recipes))
        expected.set(name, unwrap(await dispatch('datasets.preview', recipe)) as MethodResult<'datasets.preview'>);
      await service.dispose();
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('previews the counts per class and split as the fields change, creates the dataset and exports it', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems = watchConsole(page);
    await page.goto(server.url);
    const training = new TrainingPage(page);
    await training.open();
    const builder = await training.openBuilder();

    // a protocol first: a preview before anything is chosen
    const protocol = await training.preview();
    assert.match(protocol.description, /cross-subject|odd/i, protocol.description);

    await builder.getByLabel('Split by').selectOption('split');
    await builder.getByLabel('Split of').selectOption('subject');
    await builder.getByLabel('Train subjects').fill('1');
    await builder.getByLabel('Test subjects').fill('2');
    const split = await training.preview();
    const want = expected.get('split')!;
    assert.equal(split.description, want.description);
    for (const s of ['train', 'val', 'test'] as const) {
      assert.equal(split.totals[s], want.splits[s].total, `${s} samples`);
      for (const c of want.classes) assert.equal(split.perClass[c][s], want.splits[s].perClass[c] ?? 0, `${c} in ${s}`);
    }
    assert.ok(split.totals.train > 0 && split.totals.test > 0 && split.totals.val === 0, JSON.stringify(split.totals));
    assert.match(split.text, /Subjects: s1, s2/);
    assert.match(split.text, /No validation set/);

    await builder.getByLabel('Samples').selectOption('segments');
    await builder.getByLabel('cut into windows').check();
    await builder.getByLabel('Window (s)').fill('1');
    await builder.getByLabel('Stride (s)').fill('0.5');
    const windows = await training.preview();
    const wantWindows = expected.get('windows')!;
    assert.equal(windows.description, wantWindows.description);
    assert.deepEqual(windows.totals, { train: wantWindows.splits.train.total, val: 0, test: wantWindows.splits.test.total });
    assert.ok(windows.totals.train > split.totals.train, 'windows of segments outnumber whole recordings');

    // a bad field names itself, and nothing can be created meanwhile
    await builder.getByLabel('Stride (s)').fill('-1');
    await builder.getByRole('alert').filter({ hasText: 'Stride (s)' }).waitFor();
    assert.equal(await builder.getByRole('button', { name: 'Create dataset' }).isDisabled(), true);
    await builder.getByLabel('Stride (s)').fill('0.5');
    await page.screenshot({ path: screenshotPath('dataset-builder.png') });

    await training.createBuilt('windows s1 vs s2');
    assert.match(await training.dataset(), /^windows s1 vs s2 /, 'the new dataset is picked');
    const listed = page.getByRole('region', { name: 'Datasets' }).locator('li', { hasText: 'windows s1 vs s2' });
    await listed.getByText(wantWindows.description, { exact: false }).waitFor();

    // exported from the list: a job, its progress, then what it wrote
    await listed.getByRole('button', { name: 'Export windows s1 vs s2…' }).click();
    const out = join(dir, 'numpy');
    await listed.getByLabel('Output folder').fill(out);
    await listed.getByLabel('raw windows').check();
    await listed.getByRole('button', { name: 'Export', exact: true }).click();
    const done = listed.getByRole('status').filter({ hasText: /^Wrote \d+ file/ });
    await done.waitFor({ timeout: 60_000 });
    assert.match((await done.textContent()) ?? '', /train \d+ · (val 0 · )?test \d+/);
    assert.ok(existsSync(join(out, 'manifest.json')), `the export wrote its manifest into ${out}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
