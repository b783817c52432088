/**
 * Training in a worker thread (worker.ts, served by workerThread.ts), so that it never blocks the
 * studio's main thread.
 */
import { runInWorker, workerEntry } from '../workerThread.ts';
import type { TrainJob, TrainProgress, TrainResult } from './job.ts';

export interface TrainingWorkerOptions {
  onProgress(progress: TrainProgress): void;
  onLog(line: string): void;
  /** aborting asks the trainer to stop: it saves a checkpoint and resolves with status 'cancelled' */
  signal?: AbortSignal;
  /** the worker entry (tests pass a stand-in that speaks the same protocol); default worker.ts */
  script?: URL;
}

/**
 * Trains `job` in a worker thread. Rejects with the trainer's StudioError as it was thrown, or with an
 * INTERNAL error when the worker dies without an answer.
 */
export function runTrainingWorker(job: TrainJob, { script = workerEntry(import.meta.url, './worker.ts', './trainWorker.js'), ...hooks }: TrainingWorkerOptions): Promise<TrainResult> {
  return runInWorker<TrainJob, TrainProgress, TrainResult>(job, { name: 'training', script, ...hooks });
}
