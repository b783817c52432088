/**
 * The real Electron window, driven by Playwright: the app built by electron-vite, started on a tiny
 * project the way `npm start` starts it (its package.json's main, the project file on the command
 * line); the window loads the renderer, window.studio (the preload's bridge over IPC) answers,
 * Browse… goes to the native dialog, and the project and training screens render. Skipped, with
 * the reason, where the Electron binary is not installed (it is downloaded on first use) or there
 * is no display.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { _electron, type ElectronApplication } from 'playwright-core';
import type { MethodName } from '../../main/shared/contract.ts';
import { latestSchemaVersion } from '../../main/store/schema.ts';
import { electronBinary, whyNoWindow } from '../../scripts/electronWindow.js';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from '../train/tinyProject.ts';
import { ProjectPage } from './pages/projectPage.ts';
import { TrainingPage } from './pages/trainingPage.ts';
import { buildRenderer, root, screenshotPath, watchConsole } from './studio.ts';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; type: string; main: string };

/**
 * Builds the app into a fresh folder and starts Electron on it with `projectPath`. The folder is
 * inside the repository, so that the main bundle finds its dependencies in node_modules, and holds
 * a package.json with the project's own name, version and main, as `electron .` reads them.
 */
async function launchBuiltApp(projectPath: string, cacheDir: string): Promise<{ app: ElectronApplication; appDir: string }> {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const appDir = mkdtempSync(join(root, 'test-results', 'electron-app-'));
  try {
    await buildRenderer(join(appDir, 'out'));
    const { name, version, type, main } = pkg;
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name, version, type, main }));
    const app = await _electron.launch({
      executablePath: electronBinary().binary,
      args: [appDir, projectPath],
      // the recent-projects list goes to the test's folder, not the user's cache
      env: { ...process.env, VSKD_CACHE_DIR: cacheDir } as Record<string, string>,
    });
    return { app, appDir };
  } catch (err) {
    rmSync(appDir, { recursive: true, force: true });
    throw err;
  }
}

describe('the Electron window', () => {
  it(
    'loads the renderer, answers through window.studio and renders the project and training screens',
    { skip: whyNoWindow() ?? false, timeout: 360_000 },
    async () => {
      const dir = tempDir('vskd-e2e-electron-');
      const { path: projectPath } = await tinyProject(dir);
      const { app, appDir } = await launchBuiltApp(projectPath, join(dir, 'cache'));
      try {
        const page = await app.firstWindow();
        const problems = watchConsole(page);
        assert.equal(await page.title(), 'VSKD Studio');
        assert.match(page.url(), /^file:\/\/.*\/out\/renderer\/index\.html$/, `the built renderer: ${page.url()}`);

        // the preload's bridge, not the web mode's: no token in the URL, the call crosses IPC
        const answer = await page.evaluate(() => window.studio?.invoke('app.version', {}));
        assert.deepEqual(answer, { ok: true, value: { version: pkg.version, schemaVersion: latestSchemaVersion } });
        const refused = await page.evaluate(() => window.studio?.invoke('fs.readFile' as MethodName, { path: '/etc/passwd' }));
        assert.deepEqual(refused, { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'unknown method fs.readFile', field: 'method' } });

        // the project named on the command line is open: its summary and recordings
        const project = new ProjectPage(page);
        await project.summary.waitFor();
        assert.equal(await project.summaryValue('Recordings'), '16 from 2 subject(s)');
        assert.equal((await project.recordingNames(16)).length, 16, 'every recording listed');
        await page.screenshot({ path: screenshotPath('electron-window.png') });

        // Browse… opens Electron's own dialog through the preload (answered here in the main process, as
        // a person would answer it): the project picked is opened; a dropped file's path comes from webUtils
        assert.equal(await page.evaluate(() => typeof window.studio?.pick === 'function' && typeof window.studio?.pathOf === 'function'), true);
        await app.evaluate(({ dialog }, picked) => {
          dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [picked] })) as typeof dialog.showOpenDialog;
        }, projectPath);
        await page.getByRole('button', { name: 'Browse for the project file' }).click();
        await page.waitForFunction(
          (path) => (document.querySelector('input[aria-label="Project file"]') as HTMLInputElement | null)?.value === path,
          projectPath,
        );
        await project.summary.waitFor();
        assert.equal(await page.locator('dialog[open]').count(), 0, 'the web mode file browser stays closed in the window');

        const training = new TrainingPage(page);
        await training.open();
        assert.equal(await training.dataset(), 'tiny (subject-specific)');
        assert.deepEqual(problems, []);
      } finally {
        await app.close();
        rmSync(appDir, { recursive: true, force: true });
      }
    },
  );
});
