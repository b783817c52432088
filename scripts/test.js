// Runs every test/**/*.test.ts with node's own test runner (TypeScript through tsx), after building
// the CLI (scripts/buildCli.js) so that the tests which spawn bin/vskd.js run the built one.
// Usage: npm test [-- <path filter>...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from './buildCli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const filters = process.argv.slice(2);
const files = testFiles(join(root, 'test'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test file matches ${filters.join(' ')}`);
  process.exit(1);
}
// A source that does not build fails the run, but the tests still run (the CLI from TypeScript), so
// that one file in mid-edit does not hide every other result.
const built = await buildCli().then(
  () => true,
  () => {
    console.error("the CLI did not build (esbuild's errors above): the tests run it from TypeScript, and the run fails");
    return false;
  },
);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(built ? (result.status ?? 1) : 1);
