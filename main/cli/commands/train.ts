/** vskd train teacher | train student | distill: training runs from the command line, through runs.start and the run's job. */
import type { EventPayload, MethodArgs } from '../../shared/contract.ts';
import { DEFAULT_WEIGHTS, METHOD_NAMES, WEIGHT_OPTIONS, type WeightOption } from '../../shared/lossMethods.ts';
import { backendChoices, gafMethods, gafVariants, optimiserNames, scheduleNames, teacherInputs } from '../../shared/trainSettings.ts';
import { defaultJob } from '../../train/runs.ts';
import type { StudioClient } from '../client.ts';
import {
  oneOf,
  optionalNumber,
  optionalString,
  optionalWhole,
  progressBar,
  UsageError,
  type CliIO,
  type Command,
  type OptionSpec,
  type OptionValues,
} from '../command.ts';

type StartArgs = MethodArgs<'runs.start'>;

const commonOptions: OptionSpec = {
  dataset: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'weight-decay': { type: 'string' },
  optimiser: { type: 'string' },
  schedule: { type: 'string' },
  seed: { type: 'string' },
  patience: { type: 'string' },
  backend: { type: 'string' },
  'init-from': { type: 'string' },
  resume: { type: 'string' },
};

const commonHelp = [
  '  --dataset NAME      the dataset (vskd dataset create); required unless --resume',
  `  --epochs N          (default ${defaultJob.epochs})    --batch N (default ${defaultJob.batchSize})    --seed N (default ${defaultJob.seed})`,
  `  --lr X              (default ${defaultJob.optimiser.learningRate})    --weight-decay X (default ${defaultJob.optimiser.weightDecay})`,
  `  --optimiser ${optimiserNames.join('|')}   --schedule ${scheduleNames.join('|')} (default ${defaultJob.optimiser.optimiser}, ${defaultJob.optimiser.schedule})`,
  '  --patience N        stop after N epochs without a better validation accuracy (default: never)',
  `  --backend B         ${backendChoices.join(', ')} (default ${defaultJob.backend})`,
  '  --init-from DIR     initialise from a weights directory saved by the studio',
  '  --resume RUN        continue a cancelled or crashed run from its last checkpoint (other options ignored)',
].join('\n');

const studentOptions: OptionSpec = {
  width: { type: 'string' },
  'gaf-size': { type: 'string' },
  'gaf-method': { type: 'string' },
  'gaf-variant': { type: 'string' },
  crop: { type: 'string' },
  jitter: { type: 'string' },
  rotate: { type: 'string' },
  threads: { type: 'string' },
};
const studentHelp = [
  `  --width W           ResNet18 width multiplier (default ${defaultJob.student.width}; 1 = full width)`,
  `  --gaf-size N        GAF image side (default ${defaultJob.student.gafSize})    --gaf-method ${gafMethods.join('|')}    --gaf-variant ${gafVariants.join('|')}`,
  '  training signals are augmented each epoch before their GAF (validation and test never are):',
  `  --crop F            keep a random stretch of U(F, 1) of each window (default ${defaultJob.augment.crop}; 1: whole)`,
  `  --jitter S          add noise of S × each axis' standard deviation (default ${defaultJob.augment.jitter}; 0: none)`,
  `  --rotate D          rotate the axes by up to D degrees about a random axis (default ${defaultJob.augment.rotate}; 0: none)`,
  `  --threads N|auto    split each batch over N threads, same numbers (wasm, cpu; default ${defaultJob.threads}: the cores, up to 4, where it pays)`,
].join('\n');

/** a loss weight's command-line option: atWeight → at-weight */
const optionName = (weight: WeightOption) => weight.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The settings every run takes; what is left out falls back to the studio's defaults. */
function runSettings(values: OptionValues) {
  const dataset = optionalString(values, 'dataset');
  if (dataset === undefined) throw new UsageError('--dataset is required (vskd dataset list shows them)');
  return {
    dataset,
    seed: optionalWhole(values, 'seed'),
    epochs: optionalWhole(values, 'epochs', 1),
    batchSize: optionalWhole(values, 'batch', 2),
    patience: optionalWhole(values, 'patience'),
    backend: oneOf(values, 'backend', backendChoices),
    optimiser: oneOf(values, 'optimiser', optimiserNames),
    learningRate: optionalNumber(values, 'lr'),
    weightDecay: optionalNumber(values, 'weight-decay'),
    schedule: oneOf(values, 'schedule', scheduleNames),
    initFrom: optionalString(values, 'init-from'),
  };
}

function studentSettings(values: OptionValues) {
  return {
    width: optionalNumber(values, 'width'),
    gafSize: optionalWhole(values, 'gaf-size', 4),
    gafMethod: oneOf(values, 'gaf-method', gafMethods),
    gafVariant: oneOf(values, 'gaf-variant', gafVariants),
    augmentCrop: optionalNumber(values, 'crop'),
    augmentJitter: optionalNumber(values, 'jitter'),
    augmentRotate: optionalNumber(values, 'rotate'),
    threads: threadCount(values),
  };
}

/** --threads: a whole number of threads, or auto */
function threadCount(values: OptionValues): number | 'auto' | undefined {
  return values.threads === 'auto' ? 'auto' : optionalWhole(values, 'threads', 1);
}

/** the backend, and the threads where more than one */
const onWhat = ({ backend, threads }: { backend: string; threads: number }) => (threads > 1 ? `${backend}, ${threads} threads` : backend);

const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);

/** One line per epoch. */
function epochLine(p: EventPayload<'train.progress'>): string {
  const terms = Object.entries(p.terms)
    .map(([name, value]) => `${name} ${value === null ? '—' : value.toFixed(4)}`)
    .join(', ');
  const eta = p.etaSeconds === null ? '' : `  eta ${Math.round(p.etaSeconds)} s`;
  const speed = p.samplesPerSecond === null ? '' : `  ${p.samplesPerSecond.toFixed(1)} samples/s`;
  return `epoch ${p.epoch}/${p.epochs}  ${terms}  train acc ${percent(p.trainAccuracy)}  val acc ${percent(p.valAccuracy)}${speed}${eta}  [${onWhat(p)}]`;
}

/** a line within an epoch at most this often: an epoch of the full-width student takes minutes */
const STEP_LINE_MS = 30_000;

/** Where an epoch stands: steps done, samples/s so far, time left in the run. */
function stepLine(p: EventPayload<'train.progress'>): string {
  const speed = p.samplesPerSecond === null ? '' : `  ${p.samplesPerSecond.toFixed(1)} samples/s`;
  const eta = p.etaSeconds === null ? '' : `  eta ${Math.round(p.etaSeconds)} s`;
  return `epoch ${p.epoch}/${p.epochs}  step ${p.step}/${p.steps}${speed}${eta}`;
}

/**
 * Prints a run's progress: every epoch's line, and between them a step line once `everyMs` passed
 * without a line (counted from the first progress), so that a long epoch is not silent.
 */
export function progressLines(out: (line: string) => void, everyMs = STEP_LINE_MS, now = () => performance.now()): (p: EventPayload<'train.progress'>) => void {
  let lastLine: number | null = null;
  return (p) => {
    const time = now();
    lastLine ??= time;
    if (p.epochEnd) out(epochLine(p));
    else if (time - lastLine >= everyMs) out(stepLine(p));
    else return;
    lastLine = time;
  };
}

/** Follows run `runId`'s job to its end: its preparation, an epoch a line (and step lines in long epochs), its log; then its outcome. */
export async function followRun(studio: StudioClient, io: CliIO, file: string, { runId, job }: { runId: number; job: string }): Promise<void> {
  const started = new Map<string, number>();
  const progress = progressLines((l) => io.out(l));
  const stops = [
    studio.on('train.progress', (p) => p.runId === runId && progress(p)),
    studio.on('train.log', (l) => l.runId === runId && io.out(l.line)),
    studio.on('train.preparing', (p) => {
      if (p.runId !== runId || p.total === 0) return;
      if (p.done === 0 && !started.has(p.what)) {
        started.set(p.what, performance.now());
        io.out(`preparing ${p.what} (${p.total})`);
      } else if (p.done === p.total && started.has(p.what)) {
        io.out(`${p.what} ready in ${((performance.now() - started.get(p.what)!) / 1000).toFixed(1)} s`);
        started.delete(p.what);
      }
    }),
  ];
  try {
    const end = await studio.job(job, progressBar(io, `run ${runId}`));
    const result = end.kind === 'train' ? end.result : undefined;
    const { run } = await studio.call('runs.get', { runId });
    const test = run.test ? `, test accuracy ${percent(run.test.accuracy)}, macro-F1 ${percent(run.test.macroF1)}` : '';
    const status = result?.status ?? end.status;
    const how = result ? ` on ${onWhat(result)} in ${result.seconds.toFixed(0)} s` : '';
    const best =
      run.bestValAccuracy === null
        ? 'no validation split'
        : `best validation accuracy ${percent(run.bestValAccuracy)}${result ? ` (epoch ${result.bestEpoch})` : ''}`;
    io.out(`run ${runId} ${status}${how}: ${best}${test}`);
    if (status === 'cancelled') io.out(`resume with: vskd ${run.kind === 'teacher' ? 'train teacher' : 'train student'} ${file} --resume ${runId}`);
  } finally {
    for (const stop of stops) stop();
  }
}

/** Starts (or, with --resume, resumes) a run and follows it. */
async function startOrResume(file: string, values: OptionValues, io: CliIO, studio: StudioClient, args: () => StartArgs): Promise<void> {
  await studio.call('project.open', { path: file });
  const resume = optionalWhole(values, 'resume', 1);
  const started = resume !== undefined ? { ...(await studio.call('runs.resume', { runId: resume })), warning: null } : await studio.call('runs.start', args());
  if (started.warning) io.err(`warning: ${started.warning}`);
  io.out(`run ${started.runId}: ${resume !== undefined ? 'resumed' : 'started'}`);
  await followRun(studio, io, file, started);
}

export const trainTeacherCommand: Command = {
  usage: 'vskd train teacher <project.vskd> --dataset NAME [--inputs pose,frames] [--segments 8] [options]',
  help: [
    '  --inputs LIST       pose (Kinect skeleton), frames (the video), or pose,frames (fused); default pose',
    `  --segments K        segments sampled per clip (default ${defaultJob.teacher.segments})`,
    `  --frame-size N      side of the decoded frames for the frames input (default ${defaultJob.teacher.frameSize})`,
    commonHelp,
  ].join('\n'),
  positionals: 1,
  options: { ...commonOptions, inputs: { type: 'string' }, segments: { type: 'string' }, 'frame-size': { type: 'string' } },
  async run([file], values, io, studio) {
    await startOrResume(file, values, io, studio, () => {
      const inputs = (optionalString(values, 'inputs') ?? 'pose').split(',').map((s) => s.trim());
      const known = teacherInputs.filter((i) => inputs.includes(i));
      if (known.length === 0 || known.length !== inputs.length) throw new UsageError(`--inputs lists ${teacherInputs.join(' and/or ')}`);
      return {
        kind: 'teacher',
        ...runSettings(values),
        inputs: known,
        segments: optionalWhole(values, 'segments', 1),
        frameSize: optionalWhole(values, 'frame-size', 8),
      };
    });
  },
};

export const trainStudentCommand: Command = {
  usage: 'vskd train student <project.vskd> --dataset NAME [--width 0.25] [--gaf-size 32] [options]',
  help: [studentHelp, commonHelp].join('\n'),
  positionals: 1,
  options: { ...commonOptions, ...studentOptions },
  async run([file], values, io, studio) {
    await startOrResume(file, values, io, studio, () => ({ kind: 'student', method: 'baseline', ...runSettings(values), ...studentSettings(values) }));
  },
};

export const distillCommand: Command = {
  usage: `vskd distill <project.vskd> --dataset NAME --teacher RUN --method ${METHOD_NAMES.filter((m) => m !== 'baseline').join('|')} [options]`,
  help: [
    '  --teacher RUN       the teacher run whose best weights teach',
    '  --method M          dask = CE + α·KD + β·(RKD distance + angle) + γ·semantic; st = CE + α·KD;',
    '                      at, sp; ablations ask (no D), dsk (no A), sk (no D, A), dak (no S)',
    `  --alpha A --beta B --gamma G --temperature T   loss weights (defaults: VSKD code, ${[DEFAULT_WEIGHTS.alpha, DEFAULT_WEIGHTS.beta, DEFAULT_WEIGHTS.gamma, DEFAULT_WEIGHTS.temperature].join(', ')})`,
    `  --at-weight W --sp-weight W   the AT and SP terms' weights (defaults: RepDistiller, ${DEFAULT_WEIGHTS.atWeight}, ${DEFAULT_WEIGHTS.spWeight})`,
    studentHelp,
    commonHelp,
  ].join('\n'),
  positionals: 1,
  options: {
    ...commonOptions,
    ...studentOptions,
    teacher: { type: 'string' },
    method: { type: 'string' },
    ...Object.fromEntries(WEIGHT_OPTIONS.map((name) => [optionName(name), { type: 'string' as const }])),
  },
  async run([file], values, io, studio) {
    await startOrResume(file, values, io, studio, () => {
      const distilling = METHOD_NAMES.filter((m) => m !== 'baseline');
      const method = oneOf(values, 'method', distilling);
      if (method === undefined) throw new UsageError(`--method is required: one of ${distilling.join(', ')} (the baseline is vskd train student)`);
      const teacherRunId = optionalWhole(values, 'teacher', 1);
      if (teacherRunId === undefined) throw new UsageError('--teacher RUN is required');
      const weights = Object.fromEntries(
        WEIGHT_OPTIONS.flatMap((name) => {
          const value = optionalNumber(values, optionName(name));
          return value === undefined ? [] : [[name, value]];
        }),
      );
      return { kind: 'student', method, teacherRunId, ...runSettings(values), ...studentSettings(values), ...weights };
    });
  },
};
