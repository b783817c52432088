// `npm start`: the studio in its Electron window. Where Electron cannot start (its binary is
// downloaded on first use, which fails without internet access; a Linux machine without a display)
// say so in a line and serve the same studio to a browser instead: the web mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  try {
    const dir = require.resolve('electron/package.json').replace(/package\.json$/, '');
    const pathFile = `${dir}path.txt`;
    if (!existsSync(pathFile)) return null;
    const binary = `${dir}dist/${readFileSync(pathFile, 'utf8').trim()}`;
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function whyNoWindow() {
  if (!electronBinary()) return 'the Electron binary is not installed on this machine (it is downloaded on first use, which needs internet access)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'this machine has no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return null;
}

function buildOrExit() {
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const reason = whyNoWindow();
if (reason) {
  console.error(`VSKD Studio: ${reason}, so the desktop window cannot open.`);
  console.error('Starting the web mode instead: open the URL it prints in a browser on this machine.');
  buildOrExit();
  const web = spawn(process.execPath, ['--import', 'tsx', 'main/web/serve.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  // a terminal's Ctrl-C reaches both processes; a SIGTERM to this one alone is passed on
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => web.kill(signal));
  web.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  buildOrExit();
  const run = spawnSync('npx', ['electron-vite', 'preview'], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 0);
}
