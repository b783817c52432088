/**
 * The API's exports, each a job: a finished student run as a device bundle (the very code of `vskd export`,
 * in a worker thread on the open project's file) and a dataset as NumPy files.
 */
import { exportDataset } from '../export/datasetExport.ts';
import { defaultExportDir, prepareExportDir } from '../export/exportDir.ts';
import { runExportWorker } from '../export/exportInWorker.ts';
import { quantizationOrder } from '../export/exportStudent.ts';
import { DEFAULT_EXPORT_FRAME_SIZE, DEFAULT_LATENCY_RUNS } from '../shared/exportSettings.ts';
import { StudioError } from '../shared/errors.ts';
import type { Project } from '../store/project.ts';
import { getRun } from '../store/runs.ts';
import { defaultJob } from '../train/runs.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

/** A run that can be exported: a student that finished; else an error naming runId. */
async function checkExportable(project: Project, runId: number): Promise<void> {
  const run = await getRun(project.db, runId).catch((err: unknown) => {
    if (err instanceof StudioError && err.code === 'NOT_FOUND') throw new StudioError('NOT_FOUND', `runId: no run with id ${runId}`, { field: 'runId' });
    throw err;
  });
  if (run.kind !== 'student') {
    throw new StudioError('INVALID_ARGUMENT', `runId: run ${runId} is a teacher run: only students (the accelerometer model a wearable runs) are exported`, {
      field: 'runId',
    });
  }
  if (run.status !== 'done') {
    throw new StudioError('CONFLICT', `runId: run ${runId} has not finished (status ${run.status}): export a run once it is done`, { field: 'runId' });
  }
}

export function exportHandlers(context: ServiceContext): DomainHandlers<'exports'> {
  const { jobs } = context;
  return {
    'runs.export': async ({ runId, format, quantize = [], out, latencyRuns = DEFAULT_LATENCY_RUNS }) => {
      const project = context.project();
      await checkExportable(project, runId);
      const outDir = await prepareExportDir(out ?? (await defaultExportDir(project.path, runId, format)), 'out');
      // one export at a time (slot): each times its models on the same cores
      const spec = { kind: 'export.student' as const, title: `Run ${runId} as ${format}`, key: outDir, slot: 'export.student' };
      const job = await jobs.start(spec, async ({ progress }) => {
        const result = await runExportWorker({ projectPath: project.path, runId, format, quantize: quantizationOrder(quantize), outDir, latencyRuns }, (step) =>
          progress(step.done, step.total, step.message),
        );
        return { outDir, ...result };
      });
      return { job };
    },
    'datasets.export': async ({ dataset, out, splits = ['train', 'val', 'test'], what, gafSize, gafMethod, gafVariant, segments, frameSize }) => {
      const project = context.project();
      const student = defaultJob.student;
      const spec = { kind: 'export.dataset' as const, title: `Dataset ${dataset} to ${out}`, key: out };
      const job = await jobs.start(spec, async ({ progress }) => {
        let lines = 0;
        const result = await exportDataset({
          projectPath: project.path,
          dataset: String(dataset),
          outDir: out,
          // in the canonical order, once each: the export does not depend on how the list was given
          splits: (['train', 'val', 'test'] as const).filter((s) => splits.includes(s)),
          what: what ? (['gaf', 'raw', 'frames'] as const).filter((w) => what.includes(w)) : null,
          gaf: { size: gafSize ?? student.gafSize, method: gafMethod ?? student.gafMethod, variant: gafVariant ?? student.gafVariant },
          frames: { segments: segments ?? defaultJob.teacher.segments, size: frameSize ?? DEFAULT_EXPORT_FRAME_SIZE },
          log: (line) => progress(++lines, 0, line),
        });
        const counts = Object.fromEntries(Object.entries(result.manifest.splits).map(([split, s]) => [split, s?.recordings.length ?? 0]));
        return { outDir: out, dataset: result.manifest.dataset.name, splits: counts, written: result.written.length, kept: result.kept.length };
      });
      return { job };
    },
  };
}
