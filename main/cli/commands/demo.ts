/**
 * vskd demo: the whole pipeline on the demo dataset, small enough for a 2-core CPU in minutes:
 * demo data → project → cross-subject dataset → pose teacher → baseline and DASK students → table.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_MANIFEST } from '../../datasets/demo/manifest.ts';
import { optionalString, optionalWhole, progressBar, type Command } from '../command.ts';
import { importInto } from '../importInto.ts';
import { followRun } from './train.ts';

export const demoCommand: Command = {
  usage: 'vskd demo [--out DIR] [--epochs N] [--seed N] [--per-class N]',
  help: [
    '  --out DIR        where the demo data and project go (default ./vskd-demo; reused when present)',
    '  --epochs N       epochs of each run (default 30)',
    "  --seed N         the runs' seed (default 1)",
    '  --per-class N    demo clips per action (default 10)',
  ].join('\n'),
  positionals: 0,
  options: { out: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' }, 'per-class': { type: 'string' } },
  async run(_positionals, values, io, studio) {
    const dir = resolve(optionalString(values, 'out') ?? 'vskd-demo');
    const dataDir = join(dir, 'data');
    const perClass = optionalWhole(values, 'per-class', 1) ?? 10;
    const common = { dataset: 'cross-subject', seed: optionalWhole(values, 'seed') ?? 1, epochs: optionalWhole(values, 'epochs', 1) ?? 30, batchSize: 8 };
    if (!existsSync(join(dataDir, DEMO_MANIFEST))) {
      io.out(`generating the demo dataset in ${dataDir}`);
      await studio.job((await studio.call('demo.generate', { out: dataDir, perClass, sessions: 0 })).job, progressBar(io, 'generating'));
    }
    const projectPath = join(dir, 'demo.vskd');
    await importInto(studio, io, projectPath, () => studio.call('import.demo', { dir: dataDir }));
    if (!(await studio.call('datasets.list', {})).some((d) => d.name === 'cross-subject')) {
      await studio.call('datasets.create', { name: 'cross-subject', protocol: 'cross-subject', valFraction: 0.2, seed: 1 });
    }
    const teacher = await studio.call('runs.start', { kind: 'teacher', ...common });
    await followRun(studio, io, projectPath, teacher);
    await followRun(studio, io, projectPath, await studio.call('runs.start', { kind: 'student', method: 'baseline', ...common }));
    await followRun(studio, io, projectPath, await studio.call('runs.start', { kind: 'student', method: 'dask', teacherRunId: teacher.runId, ...common }));
    io.out('');
    io.out((await studio.call('runs.report', { datasets: ['cross-subject'] })).markdown);
  },
};
