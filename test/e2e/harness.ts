/**
 * One component in headless Chromium without the studio around it: a small Svelte page built with
 * Vite (inside the repository, so that its imports resolve) and served here, with any files it
 * plays (videos, with Range requests as a player makes them) under /files/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, extname, join } from 'node:path';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { build } from 'vite';
import { root } from './studio.ts';

export interface Harness {
  url: string;
  close(): void;
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.mp4': 'video/mp4', '.webm': 'video/webm' };

/** a file's bytes, whole or the one range asked ("bytes=a-b") */
function send(res: import('node:http').ServerResponse, bytes: Buffer, type: string, range: string | undefined): void {
  const asked = range && /^bytes=(\d*)-(\d*)$/.exec(range);
  if (!asked) return void res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': bytes.length }).end(bytes);
  const start = asked[1] === '' ? Math.max(0, bytes.length - Number(asked[2])) : Number(asked[1]);
  const end = asked[1] === '' || asked[2] === '' ? bytes.length - 1 : Math.min(Number(asked[2]), bytes.length - 1);
  res
    .writeHead(206, {
      'content-type': type,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${end}/${bytes.length}`,
      'content-length': end - start + 1,
    })
    .end(bytes.subarray(start, end + 1));
}

/** Builds `source` (a Svelte component, mounted on the body) and serves it; `files` are served by their base names under /files/. */
export async function serveHarness(prefix: string, source: string, files: string[] = []): Promise<Harness> {
  mkdirSync(join(root, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.cache', `${prefix}-`));
  writeFileSync(join(dir, 'Harness.svelte'), source);
  writeFileSync(join(dir, 'main.ts'), `import { mount } from 'svelte';\nimport Harness from './Harness.svelte';\nmount(Harness, { target: document.body });\n`);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>');
  await build({
    root: dir,
    configFile: false,
    logLevel: 'error',
    plugins: [svelte({ configFile: false, preprocess: vitePreprocess() })],
    build: { outDir: join(dir, 'out'), emptyOutDir: true, minify: false },
  });
  const served = new Map(files.map((file) => [basename(file), file]));
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const media = path.startsWith('/files/') ? served.get(path.slice('/files/'.length)) : undefined;
    const file = media ?? join(dir, 'out', path === '/' ? 'index.html' : path);
    if ((!media && !file.startsWith(join(dir, 'out'))) || !existsSync(file)) return void res.writeHead(404).end();
    send(res, readFileSync(file), types[extname(file)] ?? 'application/octet-stream', req.headers.range);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object', 'the harness server listens on a port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close() {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
