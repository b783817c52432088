/**
 * The training worker thread's entry (runInWorker.ts starts it). In the Electron build it is bundled as
 * out/main/trainWorker.js.
 */
import { serveInWorker } from '../workerThread.ts';
import type { TrainJob, TrainResult, TrainUpdate } from './job.ts';
import { trainRun } from './trainer.ts';

await serveInWorker<TrainJob, TrainUpdate, TrainResult>((job, { onProgress, isCancelled, log }) =>
  trainRun(job, {
    onProgress: (progress) => onProgress({ type: 'step', progress }),
    onPreparing: (preparation) => onProgress({ type: 'preparing', preparation }),
    isCancelled,
    log,
  }),
);
