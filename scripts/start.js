// `npm start`: the studio in its Electron window. Where the Electron binary is missing (it is
// downloaded on first use, which fails on a machine without internet access) say so plainly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = require.resolve('electron/package.json').replace(/package\.json$/, '');
    const pathFile = `${dir}path.txt`;
    if (!existsSync(pathFile)) return null;
    const binary = `${dir}dist/${require('node:fs').readFileSync(pathFile, 'utf8').trim()}`;
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

if (!electronBinary()) {
  console.error(
    [
      'VSKD Studio: the Electron binary is not installed on this machine, so the desktop window cannot open.',
      '(npm installs the electron package, but its binary is downloaded on first use, and that download',
      'needs internet access.) Everything else works without it: the `npx vskd` command line, and the',
      'web mode, which serves the same studio to a browser.',
    ].join('\n'),
  );
  process.exit(1);
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['electron-vite', 'preview'], { stdio: 'inherit' });
process.exit(run.status ?? 0);
