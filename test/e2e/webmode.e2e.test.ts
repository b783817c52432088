/**
 * The web mode in a real browser: the built renderer served by main/web/server.ts, driven in
 * headless Chromium. Builds a fresh renderer into a temp folder, so it never tests a stale out/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import type { WebServer } from '../../main/web/server.ts';
import { eventLog } from '../helpers/events.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { buildRenderer, screenshotPath, skip, startStudio, stopStudio, watchConsole } from './studio.ts';

/** A project with the mini UTD-MHAD imported, made through the contract like any client would. */
async function importedProject(path: string): Promise<void> {
  const log = eventLog();
  const service = createStudioService({ version: 'e2e', emit: log.emit });
  const dispatch = createDispatcher(service.handlers);
  unwrap(await dispatch('project.create', { path }));
  const { job } = unwrap(await dispatch('import.utdMhad', { dir: join(fixtures, 'utd-mhad-mini') })) as { job: string };
  assert.equal((await log.ended(job)).status, 'done');
  await service.dispose();
}

describe('web mode in Chromium', { skip }, () => {
  const dir = tempDir('vskd-e2e-');
  const projectPath = join(dir, 'e2e.vskd');
  let server: WebServer;
  let browser: Browser;

  before(
    async () => {
      const rendererDir = await buildRenderer(join(dir, 'out'));
      await importedProject(projectPath);
      ({ server, browser } = await startStudio(rendererDir, projectPath));
    },
    { timeout: 180_000 },
  );
  after(() => stopStudio({ server, browser }));

  it('shows the project and its recordings, and filters them by action', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
    const problems = watchConsole(page);
    const studio = new ProjectPage(page);

    await studio.goto(server.url);
    // the token left the address bar (and so history and screenshots)
    assert.equal(page.url(), `http://127.0.0.1:${server.port}/`);

    await studio.open(projectPath);
    assert.equal(await studio.summaryValue('Project'), projectPath);
    assert.equal(await studio.summaryValue('Recordings'), '4 from 2 subject(s)');
    assert.deepEqual((await studio.recordingNames(4)).sort(), ['a1_s1_t1', 'a1_s2_t1', 'a2_s1_t1', 'a2_s2_t1']);

    await studio.filterByAction('right arm swipe to the left');
    assert.deepEqual((await studio.recordingNames(2)).sort(), ['a1_s1_t1', 'a1_s2_t1']);
    assert.equal(await studio.shownCount.textContent(), '2 of 4');
    await page.screenshot({ path: screenshotPath('webmode.png'), fullPage: true });

    // the page's CSP and the server both let this origin's events socket through
    const socket = await page.evaluate(
      (token) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/events`, ['vskd-studio', `vskd-token.${token}`]);
          ws.onopen = () => (ws.close(), resolve(`open ${ws.protocol}`));
          ws.onerror = () => resolve('refused');
        }),
      server.token,
    );
    assert.equal(socket, 'open vskd-studio');

    // a reload keeps working: the tab kept the token
    await page.reload();
    await studio.open(projectPath);
    assert.equal(await studio.alerts.count(), 0);
    assert.deepEqual(problems, []);
  });
});
