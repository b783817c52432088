// Builds the native kernels (main/train/kernels/native: oneDNN's convolutions and matrix products,
// BatchNorm's training passes and the max-pool's gradient, for the wasm backend) with node-gyp, when
// this machine can: g++, Node's headers and oneDNN's (Debian: apt-get install libdnnl-dev). Without them it says why in one line and leaves training on
// wasm's own kernels; it never fails the install.
// Usage: node scripts/buildNative.js   (npm run build:native; npm install runs it through "prepare")
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'main/train/kernels/native');
const addon = join(source, 'build/Release/vskd_native.node');
const ONEDNN_HEADER = '/usr/include/oneapi/dnnl/dnnl.hpp';

function skip(reason) {
  console.log(`native kernels not built (${reason}): training uses wasm's own kernels, 3–6× slower a step`);
  process.exit(0);
}

/** node-gyp: npm's own copy (npm sets npm_config_node_gyp for its scripts), else the one beside this Node. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')];
  return candidates.find((path) => path && existsSync(path));
}

/** Node's headers: npm's nodedir setting, else the ones installed beside this Node (node-gyp would download them). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined;
}

if (process.env.VSKD_NATIVE === '0') skip('VSKD_NATIVE=0');
if (!existsSync(ONEDNN_HEADER)) skip(`no ${ONEDNN_HEADER}: apt-get install libdnnl-dev, then npm run build:native`);
const gyp = nodeGyp();
if (!gyp) skip('node-gyp not found beside npm');
const sources = readdirSync(source)
  .filter((name) => /\.(cc|h|gyp)$/.test(name))
  .map((name) => join(source, name));
if (existsSync(addon) && sources.every((path) => statSync(path).mtimeMs <= statSync(addon).mtimeMs)) process.exit(0);

const dir = nodeDir();
const args = [gyp, 'rebuild', '--directory', source, ...(dir ? [`--nodedir=${dir}`] : [])];
const built = spawnSync(process.execPath, args, { encoding: 'utf8' });
if (built.status !== 0) {
  const error =
    `${built.stdout}\n${built.stderr}`.split('\n').find((line) => /error/i.test(line) && !line.startsWith('gyp info')) ??
    `node-gyp exited with ${built.status}`;
  skip(error.trim());
}
console.log(`native kernels built: ${addon.slice(root.length)}`);
