/**
 * The API of datasets and training runs over the open project. A run trains in a worker thread as a job
 * of the one job manager (slot 'training': one run at a time, since a run takes the whole backend), holding
 * the lease `run:<id>` in the project file so that no other process trains it at the same time.
 */
import { planDataset } from '../datasets/datasetPlan.ts';
import type { EventPayload, MethodResult } from '../shared/contract.ts';
import { StudioError } from '../shared/errors.ts';
import { WEIGHT_OPTIONS } from '../shared/lossMethods.ts';
import { createDataset, findDataset, listDatasets, type DatasetSummary } from '../store/datasets.ts';
import type { Database, Queryable } from '../store/db.ts';
import { acquireLease, describeLease, leaseHolder, releaseLease, type Lease } from '../store/leases.ts';
import { getArtifact, getRun, listRuns, runEpochs, type RunSummary } from '../store/runs.ts';
import type { TrainJob, TrainPreparation, TrainProgress } from '../train/job.ts';
import { compareRuns, markdownTable } from '../train/report.ts';
import { runTrainingWorker } from '../train/runInWorker.ts';
import { defaultJob, finishedRunResults, markRunCrashed, prepareRun, resumeJob, rowLabel, weakTeacherWarning, type JobRequest } from '../train/runs.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

/** JSON has no NaN or Infinity: null says "no number" the same over IPC and the web mode */
const finite = (value: number | null | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

/** what an epoch's stored metrics (and an epoch-end progress's terms) hold besides the loss terms */
const notLosses = new Set(['trainAccuracy', 'valAccuracy', 'learningRate', 'samplesPerSecond']);

function losses(metrics: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(metrics)
      .filter(([name]) => !notLosses.has(name))
      .map(([name, value]) => [name, finite(value)]),
  );
}

function progressEvent(p: TrainProgress): EventPayload<'train.progress'> {
  return {
    runId: p.runId,
    epoch: p.epoch,
    epochs: p.epochs,
    step: p.step,
    steps: p.steps,
    epochEnd: p.valAccuracy !== undefined,
    terms: losses(p.terms),
    trainAccuracy: finite(p.trainAccuracy),
    valAccuracy: finite(p.valAccuracy),
    samplesPerSecond: finite(p.samplesPerSecond),
    etaSeconds: finite(p.etaSeconds),
    backend: p.backend,
    threads: p.threads,
  };
}

/** as the trainer stored it: JSON, so NaN scores read back as null */
type Evaluation = NonNullable<MethodResult<'runs.get'>['evaluation']>;

async function evaluationOf(db: Queryable, runId: number): Promise<Evaluation | null> {
  const artifact = await getArtifact(db, runId, 'evaluation');
  return artifact ? (JSON.parse(artifact.data.toString()) as Evaluation) : null;
}

/**
 * What the run's kept weights were selected by: the first epoch of the best validation accuracy (the trainer
 * replaces its best weights only on a better score), or the last epoch where no epoch had a validation score.
 */
function selectionOf(epochs: { epoch: number; metrics: Record<string, number> }[]): string | null {
  if (epochs.length === 0) return null;
  const scored = epochs.filter((e) => Number.isFinite(e.metrics.valAccuracy));
  if (scored.length === 0) return `last epoch (${epochs.at(-1)!.epoch}): no validation split`;
  const best = scored.reduce((a, b) => (b.metrics.valAccuracy > a.metrics.valAccuracy ? b : a));
  return `best validation accuracy (epoch ${best.epoch})`;
}

type StartArgs = Parameters<DomainHandlers<'training'>['runs.start']>[0];

/** The job request of runs.start's arguments, the CLI's defaults filling what they leave out. */
function jobRequest(args: StartArgs, datasetId: number): JobRequest {
  const d = defaultJob;
  const base = {
    ...d,
    dataset: datasetId,
    seed: args.seed ?? d.seed,
    epochs: args.epochs ?? d.epochs,
    batchSize: args.batchSize ?? d.batchSize,
    patience: args.patience ?? d.patience,
    backend: args.backend ?? d.backend,
    initFrom: args.initFrom ?? d.initFrom,
    optimiser: {
      optimiser: args.optimiser ?? d.optimiser.optimiser,
      learningRate: args.learningRate ?? d.optimiser.learningRate,
      weightDecay: args.weightDecay ?? d.optimiser.weightDecay,
      schedule: args.schedule ?? d.optimiser.schedule,
    },
  };
  if (args.kind === 'teacher') {
    const teacher = {
      inputs: args.inputs ?? d.teacher.inputs,
      segments: args.segments ?? d.teacher.segments,
      frameSize: args.frameSize ?? d.teacher.frameSize,
    };
    // the augmentation is the student's: a teacher's run records none
    return { ...base, kind: 'teacher', method: 'baseline', teacherRunId: null, teacher, augment: undefined, threads: undefined };
  }
  const loss = Object.fromEntries(WEIGHT_OPTIONS.flatMap((name) => (args[name] === undefined ? [] : [[name, args[name]]])));
  const student = {
    width: args.width ?? d.student.width,
    gafSize: args.gafSize ?? d.student.gafSize,
    gafMethod: args.gafMethod ?? d.student.gafMethod,
    gafVariant: args.gafVariant ?? d.student.gafVariant,
  };
  const augment = {
    crop: args.augmentCrop ?? d.augment.crop,
    jitter: args.augmentJitter ?? d.augment.jitter,
    rotate: args.augmentRotate ?? d.augment.rotate,
  };
  const threads = args.threads ?? d.threads;
  return { ...base, kind: 'student', method: args.method, teacherRunId: args.teacherRunId ?? null, student, augment, threads, loss };
}

/** the run an argument names; NOT_FOUND names the argument */
async function runOf(db: Queryable, runId: number, field: 'runId' | 'teacherRunId'): Promise<RunSummary> {
  try {
    return await getRun(db, runId);
  } catch (err) {
    if (err instanceof StudioError && err.code === 'NOT_FOUND') throw new StudioError('NOT_FOUND', `${field}: no run with id ${runId}`, { field });
    throw err;
  }
}

/** A teacher a student may distil from: a teacher run of the same dataset that has best weights. */
async function checkTeacher(db: Queryable, teacherRunId: number, dataset: DatasetSummary): Promise<void> {
  const teacher = await runOf(db, teacherRunId, 'teacherRunId');
  if (teacher.kind !== 'teacher')
    throw new StudioError('INVALID_ARGUMENT', `teacherRunId: run ${teacherRunId} is a ${teacher.kind} run, not a teacher`, { field: 'teacherRunId' });
  // the teacher scores the student's training recordings: one trained on another split may have seen the student's test recordings
  if (teacher.datasetId !== dataset.id) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `teacherRunId: teacher run ${teacherRunId} was trained on another dataset than ${dataset.name}: distil on the teacher's own dataset`,
      { field: 'teacherRunId' },
    );
  }
  if (!(await getArtifact(db, teacherRunId, 'best'))) {
    throw new StudioError('NOT_FOUND', `teacherRunId: teacher run ${teacherRunId} has no trained weights yet (status ${teacher.status})`, {
      field: 'teacherRunId',
    });
  }
}

type RunRow = MethodResult<'runs.list'>[number];
type RunEnded = { runId: number; status: 'done' | 'cancelled'; backend: TrainProgress['backend']; threads: number; bestEpoch: number; seconds: number };

/** progress of the steps within an epoch, at most this often; every epoch's end is always sent */
const STEP_PROGRESS_MS = 100;

const runLease = (runId: number) => `run ${runId}`;
const describeHolder = (lease: Lease | null) => lease && describeLease(lease);

export function trainingHandlers(context: ServiceContext): DomainHandlers<'training'> {
  const { emit, jobs } = context;
  /** the runs this studio trains now: `<project path>#<run id>` → the run and its job */
  const active = new Map<string, { runId: number; job: string }>();
  const activeKey = (runId: number) => `${context.project().path}#${runId}`;

  /** Trains `job` in a worker, reporting train.* and the job's progress; records a crash as a failed run. */
  async function train(job: TrainJob, signal: AbortSignal, progress: (done: number, total: number, message: string) => void): Promise<RunEnded> {
    let lastStep = -Infinity;
    // at most one update per STEP_PROGRESS_MS, except those that end something (an epoch, a preparation)
    const throttled = (ends: boolean) => {
      const now = performance.now();
      if (!ends && now - lastStep < STEP_PROGRESS_MS) return false;
      lastStep = now;
      return true;
    };
    const onProgress = (p: TrainProgress) => {
      progress((p.epoch - 1) * p.steps + p.step, p.epochs * p.steps, `epoch ${p.epoch}/${p.epochs}`);
      if (throttled(p.valAccuracy !== undefined)) emit('train.progress', progressEvent(p));
    };
    const onPreparing = (p: TrainPreparation) => {
      progress(p.done, p.total, `preparing ${p.what}`);
      if (throttled(p.done === 0 || p.done === p.total)) emit('train.preparing', p);
    };
    try {
      const result = await runTrainingWorker(job, { onProgress, onPreparing, onLog: (line) => emit('train.log', { runId: job.runId, line }), signal });
      emit('train.ended', { runId: job.runId, status: result.status });
      return {
        runId: job.runId,
        status: result.status,
        backend: result.backend,
        threads: result.threads,
        bestEpoch: result.bestEpoch,
        seconds: result.seconds,
      };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      // the trainer records its own failures; a worker that died, or a backend that never started, cannot
      await markRunCrashed(job.projectPath, job.runId, error).catch(() => undefined);
      emit('train.ended', { runId: job.runId, status: 'failed', error });
      throw err;
    }
  }

  /** Starts the job that prepares (creates or reads) a run and trains it; resolves with the run's id once it is stored. */
  async function startTraining(title: string, prepare: () => Promise<TrainJob>, lease?: number): Promise<{ runId: number; job: string }> {
    const { db } = context.project();
    // the manager's slot refuses a second run too; this says which run holds it
    const [busy] = active.values();
    if (busy) throw new StudioError('CONFLICT', `run ${busy.runId} is training: cancel it or wait for it to end before starting another`, { field: 'run' });
    let stored!: (runId: number) => void;
    const prepared = new Promise<number>((resolve) => (stored = resolve));
    const spec = {
      kind: 'train' as const,
      title,
      slot: 'training',
      ...(lease !== undefined ? { lease: { db, resource: runLease(lease), holder: context.holder } } : {}),
    };
    let refused: unknown = null;
    const job = await jobs.start(spec, async ({ signal, progress }) => {
      const trainJob = await prepare().catch((err: unknown) => {
        refused = err;
        throw err;
      });
      const key = activeKey(trainJob.runId);
      // a new run is this process's alone once stored; a resumed one holds its lease from the start
      if (lease === undefined) await acquireLease(db, runLease(trainJob.runId), context.holder);
      active.set(key, { runId: trainJob.runId, job });
      stored(trainJob.runId);
      try {
        return await train(trainJob, signal, progress);
      } finally {
        active.delete(key);
        if (lease === undefined) await releaseLease(db, runLease(trainJob.runId));
      }
    });
    // the run is stored, or the job ended before it was (a refused or failed preparation)
    const runId = await Promise.race([
      prepared,
      jobs.wait(job).then((end) => {
        if (refused) throw refused;
        if (end.status === 'done') return prepared;
        throw new StudioError(end.status === 'cancelled' ? 'CANCELLED' : 'INTERNAL', end.error ?? `${title}: ${end.status}`);
      }),
    ]);
    return { runId, job };
  }

  async function row(db: Database, run: RunSummary, datasets: DatasetSummary[]): Promise<RunRow> {
    const epochs = await runEpochs(db, run.id);
    const evaluation = await getArtifact(db, run.id, 'evaluation');
    const dataset = datasets.find((d) => d.id === run.datasetId);
    const valAccuracies = epochs.map((e) => e.metrics.valAccuracy).filter(Number.isFinite);
    const test = evaluation?.meta as { accuracy: number | null; macroF1: number | null } | undefined;
    const config = (name: string) => (typeof run.config[name] === 'number' ? (run.config[name] as number) : null);
    const isActive = active.has(activeKey(run.id));
    return {
      id: run.id,
      kind: run.kind,
      method: run.method,
      label: rowLabel(run),
      status: run.status,
      active: isActive,
      heldBy: run.status === 'running' && !isActive ? describeHolder(await leaseHolder(db, runLease(run.id))) : null,
      backend: run.backend,
      datasetId: run.datasetId,
      dataset: dataset?.name ?? null,
      protocol: dataset?.protocol ?? null,
      teacherRunId: config('teacherRunId'),
      seed: config('seed'),
      epochs: config('epochs'),
      epochsRun: epochs.length,
      bestValAccuracy: valAccuracies.length ? Math.max(...valAccuracies) : null,
      selection: selectionOf(epochs),
      test: test ? { accuracy: finite(test.accuracy), macroF1: finite(test.macroF1) } : null,
      error: run.error,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    };
  }

  return {
    'datasets.list': async () => listDatasets(context.project().db),
    'datasets.preview': async (recipe) => (await planDataset(context.project().db, recipe)).preview,
    'datasets.create': async ({ name, ...recipe }) => {
      const { db } = context.project();
      const plan = await planDataset(db, recipe);
      if (plan.preview.splits.train.total === 0) {
        throw new StudioError('BAD_INPUT', `${plan.preview.description} puts none of the project's samples in training`, {
          field: recipe.protocol ? 'protocol' : 'split',
        });
      }
      const stored = { name, protocol: plan.protocol, config: plan.config, members: plan.members, windows: plan.windows };
      return { ...(await findDataset(db, await createDataset(db, stored))), preview: plan.preview };
    },
    'runs.list': async () => {
      const { db } = context.project();
      const datasets = await listDatasets(db);
      return Promise.all((await listRuns(db)).map((run) => row(db, run, datasets)));
    },
    'runs.get': async ({ runId }) => {
      const { db } = context.project();
      const run = await runOf(db, runId, 'runId');
      const epochs = (await runEpochs(db, runId)).map(({ epoch, metrics }) => ({
        epoch,
        losses: losses(metrics),
        trainAccuracy: finite(metrics.trainAccuracy),
        valAccuracy: finite(metrics.valAccuracy),
        learningRate: finite(metrics.learningRate),
        samplesPerSecond: finite(metrics.samplesPerSecond),
      }));
      return { run: await row(db, run, await listDatasets(db)), config: run.config, epochs, evaluation: await evaluationOf(db, runId) };
    },
    'runs.start': async (args) => {
      const { db, path } = context.project();
      const dataset = await findDataset(db, args.dataset);
      const teacherRunId = args.kind === 'student' ? args.teacherRunId : undefined;
      if (teacherRunId !== undefined) await checkTeacher(db, teacherRunId, dataset);
      const warning = teacherRunId === undefined ? null : await weakTeacherWarning(path, teacherRunId, dataset.id);
      const what = args.kind === 'teacher' ? 'teacher' : `student ${args.method}`;
      const started = await startTraining(`Training the ${what} on ${dataset.name}`, () => prepareRun(path, jobRequest(args, dataset.id)));
      return { ...started, warning };
    },
    'runs.cancel': async ({ runId }) => {
      const { db } = context.project();
      const training = active.get(activeKey(runId));
      if (training && jobs.cancel(training.job)) return { runId };
      const run = await runOf(db, runId, 'runId');
      const holder = describeHolder(await leaseHolder(db, runLease(runId)));
      const where = holder ? `it is trained by ${holder}` : `status ${run.status}`;
      throw new StudioError('CONFLICT', `runId: run ${runId} is not training in this process (${where})`, { field: 'runId' });
    },
    'runs.resume': async ({ runId }) => {
      const { db, path } = context.project();
      const run = await runOf(db, runId, 'runId');
      if (active.has(activeKey(runId))) throw new StudioError('CONFLICT', `runId: run ${runId} is training in this studio already`, { field: 'runId' });
      if (run.status === 'done') throw new StudioError('CONFLICT', `runId: run ${runId} is done; nothing to resume`, { field: 'runId' });
      // two trainers on one run would interleave their epochs and checkpoints: the lease refuses a run another live process trains
      return startTraining(`Training run ${runId} (resumed)`, () => resumeJob(path, runId), runId);
    },
    'runs.report': async ({ datasets: refs }) => {
      const { db } = context.project();
      const datasets = refs ? await Promise.all(refs.map((ref) => findDataset(db, ref))) : await listDatasets(db);
      const results = await finishedRunResults(db, datasets);
      const comparison = compareRuns(results);
      const summary = ({ mean, std }: { mean: number; std: number }) => ({ mean: finite(mean), std: finite(std) });
      const { methods, protocols } = comparison;
      const rows = comparison.rows.map((r) => ({ ...r, accuracy: summary(r.accuracy), macroF1: summary(r.macroF1) }));
      return { markdown: results.length ? markdownTable(results) : '', methods, protocols, rows };
    },
  };
}
