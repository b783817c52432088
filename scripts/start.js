// `npm start`: the studio in its Electron window. Where Electron cannot start (its binary is
// downloaded on first use, which fails without internet access; a Linux machine without a display)
// say so in a line and serve the same studio to a browser instead: the web mode.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary, whyNoWindow } from './electronWindow.js';
import { applyFuses } from './fuses.js';

const root = fileURLToPath(new URL('..', import.meta.url));

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
  // the window's fuses (no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, cookies encrypted), set once in the binary
  const flipped = await applyFuses(electronBinary().binary).catch((err) => {
    console.error(`VSKD Studio: ${err.message}`);
    process.exit(1);
  });
  if (flipped.length) console.error(`VSKD Studio: Electron fuses set: ${flipped.join(', ')}`);
  const run = spawnSync('npx', ['electron-vite', 'preview'], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 0);
}
