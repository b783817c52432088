/**
 * The API handler that exports a finished student run as a device bundle: the very code of
 * `vskd export`, run in a worker thread on the open project's file, its steps reported as job.progress.
 */
import type { EventName, EventPayload, StudioHandlers } from '../shared/contract.ts';
import { StudioError } from '../shared/errors.ts';
import type { Project } from '../store/project.ts';
import { getRun } from '../store/runs.ts';
import { defaultExportDir, prepareExportDir } from './exportDir.ts';
import { runExportWorker } from './exportInWorker.ts';
import { DEFAULT_LATENCY_RUNS, quantizationOrder } from './exportStudent.ts';

export type ExportMethod = 'runs.export';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** A run that can be exported: a student that finished; else an error naming runId. */
async function checkExportable(project: Project, runId: number): Promise<void> {
  const run = await getRun(project.db, runId).catch((err: unknown) => {
    if (err instanceof StudioError && err.code === 'NOT_FOUND') throw new StudioError('NOT_FOUND', `runId: no run with id ${runId}`, { field: 'runId' });
    throw err;
  });
  if (run.kind !== 'student') {
    throw new StudioError('INVALID_ARGUMENT', `runId: run ${runId} is a teacher run: only students (the accelerometer model a wearable runs) are exported`, { field: 'runId' });
  }
  if (run.status !== 'done') {
    throw new StudioError('CONFLICT', `runId: run ${runId} has not finished (status ${run.status}): export a run once it is done`, { field: 'runId' });
  }
}

export function exportHandlers(project: () => Project, emit: Emit): Pick<StudioHandlers, ExportMethod> {
  /** the run being exported: one at a time, as each export times its models on the same cores */
  let exporting: number | null = null;

  return {
    'runs.export': async ({ runId, format, quantize = [], out, latencyRuns = DEFAULT_LATENCY_RUNS }) => {
      if (exporting !== null) throw new StudioError('CONFLICT', `runId: run ${exporting} is being exported: wait until it is done`, { field: 'runId' });
      exporting = runId;
      try {
        const open = project();
        await checkExportable(open, runId);
        const outDir = await prepareExportDir(out ?? (await defaultExportDir(open.path, runId, format)), 'out');
        const result = await runExportWorker(
          { projectPath: open.path, runId, format, quantize: quantizationOrder(quantize), outDir, latencyRuns },
          (step) => emit('job.progress', { job: 'runs.export', title: `run ${runId} as ${format}`, ...step }),
        );
        return { outDir, ...result };
      } finally {
        exporting = null;
      }
    },
  };
}
