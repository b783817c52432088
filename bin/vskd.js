#!/usr/bin/env node
// The `vskd` command. Runs the built CLI (out/cli, scripts/buildCli.js) while every source it was
// built from is unchanged; otherwise (a fresh clone, or a source edited since) main/cli's TypeScript
// through tsx, which costs about a second of transpiling a call.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** out/cli/sources.json holds each source's mtime at build: one stat a source, 1–3 ms in all. */
function builtIsCurrent() {
  try {
    const mtimes = JSON.parse(readFileSync(`${root}out/cli/sources.json`, 'utf8'));
    return Object.entries(mtimes).every(([file, ms]) => statSync(root + file, { throwIfNoEntry: false })?.mtimeMs === ms);
  } catch {
    return false; // never built
  }
}

async function loadMain() {
  if (builtIsCurrent()) return import('../out/cli/main.js');
  const { register } = await import('tsx/esm/api');
  register();
  return import('../main/cli/main.ts');
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
