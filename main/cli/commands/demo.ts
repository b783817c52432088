/**
 * vskd demo: the whole pipeline on the demo dataset, small enough for a 2-core CPU in minutes:
 * demo data → project (the clips with their ground-truth segments as annotations) → a cross-subject
 * dataset of the annotated segments → per seed a pose teacher, a baseline student and a DASK student
 * → the table over seeds, and what it does and does not show.
 */
import { join, resolve } from 'node:path';
import { optionalString, optionalWhole, progressBar, type CliIO, type Command } from '../command.ts';
import type { StudioClient } from '../client.ts';
import { importInto } from '../importInto.ts';
import { followRun } from './train.ts';

/**
 * The demo's recipe, sized for the 3 minutes a newcomer waits on a 2-core CPU (wasm): a pose teacher
 * of 4 segments (it is near perfect on the demo within a few epochs) and the ×0.125 ResNet18 student
 * on 16×16 GAF images of each action segment, trained on them as recorded.
 */
export const DEMO_RECIPE = {
  seeds: 3,
  dataset: 'cross-subject',
  valFraction: 0.2,
  teacher: { epochs: 12, batchSize: 16, segments: 4 },
  // no signal augmentation: on the demo's short segments, cropping and turning them cost validation
  // accuracy (baseline 90.0 % without, 81.7 % with the default, DASK 85.0 / 75.0 %, seeds 1-3)
  student: { epochs: 12, batchSize: 16, width: 0.125, gafSize: 16, augmentCrop: 1, augmentRotate: 0 },
} as const;

/** A teacher below this (mean test accuracy) has little to teach: the table says nothing about distillation. */
export const WEAK_TEACHER = 0.9;

interface Row {
  method: string;
  accuracy: { mean: number | null; std: number | null };
  seeds: number;
}

const points = (x: number) => `${(100 * x).toFixed(1)}`;

/** What the table lets one conclude: the teacher's strength first, then whether DASK and the baseline differ beyond their spread. */
export function demoVerdict(rows: Row[]): string[] {
  const find = (prefix: string) => rows.find((r) => r.method.startsWith(prefix) && r.accuracy.mean !== null);
  const teacher = find('teacher');
  const baseline = find('baseline');
  const dask = find('dask');
  if (!teacher || !baseline || !dask) return ['not every run finished: no comparison'];
  const lines: string[] = [];
  if (teacher.accuracy.mean! < WEAK_TEACHER) {
    lines.push(`the teacher is too weak to conclude (${points(teacher.accuracy.mean!)} % < ${points(WEAK_TEACHER)} %): it has little to pass on`);
  }
  if (Math.min(baseline.seeds, dask.seeds) < 2) {
    lines.push('one seed per method: no spread to judge the difference by (use --seeds 3)');
    return lines;
  }
  const gap = dask.accuracy.mean! - baseline.accuracy.mean!;
  // two sample standard deviations side by side: a gap inside them is within what another seed could give
  const spread = (dask.accuracy.std ?? 0) + (baseline.accuracy.std ?? 0);
  const seeds = Math.min(baseline.seeds, dask.seeds);
  if (Math.abs(gap) <= spread) {
    lines.push(
      `the spread is too wide to conclude: DASK − baseline = ${points(gap)} points, within the seeds' spread (±${points(spread)}) over ${seeds} seeds`,
    );
  } else {
    lines.push(`DASK ${gap > 0 ? 'beats' : 'trails'} the baseline by ${points(Math.abs(gap))} points over ${seeds} seeds (spread ±${points(spread)})`);
  }
  return lines;
}

/** The dataset of the project's annotated segments, split by subject (made once; a demo folder is reused). */
async function demoDataset(studio: StudioClient, io: CliIO): Promise<void> {
  const { dataset, valFraction } = DEMO_RECIPE;
  const known = (await studio.call('datasets.list', {})).find((d) => d.name === dataset);
  const made = known ?? (await studio.call('datasets.create', { name: dataset, protocol: 'cross-subject', valFraction, seed: 1, samples: 'segments' }));
  const { train, val, test } = made.counts;
  io.out(`dataset ${dataset} (${made.description}): ${train} train, ${val} val, ${test} test samples`);
}

export const demoCommand: Command = {
  usage: 'vskd demo [--out DIR] [--seeds N] [--per-class N] [--epochs N]',
  help: [
    '  --out DIR        where the demo data and project go (default ./vskd-demo; reused when present)',
    `  --seeds N        seeds 1..N of each run (default ${DEMO_RECIPE.seeds}): the table gives mean ± std over them`,
    "  --per-class N    demo clips per action when the data is made (default: the generator's)",
    `  --epochs N       epochs of each student run (default ${DEMO_RECIPE.student.epochs}; the teacher's ${DEMO_RECIPE.teacher.epochs})`,
    '',
    'Odd subjects train, even subjects test; validation (model selection) is a share of the training',
    'segments, never the test subjects. Ends by saying whether the table supports a conclusion.',
  ].join('\n'),
  positionals: 0,
  options: { out: { type: 'string' }, seeds: { type: 'string' }, epochs: { type: 'string' }, 'per-class': { type: 'string' } },
  async run(_positionals, values, io, studio) {
    const dir = resolve(optionalString(values, 'out') ?? 'vskd-demo');
    const dataDir = join(dir, 'data');
    const seeds = optionalWhole(values, 'seeds', 1) ?? DEMO_RECIPE.seeds;
    const studentEpochs = optionalWhole(values, 'epochs', 1) ?? DEMO_RECIPE.student.epochs;
    const { job } = await studio.call('demo.generate', { out: dataDir, perClass: optionalWhole(values, 'per-class', 1), sessions: 0, reuse: true });
    const generated = await studio.job(job, progressBar(io, 'generating'));
    if (generated.kind === 'demo.generate' && generated.result && !generated.result.reused) io.out(`generated the demo dataset in ${dataDir}`);
    const projectPath = join(dir, 'demo.vskd');
    await importInto(studio, io, projectPath, () => studio.call('import.demo', { dir: dataDir }));
    await demoDataset(studio, io);
    const { dataset, teacher, student } = DEMO_RECIPE;
    const studentRun = {
      dataset,
      epochs: studentEpochs,
      batchSize: student.batchSize,
      width: student.width,
      gafSize: student.gafSize,
      augmentCrop: student.augmentCrop,
      augmentRotate: student.augmentRotate,
    };
    for (let seed = 1; seed <= seeds; seed++) {
      io.out(`seed ${seed} of ${seeds}`);
      const teacherRun = await studio.call('runs.start', { kind: 'teacher', dataset, seed, inputs: ['pose'], ...teacher });
      await followRun(studio, io, projectPath, teacherRun);
      await followRun(studio, io, projectPath, await studio.call('runs.start', { kind: 'student', method: 'baseline', seed, ...studentRun }));
      await followRun(
        studio,
        io,
        projectPath,
        await studio.call('runs.start', { kind: 'student', method: 'dask', teacherRunId: teacherRun.runId, seed, ...studentRun }),
      );
    }
    const report = await studio.call('runs.report', { datasets: [dataset] });
    io.out('');
    io.out(report.markdown);
    for (const line of demoVerdict(report.rows)) io.out(line);
  },
};
