/**
 * AnnotationTimeline in headless Chromium, saving through the real API: the component is built
 * with Vite into a small harness page whose client forwards every call to a dispatcher here.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import { listAnnotations } from '../../main/store/annotations.ts';
import { createLabel, listLabels } from '../../main/store/labels.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { tempDir } from '../helpers/tmp.ts';
import { annotatedProject } from '../annotations/fixture.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const chromiumPath = '/usr/bin/chromium';
const skip = existsSync(chromiumPath) ? false : `${chromiumPath} is missing (apt-get install -y chromium)`;
const DURATION = 20;

const harness = `<script lang="ts">
  import AnnotationTimeline from '${join(root, 'renderer/src/components/AnnotationTimeline.svelte')}';
  import { unwrap } from '${join(root, 'main/shared/envelope.ts')}';
  const w = window as any;
  const client = { call: async (method: string, args: unknown) => unwrap(await w.studioCall(method, args)), on: () => () => {} } as any;
  let time = $state(0);
  w.harness = { seeks: [] as number[], setTime: (t: number) => (time = t) };
</script>
<AnnotationTimeline {client} recordingId={Number(new URLSearchParams(location.search).get('recording'))} currentTime={time} duration={${DURATION}}
  onseek={(t) => (w.harness.seeks.push(t), (time = t))} />
`;

/** the window of the harness page, with what its script adds */
type HarnessWindow = typeof window & { harness: { seeks: number[]; setTime(t: number): void } };

/** Builds the harness page (inside the repository, so that its imports resolve) and serves it. */
async function serveHarness(): Promise<{ server: Server; url: string; dir: string }> {
  mkdirSync(join(root, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.cache', 'timeline-harness-'));
  writeFileSync(join(dir, 'Harness.svelte'), harness);
  writeFileSync(join(dir, 'main.ts'), `import { mount } from 'svelte';\nimport Harness from './Harness.svelte';\nmount(Harness, { target: document.body });\n`);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>');
  await build({
    root: dir,
    configFile: false,
    logLevel: 'error',
    plugins: [svelte({ configFile: false, preprocess: vitePreprocess() })],
    build: { outDir: join(dir, 'out'), emptyOutDir: true, minify: false },
  });
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, 'out', path === '/' ? 'index.html' : path);
    if (!file.startsWith(join(dir, 'out')) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object', 'the harness server listens on a port');
  return { server, url: `http://127.0.0.1:${address.port}/`, dir };
}

describe('AnnotationTimeline in Chromium', { skip }, () => {
  const dir = tempDir('vskd-timeline-');
  let projectPath = '';
  let recA = 0;
  let served: Awaited<ReturnType<typeof serveHarness>>;
  let browser: Browser;
  const service = createStudioService({ version: 'e2e', emit: () => {} });
  const dispatch = createDispatcher(service.handlers);

  before(
    async () => {
      const made = await annotatedProject(dir, 'timeline.vskd');
      for (const name of ['wave', 'clap']) await createLabel(made.project.db, { name });
      [projectPath, recA] = [made.project.path, made.recA];
      await closeProject(made.project);
      unwrap(await dispatch('project.open', { path: projectPath }));
      served = await serveHarness();
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await browser?.close();
    served?.server.close();
    if (served) rmSync(served.dir, { recursive: true, force: true });
    await service.dispose();
  });

  /** What the project holds now, read through a second connection. */
  async function stored() {
    const project = await openProject(projectPath);
    try {
      return { annotations: await listAnnotations(project.db, { recordingId: recA }), labels: (await listLabels(project.db)).map((l) => l.name) };
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
});
