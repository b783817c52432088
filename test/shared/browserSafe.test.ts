/**
 * The code the renderer and the preload share with the server lives in main/shared/, which imports
 * nothing Node-only: a renderer import from elsewhere in main/, or a Node import in main/shared/,
 * would break the browser bundle (or pull the domain code into it).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importsOf } from '../helpers/imports.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shared = join(root, 'main', 'shared');
const mainDir = join(root, 'main');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

const inside = (dir: string, path: string) => !relative(dir, path).startsWith('..');

describe('browser-safe modules (main/shared)', () => {
  it('the renderer and the preload import nothing from main/ but main/shared/', () => {
    const offenders = [...sources(join(root, 'renderer', 'src')), ...sources(join(root, 'preload'))].flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolve(dirname(file), spec))
        .filter((target) => inside(mainDir, target) && !inside(shared, target))
        .map((target) => `${relative(root, file)} imports ${relative(root, target)}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('main/shared imports only main/shared and zod', () => {
    const offenders = sources(shared).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => (spec.startsWith('.') ? !inside(shared, resolve(dirname(file), spec)) : spec !== 'zod'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('finds the imports it checks (the check itself can fail)', () => {
    const found = importsOf(
      "import { a } from '../x.ts';\nimport type { B } from 'node:fs';\nexport { c } from './c.ts';\nconst m = await import('./lazy.ts');\nimport './side.ts';",
    );
    assert.deepEqual(found.sort(), ['../x.ts', './c.ts', './lazy.ts', './side.ts', 'node:fs'].sort());
  });
});
