/**
 * Training in a worker thread (worker.ts, served by workerThread.ts), so that it never blocks the
 * studio's main thread.
 */
import { runInWorker, workerEntry } from '../workerThread.ts';
import type { TrainJob, TrainPreparation, TrainProgress, TrainResult, TrainUpdate } from './job.ts';

export interface TrainingWorkerOptions {
  onProgress(progress: TrainProgress): void;
  onPreparing?(preparation: TrainPreparation): void;
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
export function runTrainingWorker(
  job: TrainJob,
  { script = workerEntry(import.meta.url, './worker.ts', './trainWorker.js'), onProgress, onPreparing, ...hooks }: TrainingWorkerOptions,
): Promise<TrainResult> {
  const onUpdate = (update: TrainUpdate) => (update.type === 'step' ? onProgress(update.progress) : onPreparing?.(update.preparation));
  return runInWorker<TrainJob, TrainUpdate, TrainResult>(job, { name: 'training', script, onProgress: onUpdate, ...hooks });
}
