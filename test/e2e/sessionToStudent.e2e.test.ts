/**
 * From the long demo session to a trained student, in Chromium over the web mode: two sessions (two
 * subjects) imported from their files, each auto-synced in the alignment panel and annotated by
 * keyboard from the ground truth, a segment dataset split by subject built in the dataset builder, a
 * tiny student trained on it, and one session's annotations exported as ELAN and imported back with
 * no conflicts.
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
import { RecordingPage } from './pages/recordingPage.ts';
import { TrainingPage } from './pages/trainingPage.ts';
import { buildRenderer, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

/** a student that trains in seconds on two cores */
const tiny = { backend: 'wasm', batch: 4, width: 0.125, gafSize: 16, epochs: 2 } as const;

describe('from the long demo session to a student in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-session-student-');
  const projectPath = join(dir, 'sessions.vskd');
  let sessions: SessionFiles[];
  let fps = 0;
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const [rendererDir, made] = await Promise.all([buildRenderer(join(dir, 'out')), demoSessions(join(dir, 'demo-data'), 2, LONG_SESSION_SECONDS)]);
      sessions = made.sessions;
      fps = made.manifest.video.fps;
      ({ server, browser } = await startStudio(rendererDir));
    },
    { timeout: 240_000 },
  );
  after(() => stopStudio({ server, browser }));

  it(
    'imports, auto-syncs and annotates two sessions, trains a student on their segments split by subject, and round-trips ELAN',
    { timeout: 240_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems = watchConsole(page);
      const project = new ProjectPage(page);
      const importer = new ImportPage(page);
      const own = new OwnImportPage(page);
      const view = new RecordingPage(page);
      const training = new TrainingPage(page);
      const subjects = sessions.map((s) => s.entry.subject);
      assert.equal(new Set(subjects).size, 2, `two subjects: ${subjects}`);
      const labels = [...new Set(sessions.flatMap((s) => s.entry.segments.map((g) => g.label)))];

      await project.goto(server.url);
      await project.create(projectPath);
      for (const [i, { entry, video, sensor }] of sessions.entries()) {
        await importer.open();
        await own.session({ video, sensors: [sensor[0], [sensor[1]]], name: entry.name, subject: entry.subject, trial: '1' });
        await own.start();
        await project.waitForSummary('Recordings', `${i + 1} from ${i + 1} subject(s)`, 120_000);
        // closed, so that the next session starts from an empty form
        await own.panel.getByRole('button', { name: 'Close the import panel' }).click();
      }

      for (const { entry } of sessions) {
        await view.open(entry.name);

        // auto-sync: the clock the panel finds is the true one (on the stream's own time axis), its drift measured
        await view.autoSync();
        const { offset, drift } = await view.playhead();
        const origin = Number(await view.trace.getAttribute('data-time-origin'));
        const report = `offset ${offset} s, drift ${drift * 1e6} ppm; true ${entry.offset - origin} s, ${entry.drift * 1e6} ppm`;
        await view.alignment.getByText(/drift from \d+ windows/).waitFor();
        assert.ok(Math.abs(offset - (entry.offset - origin)) <= 1 / fps, report);
        assert.ok(Math.abs(drift - entry.drift) <= 100e-6, report);
        await view.save();
        assert.equal(await view.storedOffset(), offset, 'the auto-synced clock is stored');

        // the keys, as the ? overlay lists them
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.keyboard.press('?');
        const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
        await help.getByText('mark a segment start', { exact: false }).waitFor();
        await page.keyboard.press('Escape');
        await help.waitFor({ state: 'detached' });

        // every ground-truth segment marked by keyboard, its label chosen by its number key
        const listed = await page.locator('.annotation-panel .timeline .toolbar select[aria-label="Label"] option').allTextContents();
        for (const label of labels) if (!listed.some((o) => o.endsWith(` · ${label}`) || o === label)) await view.addLabel(label);
        for (const segment of entry.segments) await view.markSegment(segment.label, segment.start, segment.end);
        const marked = (await view.segments()).sort((a, b) => a.start - b.start);
        assert.deepEqual(
          marked.map((m) => m.label),
          entry.segments.map((g) => g.label),
        );
        marked.forEach((m, k) => {
          const truth = entry.segments[k];
          assert.ok(Math.abs(m.start - truth.start) < 1 / fps && Math.abs(m.end - truth.end) < 1 / fps, `${JSON.stringify(m)} is ${JSON.stringify(truth)}`);
        });
        await page.screenshot({ path: screenshotPath(`session-annotated-${entry.name}.png`) });
        await view.back();
        await project.summary.waitFor();
      }

      // a dataset of windows cut from the segments, train on one subject, test on the other
      await training.open();
      const builder = await training.openBuilder();
      await builder.getByLabel('Split by').selectOption('split');
      await builder.getByLabel('Split of').selectOption('subject');
      await builder.getByLabel('Train subjects').fill(subjects[0]);
      await builder.getByLabel('Test subjects').fill(subjects[1]);
      await builder.getByLabel('Samples').selectOption('segments');
      await builder.getByLabel('cut into windows').check();
      await builder.getByLabel('Window (s)').fill('2');
      await builder.getByLabel('Stride (s)').fill('1');
      const preview = await training.preview();
      assert.deepEqual(Object.keys(preview.perClass).sort(), [...labels].sort(), preview.text);
      for (const label of labels)
        assert.ok(
          preview.perClass[label].train > 0 && preview.perClass[label].test > 0,
          `${label} windows in train and test: ${JSON.stringify(preview.perClass)}`,
        );
      assert.equal(preview.totals.val, 0, 'no validation set');
      assert.match(preview.text, new RegExp(`Subjects: ${subjects.join(', ')}`));
      await page.screenshot({ path: screenshotPath('session-dataset.png') });
      await training.createBuilt('sessions by subject');
      assert.match(await training.dataset(), /^sessions by subject /, 'the new dataset is picked');

      // a tiny student, trained to its evaluation
      await training.configure(tiny);
      await training.start();
      await training.waitForStatus(1, 'done', 180_000);
      await training.confusion.waitFor();
      assert.equal(await training.confusion.locator('tbody tr').count(), labels.length, 'one row per action');
      assert.equal(await training.plottedEpochs(), tiny.epochs);
      await page.screenshot({ path: screenshotPath('session-student.png'), fullPage: true });
      await page.getByRole('button', { name: '← Project' }).click();
      await project.summary.waitFor();

      // every session's annotations out from the project screen, one .eaf per recording
      const everyEaf = join(dir, 'all-eaf');
      const total = sessions.reduce((n, s) => n + s.entry.segments.length, 0);
      assert.match(
        await project.annotations.export('eaf', everyEaf),
        new RegExp(`^Exported ${total} annotation\\(s\\) of ${sessions.length} recording\\(s\\) to .*all-eaf`),
      );
      assert.deepEqual((await project.annotations.import(everyEaf, 'Check')).added, 0, 'the folder reads back as what is stored');

      // the first session's annotations out as ELAN, one deleted, and the file imported back with no conflicts
      const { entry } = sessions[0];
      await view.open(entry.name);
      await page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, entry.segments.length);
      const stored = await view.segments();
      const eaf = join(dir, `${entry.name}.eaf`);
      assert.match(await view.exportAnnotations('eaf', eaf), new RegExp(`^Exported ${stored.length} annotation\\(s\\) of 1 recording\\(s\\) to .*\\.eaf$`));
      const same = await view.importAnnotations(eaf, 'Check');
      assert.deepEqual([same.added, same.conflicts], [0, 0], same.text);
      const [gone] = stored;
      await page.locator(`[data-annotation-id="${gone.id}"]`).click();
      await page.keyboard.press('Delete');
      await page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, stored.length - 1);
      const imported = await view.importAnnotations(eaf, 'Import');
      assert.deepEqual([imported.added, imported.conflicts], [1, 0], imported.text);
      await page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, stored.length);
      const back = (await view.segments()).find((s) => !stored.some((b) => b.id === s.id))!;
      assert.equal(back.label, gone.label);
      assert.ok(
        Math.abs(back.start - gone.start) < 1e-3 && Math.abs(back.end - gone.end) < 1e-3,
        `back at ${back.start}–${back.end}, was ${gone.start}–${gone.end}`,
      );

      assert.equal(await view.alerts.count(), 0, `no alert: ${await view.alerts.allTextContents()}`);
      // at start the studio asks for the open project: with none, the server's 404 is the answer (Chromium logs it)
      assert.deepEqual(
        problems.filter((p) => !/404 \(Not Found\) http:\/\/127\.0\.0\.1:\d+\/api\/project\.summary$/.test(p)),
        [],
      );
      await page.close();
    },
  );
});
