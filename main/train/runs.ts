/**
 * Starting a run from the CLI or the studio: the job's defaults, the run row in the project, the
 * worker, and the checks a user should hear before distilling (teacher weaker than the baseline).
 */
import { StudioError } from '../shared/errors.ts';
import { findDataset } from '../store/datasets.ts';
import { closeProject, openProject } from '../store/project.ts';
import { createRun, getArtifact, getRun, listRuns, markRunEnded, runEpochs, type RunSummary } from '../store/runs.ts';
import type { Queryable } from '../store/db.ts';
import type { DatasetSummary } from '../store/datasets.ts';
import type { TrainJob } from './job.ts';
import type { SignalAugmentation } from './augment.ts';
import { defaultAugmentation } from '../shared/trainSettings.ts';
import { checkMethodWeights, DEFAULT_WEIGHTS, isMethodName, methodWeightOptions, type WeightOptions } from '../shared/lossMethods.ts';
import type { RunResult, SettingValue } from './report.ts';

export const defaultJob: Omit<TrainJob, 'projectPath' | 'runId' | 'datasetId' | 'kind' | 'method' | 'teacherRunId'> & {
  augment: SignalAugmentation;
  threads: NonNullable<TrainJob['threads']>;
} = {
  seed: 1,
  epochs: 30,
  batchSize: 16,
  patience: 0,
  backend: 'auto',
  optimiser: { optimiser: 'adam', learningRate: 1e-3, weightDecay: 1e-5, schedule: 'cosine' },
  student: { width: 0.25, gafSize: 32, gafMethod: 'summation', gafVariant: 'pyts' },
  augment: { ...defaultAugmentation },
  threads: 'auto',
  teacher: { inputs: ['pose'], segments: 8, frameSize: 48 },
  loss: {},
  initFrom: null,
};

/**
 * A student job of the default settings belonging to no project (no run, no dataset, no augmentation)
 * with `changes`: for the bench and the tests that drive the training steps themselves.
 */
export function detachedStudentJob(changes: Partial<TrainJob>): TrainJob {
  return { ...defaultJob, projectPath: '', runId: 0, datasetId: 0, kind: 'student', method: 'baseline', teacherRunId: null, augment: undefined, ...changes };
}

export type JobRequest = Omit<TrainJob, 'projectPath' | 'runId' | 'datasetId'> & { dataset: string | number };

/** Creates the run in the project and returns the job that trains it. */
export async function prepareRun(projectPath: string, request: JobRequest): Promise<TrainJob> {
  const project = await openProject(projectPath);
  try {
    const dataset = await findDataset(project.db, request.dataset);
    const { dataset: _ref, ...rest } = request;
    checkMethodWeights(rest.method, rest.loss); // a bad method or weight fails before a run is stored
    const runId = await createRun(project.db, { datasetId: dataset.id, kind: rest.kind, method: rest.method, config: { ...rest, dataset: dataset.name } });
    return { ...rest, projectPath: project.path, runId, datasetId: dataset.id };
  } finally {
    await closeProject(project);
  }
}

/** The job of an existing run, to resume it from its last checkpoint. */
export async function resumeJob(projectPath: string, runId: number): Promise<TrainJob> {
  const project = await openProject(projectPath);
  try {
    const run = await getRun(project.db, runId);
    if (run.status === 'done') throw new StudioError('CONFLICT', `run ${runId} is done; nothing to resume`, { field: 'run' });
    const { dataset: _name, ...config } = run.config as JobRequest & { dataset: string };
    return { ...(config as Omit<TrainJob, 'projectPath' | 'runId' | 'datasetId'>), projectPath: project.path, runId, datasetId: run.datasetId! };
  } finally {
    await closeProject(project);
  }
}

export interface RunOutcome {
  run: RunSummary;
  bestValAccuracy: number | null;
  test: { accuracy: number; macroF1: number } | null;
}

export async function runOutcome(projectPath: string, runId: number): Promise<RunOutcome> {
  const project = await openProject(projectPath);
  try {
    const run = await getRun(project.db, runId);
    const epochs = await runEpochs(project.db, runId);
    const evaluation = await getArtifact(project.db, runId, 'evaluation');
    // an epoch without a validation split stored no score (null)
    const scores = epochs.map((e) => e.metrics.valAccuracy).filter(Number.isFinite);
    const best = scores.length ? Math.max(...scores) : null;
    return { run, bestValAccuracy: best, test: evaluation ? (evaluation.meta as { accuracy: number; macroF1: number }) : null };
  } finally {
    await closeProject(project);
  }
}

/**
 * Distillation helps only when the teacher is better than the student: the teacher's best
 * validation accuracy against the best baseline student's on the same dataset (null when fine).
 */
export async function weakTeacherWarning(projectPath: string, teacherRunId: number, datasetId: number): Promise<string | null> {
  const project = await openProject(projectPath);
  try {
    // -1: no validation score (a dataset without a validation split)
    const best = async (run: RunSummary) => Math.max(...(await runEpochs(project.db, run.id)).map((e) => e.metrics.valAccuracy).filter(Number.isFinite), -1);
    const teacher = await getRun(project.db, teacherRunId);
    const teacherAccuracy = await best(teacher);
    if (teacherAccuracy < 0)
      return `teacher run ${teacherRunId} has no validation score (its dataset has no validation split): whether it is stronger than the baseline student is unknown`;
    const baselines = (await listRuns(project.db)).filter(
      (r) => r.kind === 'student' && r.method === 'baseline' && r.datasetId === datasetId && r.status === 'done',
    );
    if (baselines.length === 0)
      return `no baseline student run on this dataset to compare the teacher with (teacher validation accuracy ${(100 * teacherAccuracy).toFixed(1)}%)`;
    const baseline = Math.max(...(await Promise.all(baselines.map(best))));
    if (teacherAccuracy >= baseline) return null;
    return `the teacher (run ${teacherRunId}, validation accuracy ${(100 * teacherAccuracy).toFixed(1)}%) is weaker than the baseline student (${(100 * baseline).toFixed(1)}%): distillation is unlikely to help`;
  } finally {
    await closeProject(project);
  }
}

/**
 * A worker that died mid-run leaves its run 'running', and one whose backend could not start leaves it
 * 'created': record it as failed, keeping the checkpoints for --resume.
 */
export async function markRunCrashed(projectPath: string, runId: number, message: string): Promise<void> {
  const project = await openProject(projectPath);
  try {
    const { status } = await getRun(project.db, runId);
    if (status === 'running' || status === 'created') await markRunEnded(project.db, runId, 'failed', message);
  } finally {
    await closeProject(project);
  }
}

/**
 * The row a run is compared in: its method with the loss weights it changed from the defaults
 * ("at (atWeight 8)"), or "teacher (pose+frames)".
 */
export function rowLabel(run: RunSummary): string {
  if (run.kind === 'student') {
    const loss = (run.config.loss ?? {}) as Partial<WeightOptions>;
    const changed = isMethodName(run.method)
      ? methodWeightOptions(run.method).filter((name) => loss[name] !== undefined && loss[name] !== DEFAULT_WEIGHTS[name])
      : [];
    return changed.length ? `${run.method} (${changed.map((name) => `${name} ${loss[name]}`).join(', ')})` : run.method;
  }
  return `teacher (${((run.config.teacher as { inputs?: string[] } | undefined)?.inputs ?? []).join('+')})`;
}

/** The settings a run's scores depend on besides its seed, dataset and method label (which has the loss weights). */
export function runSettings(run: RunSummary): Record<string, SettingValue> {
  const c = run.config as Partial<TrainJob>;
  const model: Record<string, SettingValue> =
    run.kind === 'student'
      ? {
          width: c.student?.width ?? null,
          gafSize: c.student?.gafSize ?? null,
          gafMethod: c.student?.gafMethod ?? null,
          gafVariant: c.student?.gafVariant ?? null,
          // a run from before augmentation trained on the plain signals
          augment: c.augment ? `crop ${c.augment.crop}, jitter ${c.augment.jitter}, rotate ${c.augment.rotate}` : 'none',
        }
      : { segments: c.teacher?.segments ?? null, frameSize: c.teacher?.frameSize ?? null };
  return {
    ...model,
    epochs: c.epochs ?? null,
    batchSize: c.batchSize ?? null,
    patience: c.patience ?? null,
    optimiser: c.optimiser?.optimiser ?? null,
    learningRate: c.optimiser?.learningRate ?? null,
    weightDecay: c.optimiser?.weightDecay ?? null,
    schedule: c.optimiser?.schedule ?? null,
    initFrom: c.initFrom ?? null,
  };
}

/** A dataset as a report heads its column: its name and how it is split. */
export function datasetHeading(dataset: DatasetSummary): string {
  return dataset.description === dataset.name ? dataset.name : `${dataset.name} (${dataset.description})`;
}

/** The test scores of the finished runs on these datasets, one per run, for the comparison table. */
export async function finishedRunResults(db: Queryable, datasets: DatasetSummary[]): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const run of await listRuns(db)) {
    const dataset = datasets.find((d) => d.id === run.datasetId);
    const evaluation = dataset && run.status === 'done' ? await getArtifact(db, run.id, 'evaluation') : null;
    if (!dataset || !evaluation) continue;
    // stored as JSON, a NaN score reads back as null: keep it NaN, or a mean would count it as 0
    const { accuracy, macroF1 } = evaluation.meta as { accuracy: number | null; macroF1: number | null };
    results.push({
      method: rowLabel(run),
      protocol: datasetHeading(dataset),
      seed: Number(run.config.seed),
      accuracy: accuracy ?? NaN,
      macroF1: macroF1 ?? NaN,
      settings: runSettings(run),
    });
  }
  return results;
}
