/**
 * What the browser tests share: Debian's Chromium, a renderer built fresh into a temp folder (never
 * a stale out/), demo projects made the way a user makes them, and a console watch.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateDemo, type DemoOptions } from '../../main/datasets/demo/generate.ts';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import { closeProject, createProject, type Project } from '../../main/store/project.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const skip = existsSync(chromiumPath) ? false : `${chromiumPath} is missing (apt-get install -y chromium)`;

/** Builds the app into `outDir`; returns its renderer folder. */
export async function buildRenderer(outDir: string): Promise<string> {
  await promisify(execFile)(join(root, 'node_modules/.bin/electron-vite'), ['build', '--outDir', outDir, '--logLevel', 'error'], { cwd: root });
  return join(outDir, 'renderer');
}

/**
 * A project at `path` with a tiny generated demo dataset imported (clips only); `more` adds to it
 * before it is closed.
 */
export async function demoProject(dir: string, path: string, opts: DemoOptions, more?: (project: Project) => Promise<void>): Promise<DemoManifest> {
  const data = join(dir, 'demo-data');
  const manifest = await generateDemo(data, { sessions: 0, ...opts });
  const project = await createProject(path);
  try {
    await importDemo(project, data);
    await more?.(project);
  } finally {
    await closeProject(project);
  }
  return manifest;
}

/** where a test's screenshot goes: test-results/<name> */
export function screenshotPath(name: string): string {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  return join(root, 'test-results', name);
}

/** Collects the page's errors; the renderer has no icon, so the browser's favicon request is not one. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}

/** The web mode serving `rendererDir` on `projectPath` (none: the start screen), and a headless Chromium to drive it. */
export async function startStudio(rendererDir: string, projectPath?: string): Promise<{ server: WebServer; browser: Browser }> {
  const server = await startWebServer({ rendererDir, projectPath, version: 'e2e' });
  return { server, browser: await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs }) };
}

/** Closes what startStudio started (either may be missing when its `before` failed). */
export async function stopStudio({ server, browser }: { server?: WebServer; browser?: Browser }): Promise<void> {
  await browser?.close();
  await server?.close();
}
