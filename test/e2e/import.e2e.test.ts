/**
 * Importing from the studio in Chromium over the web mode: a new, empty project; the demo dataset
 * imported through the Import panel, its progress bar moving and its recordings appearing; then a
 * UTD-MHAD import with depth video, cancelled while ffmpeg works, keeping its recordings and the
 * videos already made. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { generateDemo } from '../../main/datasets/demo/generate.ts';
import type { WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';
import { utdMhadCopies } from '../helpers/utdMhadCopies.ts';
import { ImportPage } from './pages/importPage.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { buildRenderer, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

describe('import screen in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-import-');
  const demo = join(dir, 'demo-data');
  // 40 sequences, each transcoded by ffmpeg: long enough to cancel midway even on a fast machine
  const utd = join(dir, 'utd-mhad');
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const [rendererDir] = await Promise.all([
        buildRenderer(join(dir, 'out')),
        generateDemo(demo, { seed: 4, classes: ['wave', 'clap', 'squat'], perClass: 2, subjects: 2, seconds: 2, sessions: 0 }),
      ]);
      utdMhadCopies(utd, 10);
      ({ server, browser } = await startStudio(rendererDir));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('imports the demo dataset into a new project, then cancels a UTD-MHAD import with depth video', { timeout: 180_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = watchConsole(page);
    const project = new ProjectPage(page);
    const importer = new ImportPage(page);
    await project.goto(server.url);
    await project.create(join(dir, 'curated.vskd'));
    assert.equal(await project.summaryValue('Recordings'), '0 from 0 subject(s)');

    // the demo dataset: the bar moves clip by clip, then the recordings are listed
    await importer.open();
    await importer.recordProgress();
    await importer.start('Demo dataset', demo);
    const demoJob = importer.job('Demo dataset');
    await importer.waitForStatus(demoJob, 'done');
    const seen = await importer.recordedProgress();
    assert.ok(
      seen.some((v) => v > 0 && v < 100),
      `the bar showed a share between 0 and 100%: ${seen}`,
    );
    assert.equal(seen.at(-1), 100, `the bar ends full: ${seen}`);
    assert.ok(
      seen.every((v, i) => i === 0 || v >= seen[i - 1]),
      `the bar only moves forward: ${seen}`,
    );
    assert.match((await demoJob.getByRole('status').textContent()) ?? '', /^Done: 6 recordings imported in \d+\.\d s$/);
    await project.waitForSummary('Recordings', '6 from 2 subject(s)');
    assert.equal((await project.recordingNames(6)).length, 6);
    await page.screenshot({ path: screenshotPath('import-done.png'), fullPage: true });

    // a filter set while an import runs survives the refresh its end brings
    await project.filterByAction('wave');
    assert.equal((await project.recordingNames(2)).length, 2);

    // UTD-MHAD with depth video, cancelled once the first videos are made
    await importer.start('UTD-MHAD folder', utd, { withVideo: true });
    const utdJob = importer.job('UTD-MHAD');
    await utdJob.locator('.message', { hasText: /^depth video / }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-status="running"] [role="progressbar"]')?.getAttribute('aria-valuenow')) > 0);
    const stats = (await utdJob.locator('.stats').textContent()) ?? '';
    assert.match(stats, /depth video a\d_s\d_t\d+\s*\d+\/40\s*\d+%/, `the step, done/total and share: ${stats}`);
    await page.screenshot({ path: screenshotPath('import-running.png'), fullPage: true });
    await utdJob.getByRole('button', { name: 'Cancel' }).click();
    await importer.waitForStatus(utdJob, 'cancelled');
    const ended = (await utdJob.getByRole('status').textContent()) ?? '';
    const match = /^Cancelled: depth videos cancelled with (\d+) of 40 done: the recordings and the finished videos are kept/.exec(ended);
    assert.ok(match, `the tray says what the cancel kept: ${ended}`);
    const kept = Number(match[1]);
    assert.ok(kept < 40, `the cancel stopped the videos (${kept} of 40 made)`);

    // what the cancel kept is what the project shows: the 40 recordings, 6 + kept videos
    await project.waitForSummary('Recordings', '46 from 4 subject(s)');
    assert.match(await project.summaryValue('Streams'), new RegExp(`\\b${6 + kept} video\\b`));
    // the list reloads with the new recordings, the action filter still applied
    await project.shownCount.filter({ hasText: /^2 of 46$/ }).waitFor();
    await project.filterByAction('All actions');
    assert.equal((await project.recordingNames(46)).length, 46);
    await page.screenshot({ path: screenshotPath('import-cancelled.png') });

    // a finished job's entry can be dismissed
    await demoJob.getByRole('button', { name: 'Dismiss' }).click();
    await demoJob.waitFor({ state: 'detached' });
    assert.equal(await project.alerts.count(), 0, `no alert: ${await project.alerts.allTextContents()}`);
    // at start the studio asks for the open project: with none, the server's 404 is the answer (Chromium logs it)
    assert.deepEqual(
      problems.filter((p) => !/404 \(Not Found\) http:\/\/127\.0\.0\.1:\d+\/api\/project\.summary$/.test(p)),
      [],
    );
  });
});
