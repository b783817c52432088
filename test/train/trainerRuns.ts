/** A tiny project's training runs for the trainer's tests: hooks that record progress and cancel, the settings. */
import { closeProject, openProject } from '../../main/store/project.ts';
import { runEpochs } from '../../main/store/runs.ts';
import type { TrainProgress } from '../../main/train/job.ts';
import { defaultJob } from '../../main/train/runs.ts';
import type { TrainHooks } from '../../main/train/trainer.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from './tinyProject.ts';

export function hooks(cancelAfterEpoch = Infinity): TrainHooks & { progress: TrainProgress[] } {
  const progress: TrainProgress[] = [];
  return {
    progress,
    onProgress: (p) => progress.push(p),
    isCancelled: () => progress.some((p) => p.valAccuracy !== undefined && p.epoch >= cancelAfterEpoch),
    log: () => undefined,
  };
}

export const settings = { ...defaultJob, backend: 'wasm' as const, epochs: 3, batchSize: 4, student: { ...defaultJob.student, gafSize: 16, width: 0.125 } };

export async function project() {
  const { path } = await tinyProject(tempDir());
  return path;
}

export async function epochMetrics(path: string, runId: number) {
  const p = await openProject(path);
  try {
    return await runEpochs(p.db, runId);
  } finally {
    await closeProject(p);
  }
}
