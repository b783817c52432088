/** vskd train teacher | train student | distill | eval | report: training runs from the command line. */
import { StudioError } from '../../shared/errors.ts';
import { findDataset, listDatasets } from '../../store/datasets.ts';
import { closeProject, openProject } from '../../store/project.ts';
import { getArtifact, getRun } from '../../store/runs.ts';
import type { BackendChoice, TrainJob, TrainPreparation, TrainProgress } from '../../train/job.ts';
import { DEFAULT_WEIGHTS, isMethodName, METHOD_NAMES, WEIGHT_OPTIONS, type MethodName, type WeightOption } from '../../shared/lossMethods.ts';
import { markdownTable } from '../../train/report.ts';
import { runTrainingWorker } from '../../train/runInWorker.ts';
import { defaultJob, finishedRunResults, markRunCrashed, prepareRun, resumeJob, runOutcome, weakTeacherWarning, type JobRequest } from '../../train/runs.ts';
import { optionalNumber, UsageError, type CliIO, type Command, type OptionSpec, type OptionValues } from '../command.ts';

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
  '  --optimiser adam|sgd   --schedule cosine|step|constant (default adam, cosine)',
  '  --patience N        stop after N epochs without a better validation accuracy (default: never)',
  '  --backend B         auto (default), tensorflow, webgpu, wasm or cpu',
  '  --init-from DIR     initialise from a weights directory saved by the studio',
  '  --resume RUN        continue a cancelled or crashed run from its last checkpoint (other options ignored)',
].join('\n');

const studentOptions: OptionSpec = { width: { type: 'string' }, 'gaf-size': { type: 'string' }, 'gaf-method': { type: 'string' }, 'gaf-variant': { type: 'string' } };
const studentHelp = [
  `  --width W           ResNet18 width multiplier (default ${defaultJob.student.width}; 1 = full width)`,
  `  --gaf-size N        GAF image side (default ${defaultJob.student.gafSize})    --gaf-method summation|difference    --gaf-variant pyts|vskd`,
].join('\n');

function oneOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[], fallback: T): T {
  const value = values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} is one of ${allowed.join(', ')}`);
  return value as T;
}

/** a loss weight's command-line option: atWeight → at-weight */
const optionName = (weight: WeightOption) => weight.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function numberOr(values: OptionValues, name: string, fallback: number): number {
  return optionalNumber(values, name) ?? fallback;
}

function baseRequest(values: OptionValues): Omit<JobRequest, 'kind' | 'method' | 'teacherRunId'> {
  const dataset = values.dataset;
  if (typeof dataset !== 'string') throw new UsageError('--dataset is required (vskd dataset list shows them)');
  return {
    ...defaultJob,
    dataset,
    seed: numberOr(values, 'seed', defaultJob.seed),
    epochs: numberOr(values, 'epochs', defaultJob.epochs),
    batchSize: numberOr(values, 'batch', defaultJob.batchSize),
    patience: numberOr(values, 'patience', defaultJob.patience),
    backend: oneOf<BackendChoice>(values, 'backend', ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'], 'auto'),
    optimiser: {
      optimiser: oneOf(values, 'optimiser', ['adam', 'sgd'], defaultJob.optimiser.optimiser),
      learningRate: numberOr(values, 'lr', defaultJob.optimiser.learningRate),
      weightDecay: numberOr(values, 'weight-decay', defaultJob.optimiser.weightDecay),
      schedule: oneOf(values, 'schedule', ['cosine', 'step', 'constant'], defaultJob.optimiser.schedule),
    },
    student: {
      width: numberOr(values, 'width', defaultJob.student.width),
      gafSize: numberOr(values, 'gaf-size', defaultJob.student.gafSize),
      gafMethod: oneOf(values, 'gaf-method', ['summation', 'difference'], defaultJob.student.gafMethod),
      gafVariant: oneOf(values, 'gaf-variant', ['pyts', 'vskd'], defaultJob.student.gafVariant),
    },
    initFrom: (values['init-from'] as string | undefined) ?? null,
  };
}

function progressPrinter(io: CliIO) {
  return (p: TrainProgress) => {
    if (p.valAccuracy === undefined) return; // one line per epoch
    const terms = Object.entries(p.terms)
      .filter(([k]) => !['trainAccuracy', 'valAccuracy', 'learningRate', 'samplesPerSecond'].includes(k))
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(', ');
    io.out(`epoch ${p.epoch}/${p.epochs}  ${terms}  train acc ${(100 * p.trainAccuracy).toFixed(1)}%  val acc ${(100 * p.valAccuracy).toFixed(1)}%  ${p.samplesPerSecond.toFixed(1)} samples/s  eta ${Math.round(p.etaSeconds)} s  [${p.backend}]`);
  };
}

/** A line when each input starts being prepared and one when it is ready (with its time). */
function preparationPrinter(io: CliIO) {
  const started = new Map<string, number>();
  return (p: TrainPreparation) => {
    if (p.total === 0) return;
    if (p.done === 0 && !started.has(p.what)) {
      started.set(p.what, performance.now());
      io.out(`preparing ${p.what} (${p.total})`);
    } else if (p.done === p.total && started.has(p.what)) {
      io.out(`${p.what} ready in ${((performance.now() - started.get(p.what)!) / 1000).toFixed(1)} s`);
      started.delete(p.what);
    }
  };
}

/** Runs the job in a worker; Ctrl-C cancels (the run keeps its last checkpoint for --resume). */
export async function train(job: TrainJob, io: CliIO): Promise<void> {
  io.out(`run ${job.runId}: ${job.kind} ${job.method}, dataset ${job.datasetId}, seed ${job.seed}, ${job.epochs} epochs`);
  const abort = new AbortController();
  const cancel = () => {
    io.err('cancelling: finishing the current step (Ctrl-C again to quit at once)');
    process.off('SIGINT', cancel);
    abort.abort();
  };
  process.on('SIGINT', cancel);
  try {
    const result = await runTrainingWorker(job, { onProgress: progressPrinter(io), onPreparing: preparationPrinter(io), onLog: (line) => io.out(line), signal: abort.signal }).catch(async (err) => {
      await markRunCrashed(job.projectPath, job.runId, err instanceof Error ? err.message : String(err));
      throw err;
    });
    const outcome = await runOutcome(job.projectPath, job.runId);
    io.out(
      `run ${job.runId} ${result.status} on ${result.backend} in ${result.seconds.toFixed(0)} s: best validation accuracy ${(100 * result.bestValAccuracy).toFixed(1)}% (epoch ${result.bestEpoch})` +
        (outcome.test ? `, test accuracy ${(100 * outcome.test.accuracy).toFixed(2)}%, macro-F1 ${(100 * outcome.test.macroF1).toFixed(2)}%` : ''),
    );
    if (result.status === 'cancelled') io.out(`resume with: vskd ${job.kind === 'teacher' ? 'train teacher' : 'train student'} ${job.projectPath} --resume ${job.runId}`);
  } finally {
    process.off('SIGINT', cancel);
  }
}

async function resumeOr(file: string, values: OptionValues, io: CliIO, request: () => JobRequest): Promise<void> {
  const resume = optionalNumber(values, 'resume');
  const job = resume !== undefined ? await resumeJob(file, resume) : await prepareRun(file, request());
  await train(job, io);
}

export const trainTeacherCommand: Command = {
  path: ['train', 'teacher'],
  summary: 'train the video teacher (per-frame encoder + multi-scale TRN over segments)',
  usage: 'vskd train teacher <project.vskd> --dataset NAME [--inputs pose,frames] [--segments 8] [options]',
  help: [
    '  --inputs LIST       pose (Kinect skeleton), frames (the video), or pose,frames (fused); default pose',
    `  --segments K        segments sampled per clip (default ${defaultJob.teacher.segments})`,
    `  --frame-size N      side of the decoded frames for the frames input (default ${defaultJob.teacher.frameSize})`,
    commonHelp,
  ].join('\n'),
  positionals: 1,
  options: { ...commonOptions, inputs: { type: 'string' }, segments: { type: 'string' }, 'frame-size': { type: 'string' } },
  async run([file], values, io) {
    await resumeOr(file, values, io, () => {
      const inputs = ((values.inputs as string | undefined) ?? 'pose').split(',').map((s) => s.trim());
      if (inputs.length === 0 || inputs.some((i) => i !== 'pose' && i !== 'frames')) throw new UsageError('--inputs lists pose and/or frames');
      return {
        ...baseRequest(values),
        kind: 'teacher',
        method: 'baseline',
        teacherRunId: null,
        teacher: { inputs: inputs as ('pose' | 'frames')[], segments: numberOr(values, 'segments', defaultJob.teacher.segments), frameSize: numberOr(values, 'frame-size', defaultJob.teacher.frameSize) },
      };
    });
  },
};

export const trainStudentCommand: Command = {
  path: ['train', 'student'],
  summary: 'train the accelerometer student (ResNet18 on GAF images) with cross-entropy only: the baseline',
  usage: 'vskd train student <project.vskd> --dataset NAME [--width 0.25] [--gaf-size 32] [options]',
  help: [studentHelp, commonHelp].join('\n'),
  positionals: 1,
  options: { ...commonOptions, ...studentOptions },
  async run([file], values, io) {
    await resumeOr(file, values, io, () => ({ ...baseRequest(values), kind: 'student', method: 'baseline', teacherRunId: null }));
  },
};

export const distillCommand: Command = {
  path: ['distill'],
  summary: 'distil a trained teacher into the accelerometer student (dask, st, at, sp, ablations)',
  usage: `vskd distill <project.vskd> --dataset NAME --teacher RUN --method ${METHOD_NAMES.join('|')} [options]`,
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
  options: { ...commonOptions, ...studentOptions, teacher: { type: 'string' }, method: { type: 'string' }, ...Object.fromEntries(WEIGHT_OPTIONS.map((name) => [optionName(name), { type: 'string' as const }])) },
  async run([file], values, io) {
    if (values.resume !== undefined) return resumeOr(file, values, io, () => ({}) as JobRequest);
    const method = values.method;
    if (typeof method !== 'string' || !isMethodName(method) || method === 'baseline') {
      throw new UsageError(`--method is one of ${METHOD_NAMES.filter((m) => m !== 'baseline').join(', ')} (the baseline is vskd train student)`);
    }
    const teacherRunId = optionalNumber(values, 'teacher');
    if (teacherRunId === undefined) throw new UsageError('--teacher RUN is required');
    const loss = Object.fromEntries(WEIGHT_OPTIONS.flatMap((name) => {
      const value = optionalNumber(values, optionName(name));
      return value === undefined ? [] : [[name, value]];
    }));
    const job = await prepareRun(file, { ...baseRequest(values), kind: 'student', method: method as MethodName, teacherRunId, loss });
    const warning = await weakTeacherWarning(job.projectPath, teacherRunId, job.datasetId);
    if (warning) io.err(`warning: ${warning}`);
    await train(job, io);
  },
};

interface Evaluation {
  split: string;
  classes: string[];
  accuracy: number;
  macroF1: number;
  perClassRecall: number[];
  confusion: number[][];
}

export const evalCommand: Command = {
  path: ['eval'],
  summary: 'print a run\'s test-set evaluation: accuracy, macro-F1, per-class recall, confusion matrix',
  usage: 'vskd eval <project.vskd> <run> [--json]',
  help: '  --json   print the evaluation as JSON',
  positionals: 2,
  options: { json: { type: 'boolean' } },
  async run([file, runArg], values, io) {
    const project = await openProject(file);
    try {
      const run = await getRun(project.db, Number(runArg));
      const artifact = await getArtifact(project.db, run.id, 'evaluation');
      if (!artifact) throw new StudioError('NOT_FOUND', `run ${run.id} has no evaluation (status ${run.status})`, { field: 'run' });
      const evaluation = JSON.parse(artifact.data.toString()) as Evaluation;
      if (values.json) return io.out(JSON.stringify(evaluation, null, 2));
      io.out(`run ${run.id} (${run.kind} ${run.method}, backend ${run.backend}) on the ${evaluation.split} split:`);
      io.out(`accuracy ${(100 * evaluation.accuracy).toFixed(2)}%, macro-F1 ${(100 * evaluation.macroF1).toFixed(2)}%`);
      io.out('recall per class:');
      evaluation.classes.forEach((name, i) => io.out(`  ${name.padEnd(32)} ${Number.isNaN(evaluation.perClassRecall[i]) ? '—' : `${(100 * evaluation.perClassRecall[i]).toFixed(1)}%`}`));
      io.out('confusion (rows: true, columns: predicted):');
      evaluation.confusion.forEach((row) => io.out(`  ${row.map((n) => String(n).padStart(3)).join(' ')}`));
    } finally {
      await closeProject(project);
    }
  },
};

export const reportCommand: Command = {
  path: ['report'],
  summary: 'a Markdown table of the finished runs: mean ± std over seeds per method and protocol',
  usage: 'vskd report <project.vskd> [--dataset NAME ...]',
  help: '  --dataset NAME   only these datasets (repeatable; default all)',
  positionals: 1,
  options: { dataset: { type: 'string', multiple: true } },
  async run([file], values, io) {
    const project = await openProject(file);
    try {
      const wanted = (values.dataset as string[] | undefined) ?? (await listDatasets(project.db)).map((d) => d.name);
      const datasets = await Promise.all(wanted.map((d) => findDataset(project.db, d)));
      const results = await finishedRunResults(project.db, datasets);
      if (results.length === 0) throw new StudioError('NOT_FOUND', 'no finished runs with an evaluation to report', { field: 'runs' });
      io.out(markdownTable(results));
    } finally {
      await closeProject(project);
    }
  },
};
