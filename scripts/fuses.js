// Electron's fuses: switches compiled into the Electron binary, flipped in the file before it runs.
// `npm start` sets the window's on the installed binary; a packaged studio sets all of them:
//   node scripts/fuses.js [--packaged] [<electron binary>]   (default: the installed one)
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electronWindow.js';

/**
 * What the studio sets. The window `npm start` opens keeps Node's inspector arguments: the Electron
 * window test drives it through them (Playwright starts it with --inspect=0); a packaged studio has
 * no such use, and loads its app only from its asar, checked against the hash packaging embedded.
 */
export function studioFuses(packaged) {
  return {
    // ELECTRON_RUN_AS_NODE would turn the studio's binary into a plain Node that runs any script
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    // NODE_OPTIONS could preload code into the main process
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: !packaged,
    ...(packaged && {
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  };
}

const stateOf = (value) => String.fromCharCode(value);

/** The fuses of `binary` that differ from what the studio sets, as "RunAsNode: 1 (want 0)". */
export async function fusesToFlip(binary, packaged) {
  const wire = await getCurrentFuseWire(binary);
  return Object.entries(studioFuses(packaged)).flatMap(([index, on]) => {
    const want = on ? '1' : '0';
    const now = stateOf(wire[index]);
    return now === want ? [] : [`${FuseV1Options[index]}: ${now} (want ${want})`];
  });
}

/**
 * Sets the studio's fuses in `binary` when one differs (the binary is rewritten only then); answers
 * what was flipped. An Electron binary without a fuse wire is refused in one line naming the file.
 */
export async function applyFuses(binary, { packaged = false } = {}) {
  let flip;
  try {
    flip = await fusesToFlip(binary, packaged);
  } catch (err) {
    throw new Error(`${binary}: cannot read its Electron fuses: ${err.message.split('\n')[0]}`, { cause: err });
  }
  if (flip.length === 0) return [];
  try {
    await flipFuses(binary, { version: FuseVersion.V1, ...studioFuses(packaged) });
  } catch (err) {
    // e.g. a wire too short for a fuse: an Electron older than the fuse
    throw new Error(`${binary}: cannot set its Electron fuses: ${err.message.split('\n')[0]}`, { cause: err });
  }
  const left = await fusesToFlip(binary, packaged);
  if (left.length) throw new Error(`${binary}: fuses did not take: ${left.join(', ')}`);
  return flip;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const packaged = args.includes('--packaged');
  const given = args.find((a) => !a.startsWith('--'));
  const found = given ? { binary: given } : electronBinary();
  if (found.reason) {
    console.error(`fuses: ${found.reason}`);
    process.exit(1);
  }
  applyFuses(found.binary, { packaged }).then(
    (flipped) => console.log(flipped.length ? `fuses set in ${found.binary}: ${flipped.join(', ')}` : `fuses already set in ${found.binary}`),
    (err) => {
      console.error(`fuses: ${err.message}`);
      process.exit(1);
    },
  );
}
