// Whether the studio's Electron window can open on this machine: the Electron binary (the electron
// package downloads it on first use, which needs internet access) and, on Linux, a display.
// `npm start` and the Electron window test ask the same question.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * { binary } where the Electron binary is installed, else { reason } naming what is missing. Found
 * the way the electron package finds it (path.txt, then dist/), without require('electron'), which
 * would try to download it.
 */
export function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (npm install)' };
  }
  const pathFile = join(dir, 'path.txt');
  const download = 'the Electron binary is downloaded on first use, which needs internet access';
  if (!existsSync(pathFile)) return { reason: `the Electron binary is not installed: ${pathFile} is missing (${download})` };
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `the Electron binary is not installed: ${binary} is missing (${download})` };
  return { binary };
}

/** Why the window cannot open here, or null when it can. */
export function whyNoWindow() {
  const found = electronBinary();
  if (found.reason) return found.reason;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'this machine has no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return null;
}
