/**
 * AnnotationTimeline in headless Chromium, saving through the real API: the component is built
 * with Vite into a small harness page whose client forwards every call to a dispatcher here.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import { listAnnotations } from '../../main/store/annotations.ts';
import { createLabel, listLabels } from '../../main/store/labels.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { tempDir } from '../helpers/tmp.ts';
import { annotatedProject } from '../annotations/fixture.ts';
import { serveHarness, type Harness } from './harness.ts';
import { chromiumArgs, chromiumPath, root, skip } from './studio.ts';

const DURATION = 20;

const harness = `<script lang="ts">
  import AnnotationPanel from '${join(root, 'renderer/src/components/AnnotationPanel.svelte')}';
  import { unwrap } from '${join(root, 'main/shared/envelope.ts')}';
  const w = window as any;
  const client = { call: async (method: string, args: unknown) => unwrap(await w.studioCall(method, args)), on: () => () => {} } as any;
  let time = $state(0);
  w.harness = { seeks: [] as number[], setTime: (t: number) => (time = t) };
</script>
<AnnotationPanel {client} recordingId={Number(new URLSearchParams(location.search).get('recording'))} currentTime={time} duration={${DURATION}}
  onseek={(t) => (w.harness.seeks.push(t), (time = t))} />
`;

/** the window of the harness page, with what its script adds */
type HarnessWindow = typeof window & { harness: { seeks: number[]; setTime(t: number): void } };

describe('AnnotationTimeline in Chromium', { skip }, () => {
  const dir = tempDir('vskd-timeline-');
  let projectPath = '';
  let recA = 0;
  let recB = 0;
  let served: Harness;
  let browser: Browser;
  const service = createStudioService({ version: 'e2e', emit: () => {} });
  const dispatch = createDispatcher(service.handlers);

  before(
    async () => {
      const made = await annotatedProject(dir, 'timeline.vskd');
      for (const name of ['wave', 'clap']) await createLabel(made.project.db, { name });
      [projectPath, recA, recB] = [made.project.path, made.recA, made.recB];
      await closeProject(made.project);
      unwrap(await dispatch('project.open', { path: projectPath }));
      served = await serveHarness('timeline-harness', harness);
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await browser?.close();
    served?.close();
    await service.dispose();
  });

  /** What the project holds now, read through a second connection. */
  async function stored(recordingId = recA) {
    const project = await openProject(projectPath);
    try {
      return { annotations: await listAnnotations(project.db, { recordingId }), labels: (await listLabels(project.db)).map((l) => l.name) };
    } finally {
      await closeProject(project);
    }
  }

  const segments = (page: Page) =>
    page.$$eval('[data-annotation-id]', (els) =>
      els.map((el) => {
        const d = (el as HTMLElement).dataset;
        return { id: Number(d.annotationId), start: Number(d.start), end: Number(d.end), label: d.label };
      }),
    );

  /** Waits until the shown segments satisfy `check`, then returns them. */
  async function until(page: Page, check: (s: Awaited<ReturnType<typeof segments>>) => boolean, what: string) {
    for (let i = 0; i < 100; i++) {
      const shown = await segments(page);
      if (check(shown)) return shown;
      await page.waitForTimeout(50);
    }
    assert.fail(`timed out waiting for: ${what}; shown ${JSON.stringify(await segments(page))}`);
  }

  it('marks, relabels, resizes, undoes, redoes, deletes, draws, jumps and adds labels, saving each', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 400 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      // the harness has no icon: the browser's own favicon request is not the component's problem
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(m.text());
    });
    await page.exposeFunction('studioCall', (method: string, args: unknown) => dispatch(method, args));
    await page.goto(`${served.url}?recording=${recA}`);
    const track = page.locator('.track');
    await track.waitFor();
    const setTime = (t: number) => page.evaluate((time) => (window as HarnessWindow).harness.setTime(time), t);
    const box = (await track.boundingBox())!;
    const xAt = (t: number) => box.x + (t / DURATION) * box.width;

    // A at 2 s, A again at 4 s (the video plays in between): a wave segment
    await track.focus();
    await setTime(2);
    await page.keyboard.press('a');
    await setTime(4);
    await page.keyboard.press('a');
    const [created] = await until(page, (s) => s.length === 1, 'the marked segment');
    assert.deepEqual(created, { id: created.id, start: 2, end: 4, label: 'wave' });

    await page.keyboard.press('2');
    await until(page, (s) => s[0].label === 'clap', 'relabelled by the number key');

    // drag the end edge to about 6 s
    const edge = (await page.locator(`[data-annotation-id="${created.id}"] [data-edge="end"]`).boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(xAt(6), edge.y + edge.height / 2, { steps: 5 });
    await page.mouse.up();
    const [resized] = await until(page, (s) => Math.abs(s[0].end - 6) < 0.1, 'the end dragged to 6 s');
    assert.ok(Math.abs((await stored()).annotations[0].end - resized.end) < 1e-9, 'the resize was saved');

    await page.keyboard.press('Control+z');
    await until(page, (s) => s[0].end === 4, 'the resize undone');
    await page.keyboard.press('Control+Shift+Z');
    await until(page, (s) => Math.abs(s[0].end - 6) < 0.1, 'the resize redone');

    await page.keyboard.press('Delete');
    await until(page, (s) => s.length === 0, 'deleted');
    assert.equal((await stored()).annotations.length, 0);
    await page.keyboard.press('Control+z');
    const [back] = await until(page, (s) => s.length === 1, 'the delete undone');
    assert.equal(back.id, created.id, 'restored under its id');

    // draw one from 10 s to 12 s on the empty track: it takes the last chosen label
    await page.mouse.move(xAt(10), box.y + 5);
    await page.mouse.down();
    await page.mouse.move(xAt(12), box.y + 5, { steps: 5 });
    await page.mouse.up();
    const both = await until(page, (s) => s.length === 2, 'the drawn segment');
    assert.ok(Math.abs(both[1].start - 10) < 0.1 && Math.abs(both[1].end - 12) < 0.1, `drawn at 10–12 s: ${JSON.stringify(both[1])}`);
    assert.equal(both[1].label, 'clap');

    // [ and ] select and seek
    await setTime(8);
    await track.focus();
    await page.keyboard.press(']');
    await page.keyboard.press('[');
    const seeks = await page.evaluate(() => (window as HarnessWindow).harness.seeks);
    assert.deepEqual(
      seeks.slice(-2).map((t) => Math.round(t)),
      [10, 2],
    );
    assert.equal(await page.locator('[aria-selected="true"]').getAttribute('data-annotation-id'), String(created.id));

    await page.getByLabel('New label').fill('jump');
    await page.keyboard.press('Enter');
    await page.locator('select[aria-label="Label"] option', { hasText: 'jump' }).waitFor({ state: 'attached' });
    assert.deepEqual((await stored()).labels, ['wave', 'clap', 'jump']);
    assert.deepEqual(
      (await stored()).annotations.map((a) => [a.label, a.start]),
      (await segments(page)).map((s) => [s.label, s.start]),
      'what is shown is what is stored',
    );
    assert.deepEqual(problems, []);
  });

  it("types a segment's start and end, drags its body to move it whole, and undoes the move", { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 400 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.exposeFunction('studioCall', (method: string, args: unknown) => dispatch(method, args));
    await page.goto(`${served.url}?recording=${recB}`);
    const track = page.locator('.track');
    await track.waitFor();
    const setTime = (t: number) => page.evaluate((time) => (window as HarnessWindow).harness.setTime(time), t);
    await track.focus();
    await setTime(1);
    await page.keyboard.press('a');
    await setTime(3);
    await page.keyboard.press('a');
    const [made] = await until(page, (s) => s.length === 1, 'the marked segment');
    const saved = async () => (await stored(recB)).annotations.map((a) => [a.start, a.end]);

    // the new segment is selected: its times are fields
    const start = page.getByLabel('Start (s)');
    const end = page.getByLabel('End (s)');
    assert.equal(await start.inputValue(), '1.000');
    await start.fill('1.5');
    await start.press('Enter');
    await until(page, (s) => s[0].start === 1.5, 'the start typed');
    await end.fill('2.75');
    await end.press('Enter');
    await until(page, (s) => s[0].end === 2.75, 'the end typed');
    assert.deepEqual(await saved(), [[1.5, 2.75]]);
    await end.fill('1');
    await end.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'must come after the start' }).waitFor();
    assert.deepEqual(await saved(), [[1.5, 2.75]], 'an end before the start is refused, nothing sent');

    // drag the body 5 s to the right: both ends move, the length stays
    const box = (await track.boundingBox())!;
    const body = (await page.locator(`[data-annotation-id="${made.id}"] .name`).boundingBox())!;
    const y = body.y + body.height / 2;
    await page.mouse.move(body.x + body.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(body.x + body.width / 2 + (5 / DURATION) * box.width, y, { steps: 6 });
    await page.mouse.up();
    const [moved] = await until(page, (s) => s[0].start > 6, 'the body dragged');
    assert.ok(Math.abs(moved.start - 6.5) < 0.1, `moved by about 5 s: ${JSON.stringify(moved)}`);
    assert.ok(Math.abs(moved.end - moved.start - 1.25) < 1e-9, `the length stays 1.25 s: ${JSON.stringify(moved)}`);
    const [[savedStart, savedEnd]] = await saved();
    assert.ok(Math.abs(savedStart - moved.start) < 1e-9 && Math.abs(savedEnd - moved.end) < 1e-9, 'the move was saved');
    assert.equal(await start.inputValue(), moved.start.toFixed(3), 'the fields follow the move');

    await track.focus();
    await page.keyboard.press('Control+z');
    await until(page, (s) => s[0].start === 1.5 && s[0].end === 2.75, 'the move undone');
    assert.deepEqual(await saved(), [[1.5, 2.75]]);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
