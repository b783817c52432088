/**
 * The long demo session as a user's own recording, in Chromium over the web mode: a new project made
 * from the start screen, the session's video and CSV picked in the file browser of the Import panel,
 * imported, played, and its metadata edited, found by search and the edit undone.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { WebServer } from '../../main/web/server.ts';
import { demoSessions, LONG_SESSION_SECONDS, type SessionFiles } from '../helpers/demoSessions.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ImportPage } from './pages/importPage.ts';
import { OwnImportPage } from './pages/ownImportPage.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { RecordingListPage } from './pages/recordingListPage.ts';
import { RecordingPage } from './pages/recordingPage.ts';
import { buildRenderer, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

describe('the long demo session imported from its files in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-session-');
  let session: SessionFiles;
  let fps = 0;
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const [rendererDir, made] = await Promise.all([buildRenderer(join(dir, 'out')), demoSessions(join(dir, 'demo-data'), 1, LONG_SESSION_SECONDS)]);
      [session] = made.sessions;
      fps = made.manifest.video.fps;
      ({ server, browser } = await startStudio(rendererDir));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('imports the session through the pickers, plays it, edits its metadata and undoes the edit', { timeout: 180_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = watchConsole(page);
    const project = new ProjectPage(page);
    const importer = new ImportPage(page);
    const own = new OwnImportPage(page);
    const list = new RecordingListPage(page);
    const view = new RecordingPage(page);
    const { entry } = session;

    await project.goto(server.url);
    await project.create(join(dir, 'mine.vskd'));
    await importer.open();
    await own.session({ video: session.video, sensors: [session.sensor[0], [session.sensor[1]]], name: entry.name, subject: entry.subject, trial: '1' });
    assert.equal(await own.panel.getByRole('textbox', { name: 'Video', exact: true }).inputValue(), join(...session.video));
    assert.equal(await own.panel.getByLabel('Sensor file 1', { exact: true }).inputValue(), join(...session.sensor));
    await own.start();
    await project.waitForSummary('Recordings', '1 from 1 subject(s)', 120_000);
    assert.deepEqual(await list.row(entry.name), [entry.name, '—', entry.subject, '1']);

    // played: the whole session is there, and time moves
    await view.open(entry.name);
    const duration = await page.evaluate(() => document.querySelector('video')?.duration ?? NaN);
    assert.ok(Math.abs(duration - entry.frames / fps) < 0.2, `the video lasts ${duration} s, the session ${entry.frames / fps} s`);
    const start = await view.playhead();
    await view.play();
    await view.playedPast(start.video + 0.5);
    await view.pause();
    const played = await view.playhead();
    assert.ok(played.sensor > start.sensor, `the trace followed the video from ${start.sensor} s to ${played.sensor} s (video ${played.video} s)`);
    await page.screenshot({ path: screenshotPath('own-session-playing.png') });
    await view.back();

    // its metadata edited, found by search, and the edit undone
    await list.edit(entry.name, { action: 'morning routine', subject: 's9', trial: '3' });
    await page.locator('table tbody tr td:nth-child(2)', { hasText: 'morning routine' }).waitFor();
    assert.deepEqual(await list.row(entry.name), [entry.name, 'morning routine', 's9', '3']);
    await list.search.fill('morning');
    await project.shownCount.filter({ hasText: /^1 of 1$/ }).waitFor();
    await list.search.fill('s9');
    await project.shownCount.filter({ hasText: /^1 of 1$/ }).waitFor();
    await list.search.fill('evening');
    assert.deepEqual(await project.recordingNames(0), [], 'a search nothing matches lists nothing');
    await list.search.fill('');
    assert.deepEqual(await project.recordingNames(1), [entry.name]);
    await list.undo(entry.name);
    await page.getByRole('button', { name: /^Undo edit/ }).waitFor({ state: 'detached' });
    await page.locator('table tbody tr td:nth-child(2)', { hasText: 'morning routine' }).waitFor({ state: 'detached' });
    assert.deepEqual(await list.row(entry.name), [entry.name, '—', entry.subject, '1']);

    assert.equal(await project.alerts.count(), 0, `no alert: ${await project.alerts.allTextContents()}`);
    // at start the studio asks for the open project: with none, the server's 404 is the answer (Chromium logs it)
    assert.deepEqual(
      problems.filter((p) => !/404 \(Not Found\) http:\/\/127\.0\.0\.1:\d+\/api\/project\.summary$/.test(p)),
      [],
    );
    await page.close();
  });
});
