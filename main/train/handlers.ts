/**
 * The API handlers of datasets and training runs, over the service's open project: the runs' records
 * are read on the project's connection, the jobs train in worker threads (jobs.ts) with their own.
 */
import type { EventName, EventPayload, MethodResult, StudioHandlers } from '../shared/contract.ts';
import { splitByProtocol } from '../datasets/protocols.ts';
import { StudioError } from '../shared/errors.ts';
import { createDataset, findDataset, listDatasets, type DatasetSummary } from '../store/datasets.ts';
import type { Queryable } from '../store/db.ts';
import type { Project } from '../store/project.ts';
import { listRecordings } from '../store/recordings.ts';
import { getArtifact, getRun, listRuns, runEpochs, type RunSummary } from '../store/runs.ts';
import type { TrainProgress } from './job.ts';
import { createJobManager } from './jobs.ts';
import { WEIGHT_OPTIONS } from '../shared/lossMethods.ts';
import { markdownTable, meanStd } from './report.ts';
import { defaultJob, finishedRunResults, prepareRun, resumeJob, rowLabel, weakTeacherWarning, type JobRequest } from './runs.ts';

export type TrainingMethod = 'datasets.list' | 'datasets.create' | 'runs.list' | 'runs.get' | 'runs.start' | 'runs.cancel' | 'runs.resume' | 'runs.report';

export interface TrainingService {
  handlers: Pick<StudioHandlers, TrainingMethod>;
  /** cancels the running job and waits until its run is recorded as cancelled */
  dispose(): Promise<void>;
}

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** JSON has no NaN or Infinity: null says "no number" the same over IPC and the web mode */
const finite = (value: number | null | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

/** what an epoch's stored metrics (and an epoch-end progress's terms) hold besides the loss terms */
const notLosses = new Set(['trainAccuracy', 'valAccuracy', 'learningRate', 'samplesPerSecond']);

function losses(metrics: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).filter(([name]) => !notLosses.has(name)).map(([name, value]) => [name, finite(value)]));
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
  };
}

/** as the trainer stored it: JSON, so NaN scores read back as null */
type Evaluation = NonNullable<MethodResult<'runs.get'>['evaluation']>;

async function evaluationOf(db: Queryable, runId: number): Promise<Evaluation | null> {
  const artifact = await getArtifact(db, runId, 'evaluation');
  return artifact ? (JSON.parse(artifact.data.toString()) as Evaluation) : null;
}

type StartArgs = Parameters<StudioHandlers['runs.start']>[0];

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
    optimiser: {
      optimiser: args.optimiser ?? d.optimiser.optimiser,
      learningRate: args.learningRate ?? d.optimiser.learningRate,
      weightDecay: args.weightDecay ?? d.optimiser.weightDecay,
      schedule: args.schedule ?? d.optimiser.schedule,
    },
  };
  if (args.kind === 'teacher') {
    const teacher = { inputs: args.inputs ?? d.teacher.inputs, segments: args.segments ?? d.teacher.segments, frameSize: args.frameSize ?? d.teacher.frameSize };
    return { ...base, kind: 'teacher', method: 'baseline', teacherRunId: null, teacher };
  }
  const loss = Object.fromEntries(WEIGHT_OPTIONS.flatMap((name) => (args[name] === undefined ? [] : [[name, args[name]]])));
  const student = {
    width: args.width ?? d.student.width,
    gafSize: args.gafSize ?? d.student.gafSize,
    gafMethod: args.gafMethod ?? d.student.gafMethod,
    gafVariant: args.gafVariant ?? d.student.gafVariant,
  };
  return { ...base, kind: 'student', method: args.method, teacherRunId: args.teacherRunId ?? null, student, loss };
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
  if (teacher.kind !== 'teacher') throw new StudioError('INVALID_ARGUMENT', `teacherRunId: run ${teacherRunId} is a ${teacher.kind} run, not a teacher`, { field: 'teacherRunId' });
  // the teacher scores the student's training recordings: one trained on another split may have seen the student's test recordings
  if (teacher.datasetId !== dataset.id) {
    throw new StudioError('INVALID_ARGUMENT', `teacherRunId: teacher run ${teacherRunId} was trained on another dataset than ${dataset.name}: distil on the teacher's own dataset`, { field: 'teacherRunId' });
  }
  if (!(await getArtifact(db, teacherRunId, 'best'))) {
    throw new StudioError('NOT_FOUND', `teacherRunId: teacher run ${teacherRunId} has no trained weights yet (status ${teacher.status})`, { field: 'teacherRunId' });
  }
}

type RunRow = MethodResult<'runs.list'>[number];

export function trainingService(project: () => Project, emit: Emit): TrainingService {
  const jobs = createJobManager({
    progress: (progress) => emit('train.progress', progressEvent(progress)),
    preparing: (preparation) => emit('train.preparing', preparation),
    log: (runId, line) => emit('train.log', { runId, line }),
    ended: (end) => emit('train.ended', end),
  });

  async function row(db: Queryable, path: string, run: RunSummary, datasets: DatasetSummary[]): Promise<RunRow> {
    const epochs = await runEpochs(db, run.id);
    const evaluation = await getArtifact(db, run.id, 'evaluation');
    const dataset = datasets.find((d) => d.id === run.datasetId);
    const valAccuracies = epochs.map((e) => e.metrics.valAccuracy).filter(Number.isFinite);
    const test = evaluation?.meta as { accuracy: number | null; macroF1: number | null } | undefined;
    const config = (name: string) => (typeof run.config[name] === 'number' ? (run.config[name] as number) : null);
    return {
      id: run.id,
      kind: run.kind,
      method: run.method,
      label: rowLabel(run),
      status: run.status,
      active: jobs.isActive(path, run.id),
      backend: run.backend,
      datasetId: run.datasetId,
      dataset: dataset?.name ?? null,
      protocol: dataset?.protocol ?? null,
      teacherRunId: config('teacherRunId'),
      seed: config('seed'),
      epochs: config('epochs'),
      epochsRun: epochs.length,
      bestValAccuracy: valAccuracies.length ? Math.max(...valAccuracies) : null,
      test: test ? { accuracy: finite(test.accuracy), macroF1: finite(test.macroF1) } : null,
      error: run.error,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    };
  }

  const handlers: TrainingService['handlers'] = {
    'datasets.list': async () => listDatasets(project().db),
    'datasets.create': async ({ name, protocol, valFraction, seed }) => {
      const { db } = project();
      const recordings = await listRecordings(db);
      const members = splitByProtocol(recordings, protocol, { valFraction, seed });
      if (!members.some((m) => m.split === 'train')) {
        throw new StudioError('BAD_INPUT', `protocol ${protocol} puts none of the project's ${recordings.length} recording(s) in training`, { field: 'protocol' });
      }
      return findDataset(db, await createDataset(db, { name, protocol, config: { valFraction, seed }, members }));
    },
    'runs.list': async () => {
      const { db, path } = project();
      const datasets = await listDatasets(db);
      return Promise.all((await listRuns(db)).map((run) => row(db, path, run, datasets)));
    },
    'runs.get': async ({ runId }) => {
      const { db, path } = project();
      const run = await runOf(db, runId, 'runId');
      const epochs = (await runEpochs(db, runId)).map(({ epoch, metrics }) => ({
        epoch,
        losses: losses(metrics),
        trainAccuracy: finite(metrics.trainAccuracy),
        valAccuracy: finite(metrics.valAccuracy),
        learningRate: finite(metrics.learningRate),
        samplesPerSecond: finite(metrics.samplesPerSecond),
      }));
      return { run: await row(db, path, run, await listDatasets(db)), config: run.config, epochs, evaluation: await evaluationOf(db, runId) };
    },
    'runs.start': async (args) => {
      const { db, path } = project();
      const dataset = await findDataset(db, args.dataset);
      const teacherRunId = args.kind === 'student' ? args.teacherRunId : undefined;
      if (teacherRunId !== undefined) await checkTeacher(db, teacherRunId, dataset);
      const warning = teacherRunId === undefined ? null : await weakTeacherWarning(path, teacherRunId, dataset.id);
      const job = await jobs.start(() => prepareRun(path, jobRequest(args, dataset.id)));
      return { runId: job.runId, warning };
    },
    'runs.cancel': async ({ runId }) => {
      const { db, path } = project();
      if (jobs.cancel(path, runId)) return { runId };
      const run = await runOf(db, runId, 'runId');
      throw new StudioError('CONFLICT', `runId: run ${runId} is not training in this studio (status ${run.status})`, { field: 'runId' });
    },
    'runs.resume': async ({ runId }) => {
      const { db, path } = project();
      const run = await runOf(db, runId, 'runId');
      if (run.status === 'running' && !jobs.isActive(path, runId)) {
        // two trainers on one run would interleave their epochs and checkpoints
        throw new StudioError(
          'CONFLICT',
          `runId: run ${runId} is marked running, but not by this studio: another studio or vskd command may be training it. If none is (it was killed), continue it with vskd train … --resume ${runId}`,
          { field: 'runId' },
        );
      }
      const job = await jobs.start(() => resumeJob(path, runId));
      return { runId: job.runId };
    },
    'runs.report': async ({ datasets: refs }) => {
      const { db } = project();
      const datasets = refs ? await Promise.all(refs.map((ref) => findDataset(db, ref))) : await listDatasets(db);
      const results = await finishedRunResults(db, datasets);
      const methods = [...new Set(results.map((r) => r.method))];
      const protocols = [...new Set(results.map((r) => r.protocol))];
      const summary = (values: number[]) => {
        const { mean, std } = meanStd(values);
        return { mean: finite(mean), std: finite(std) };
      };
      const rows = methods.flatMap((method) =>
        protocols.flatMap((protocol) => {
          const runs = results.filter((r) => r.method === method && r.protocol === protocol);
          if (runs.length === 0) return [];
          return [{ method, protocol, accuracy: summary(runs.map((r) => r.accuracy)), macroF1: summary(runs.map((r) => r.macroF1)), seeds: runs.length }];
        }),
      );
      return { markdown: results.length ? markdownTable(results) : '', methods, protocols, rows };
    },
  };

  return { handlers, dispose: () => jobs.dispose() };
}
