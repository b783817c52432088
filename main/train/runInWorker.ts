/**
 * Training in a worker thread (worker.ts), so that it never blocks the studio's main thread: both sides
 * of the conversation and the messages they exchange.
 */
import { parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { StudioError, toStudioError, type StudioErrorJSON } from '../errors.ts';
import type { TrainJob, TrainProgress, TrainResult } from './job.ts';
import type { TrainHooks } from './trainer.ts';

/** worker → parent; 'done' or 'error' comes last */
export type WorkerMessage =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'log'; line: string }
  | { type: 'done'; result: TrainResult }
  | { type: 'error'; error: StudioErrorJSON };

/** parent → worker */
export type ParentMessage = { type: 'cancel' };

/**
 * The worker's isCancelled(). It reads the port synchronously, so it works while training keeps the
 * thread busy; a 'message' listener would only run when the trainer yields to the event loop.
 */
function cancelFlag(port: MessagePort): () => boolean {
  let cancelled = false;
  return () => {
    for (let m = receiveMessageOnPort(port); m && !cancelled; m = receiveMessageOnPort(port)) {
      cancelled = (m.message as ParentMessage).type === 'cancel';
    }
    return cancelled;
  };
}

/**
 * The worker's side (worker.ts, and the tests' stand-ins): trains the TrainJob in workerData with
 * `train` and reports to the parent. Every failure reaches the parent as a typed 'error' message.
 */
export async function serveTraining(train: (job: TrainJob, hooks: TrainHooks) => Promise<TrainResult>): Promise<void> {
  if (!parentPort) throw new StudioError('INTERNAL', 'the training worker runs only as a worker thread');
  const port = parentPort;
  const post = (message: WorkerMessage) => port.postMessage(message);
  try {
    const result = await train(workerData as TrainJob, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      isCancelled: cancelFlag(port),
      log: (line) => post({ type: 'log', line }),
    });
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', error: toStudioError(err).toJSON() });
  }
}

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
export function runTrainingWorker(job: TrainJob, { onProgress, onLog, signal, script = defaultScript() }: TrainingWorkerOptions): Promise<TrainResult> {
  const worker = startWorker(script, job);
  return new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    const cancel = () => worker.postMessage({ type: 'cancel' } satisfies ParentMessage);
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      settle();
      // the answer is in: nothing the trainer left open may keep the thread (and this process) alive
      void worker.terminate();
    };
    const fail = (error: StudioError) => finish(() => reject(error));

    worker.on('message', (message: WorkerMessage) => {
      try {
        if (message.type === 'progress') onProgress(message.progress);
        else if (message.type === 'log') onLog(message.line);
        else if (message.type === 'done') finish(() => resolve(message.result));
        else fail(StudioError.fromJSON(message.error));
      } catch (err) {
        // a failing callback ends the run rather than crashing this process from an event handler
        fail(toStudioError(err));
      }
    });
    worker.on('error', (err: unknown) => {
      fail(new StudioError('INTERNAL', `the training worker crashed: ${err instanceof Error ? err.message : String(err)}`));
    });
    worker.on('messageerror', (err) => fail(new StudioError('INTERNAL', `a message from the training worker could not be read: ${err.message}`)));
    worker.on('exit', (code) => {
      fail(new StudioError('INTERNAL', code === 0 ? 'the training worker stopped without a result' : `the training worker exited with code ${code}`));
    });

    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}

/** The TypeScript source under tsx (CLI, tests); in the Electron build, the bundled worker next to this bundle. */
function defaultScript(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./worker.ts', import.meta.url) : new URL('./trainWorker.js', import.meta.url);
}

function startWorker(script: URL, job: TrainJob): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData: job });
  // A worker does not inherit this thread's tsx hooks, and on Node 20 `--import tsx` in its execArgv
  // loads tsx without the hooks taking effect: register them inside the worker, then import the script.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`;
  // execArgv []: an inherited `--import tsx` would be resolved against the working directory
  return new Worker(bootstrap, { eval: true, workerData: job, execArgv: [] });
}
