// Builds the `vskd` command as JavaScript in out/cli/, so a call starts without transpiling TypeScript.
// Usage: node scripts/buildCli.js   (npm run build:cli; npm install runs it through "prepare")
//
// out/cli/main.js is the CLI, trainWorker.js, trainPeer.js and exportWorker.js the worker threads' entries
// (main/workerThread.ts workerEntry: the module that starts a worker finds its entry next to itself,
// so every chunk sits beside the entries). Packages stay in node_modules (native sqlite3 and
// onnxruntime, tfjs), but for those in BUNDLED. Each dynamic import() is its own chunk, loaded only
// when a command reaches it.
// sources.json records the mtime of every file the bundle was built from: bin/vskd.js runs the build
// only while they are all unchanged, and the TypeScript through tsx otherwise.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = join(root, 'out/cli');

/**
 * Pure-JavaScript packages of many small modules, which load faster as part of a chunk: zod's hundred
 * files cost a sensor import (the contract validates every call) about 170 ms on the 2-core VM.
 */
const BUNDLED = ['zod'];

/** every package import stays an import from node_modules, but for the packages in BUNDLED */
const packagesExternal = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      const name = path.split('/', path.startsWith('@') ? 2 : 1).join('/');
      return BUNDLED.includes(name) ? undefined : { path, external: true };
    });
  },
};

/** Writes through a temporary name, so a CLI starting meanwhile reads the old file or the new one, never half of one. */
function writeWhole(path, contents) {
  if (existsSync(path) && readFileSync(path).equals(contents)) return;
  writeFileSync(`${path}.${process.pid}.tmp`, contents);
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/** Bundles the CLI into out/cli/; throws esbuild's error (which names the file and line) when a source does not build. */
export async function buildCli() {
  const started = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      main: 'main/cli/main.ts',
      trainWorker: 'main/train/worker.ts',
      trainPeer: 'main/train/peer.ts',
      exportWorker: 'main/export/worker.ts',
    },
    outdir: cliDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [packagesExternal],
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(cliDir, { recursive: true });
  const outputs = new Set(result.outputFiles.map((file) => basename(file.path)));
  // chunks first, the entries after them, the stamp last: a CLI that sees the new stamp finds everything it loads
  const entries = ['trainWorker.js', 'trainPeer.js', 'exportWorker.js', 'main.js'];
  const order = (file) => entries.indexOf(basename(file.path));
  for (const file of [...result.outputFiles].sort((a, b) => order(a) - order(b))) writeWhole(file.path, Buffer.from(file.contents));
  // chunks of earlier builds are content-named and would pile up (a .tmp is another build's, about to be renamed)
  for (const name of readdirSync(cliDir)) {
    if (!outputs.has(name) && name !== 'sources.json' && !name.endsWith('.tmp')) rmSync(join(cliDir, name), { force: true });
  }
  // a bundled package counts as its package.json (its version), which keeps bin/vskd.js's check to one stat a source file
  const sources = [
    ...Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/')),
    ...BUNDLED.map((name) => `node_modules/${name}/package.json`),
    relative(root, fileURLToPath(import.meta.url)),
  ];
  // a file saved while esbuild ran may not be in the bundle: record it as changed, so the CLI runs it from source
  const mtimes = Object.fromEntries(
    sources.map((file) => {
      const ms = statSync(join(root, file)).mtimeMs;
      return [file, ms < started ? ms : 0];
    }),
  );
  writeWhole(join(cliDir, 'sources.json'), Buffer.from(JSON.stringify(mtimes)));
  return { files: outputs.size, sources: sources.length, ms: Date.now() - started };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { files, sources, ms } = await buildCli();
    console.log(`out/cli: ${files} files from ${sources} sources in ${ms} ms`);
  } catch (err) {
    // esbuild has printed the errors with their files and lines
    console.error(`the CLI did not build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    process.exit(1);
  }
}
