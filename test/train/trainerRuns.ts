/** A tiny project's training runs for the trainer's tests: hooks that record progress and cancel, the settings. */
import assert from 'node:assert/strict';
import { closeProject, openProject } from '../../main/store/project.ts';
import { runEpochs } from '../../main/store/runs.ts';
import type { TrainProgress } from '../../main/train/job.ts';
import { defaultJob, prepareRun } from '../../main/train/runs.ts';
import { trainRun, type TrainHooks } from '../../main/train/trainer.ts';
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

/**
 * The same student run on one thread, trained (the reference), and on two, prepared only: the
 * comparison of a way of using two threads.
 */
export async function oneAndTwoThreads(path: string) {
  const request = { ...settings, batchSize: 8, dataset: 'tiny', kind: 'student' as const, method: 'baseline' as const, teacherRunId: null };
  const one = await prepareRun(path, { ...request, threads: 1 });
  assert.equal((await trainRun(one, hooks())).threads, 1);
  return { one, two: await prepareRun(path, { ...request, threads: 2 }) };
}

/** Each of the three epochs' cross-entropy of run `b` within 1e-4 (relative above 1) of run `a`'s. */
export async function assertSameEpochs(path: string, a: number, b: number): Promise<void> {
  const [epochsA, epochsB] = [await epochMetrics(path, a), await epochMetrics(path, b)];
  assert.equal(epochsB.length, 3);
  for (let i = 0; i < 3; i++) {
    const [x, y] = [epochsA[i].metrics.crossEntropy, epochsB[i].metrics.crossEntropy];
    assert.ok(Math.abs(x - y) < 1e-4 * Math.max(1, x), `epoch ${i + 1}: one thread ${x}, two ${y}`);
  }
}
