/**
 * The `vskd` command's start-up (issue 13: `--help` and `--version` ≤ 0.3 s, a small sensor import
 * ≤ 0.6 s), each call a new process as a user's shell starts it: bin/vskd.js running the built CLI
 * (out/cli, built here first), against main/cli's TypeScript through tsx (what bin/vskd.js falls back
 * to before a build, or after a source changed). Bare Node's start-up is printed as the floor.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;

/** bin/vskd.js's fallback, taken whatever out/cli holds */
const fromSource = [
  '--input-type=module',
  '-e',
  "const { register } = await import('tsx/esm/api'); register(); const { main } = await import('./main/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));",
  '--',
];

/** Seconds of one call; a failing call stops the bench, so that a figure never times an error. */
function seconds(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const elapsed = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim()}`);
  return elapsed;
}

/** The median of RUNS calls after one unmeasured call (which fills tsx's cache and the disk cache). */
function median(call: () => number): number {
  call();
  const times = Array.from({ length: RUNS }, call).sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)];
}

/** Builds out/cli; returns its sources.json, which changes when a source does. */
function buildCli(): string {
  const result = spawnSync(process.execPath, ['scripts/buildCli.js'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the CLI did not build: ${result.stderr.trim()}`);
  return readFileSync(join(root, 'out/cli/sources.json'), 'utf8');
}

/**
 * Times calls of bin/vskd.js that ran the build. bin/vskd.js runs it only while its sources are
 * unchanged, and other work may save one meanwhile: a call during which the build went stale is redone
 * (with new arguments: a new project).
 */
function builtCalls(): (args: () => string[]) => number {
  let sources = buildCli();
  return (args) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const elapsed = seconds(['bin/vskd.js', ...args()]);
      const before = sources;
      sources = buildCli();
      if (sources === before) return elapsed;
    }
    throw new Error('the sources keep changing: no call ran the build');
  };
}

export default async function benchCli(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vskd-bench-cli-'));
  let projects = 0;
  const calls = [
    { name: '--version', target: 0.3, args: () => ['--version'] },
    { name: '--help', target: 0.3, args: () => ['--help'] },
    {
      name: 'import sensor phone_acc_ms.csv (new project)',
      target: 0.6,
      args: () => ['import', 'sensor', 'test/fixtures/sensors/phone_acc_ms.csv', '--project', join(dir, `p${projects++}.vskd`), '--label', 'walk'],
    },
  ];
  try {
    const built = builtCalls();
    console.log(`median of ${RUNS} calls, each a new process; bare node -e '': ${median(() => seconds(['-e', ''])).toFixed(2)} s`);
    for (const { name, target, args } of calls) {
      const fromBuild = median(() => built(args));
      const throughTsx = median(() => seconds([...fromSource, ...args()]));
      const verdict = fromBuild <= target ? 'met' : 'NOT met';
      console.log(`vskd ${name.padEnd(45)} built ${fromBuild.toFixed(2)} s (target ≤ ${target} s: ${verdict}), through tsx ${throughTsx.toFixed(2)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
