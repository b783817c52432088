/**
 * Long work in a worker thread, so that it never blocks the studio's main thread: both sides of the
 * conversation (runInWorker in the parent, serveInWorker in the worker) and the messages they exchange.
 * Training (train/runInWorker.ts) and the student export (export/exportInWorker.ts) run this way.
 */
import { parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { StudioError, toStudioError, type StudioErrorJSON } from './shared/errors.ts';

/** worker → parent; 'done' or 'error' comes last */
export type WorkerMessage<Progress, Result> =
  { type: 'progress'; progress: Progress } | { type: 'log'; line: string } | { type: 'done'; result: Result } | { type: 'error'; error: StudioErrorJSON };

/** parent → worker */
export type ParentMessage = { type: 'cancel' };

/** What the work in a worker reports through, and how it learns that the parent asked it to stop. */
export interface WorkerHooks<Progress> {
  onProgress(progress: Progress): void;
  isCancelled(): boolean;
  log(line: string): void;
}

/**
 * The worker's isCancelled(). It reads the port synchronously, so it works while the work keeps the
 * thread busy; a 'message' listener would only run when the work yields to the event loop.
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
 * The worker's side (a worker entry, or a test's stand-in): runs `work` on the job in workerData and
 * reports to the parent. Every failure reaches the parent as a typed 'error' message.
 */
export async function serveInWorker<Job, Progress, Result>(work: (job: Job, hooks: WorkerHooks<Progress>) => Promise<Result>): Promise<void> {
  if (!parentPort) throw new StudioError('INTERNAL', 'a worker entry runs only as a worker thread');
  const port = parentPort;
  const post = (message: WorkerMessage<Progress, Result>) => port.postMessage(message);
  try {
    const result = await work(workerData as Job, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      isCancelled: cancelFlag(port),
      log: (line) => post({ type: 'log', line }),
    });
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', error: toStudioError(err).toJSON() });
  }
}

export interface WorkerOptions<Progress> {
  /** what the worker does, as its errors name it: 'training' gives "the training worker crashed" */
  name: string;
  /** the worker entry: a module that calls serveInWorker */
  script: URL;
  onProgress(progress: Progress): void;
  onLog(line: string): void;
  /** aborting posts a cancel, which the work reads through isCancelled() */
  signal?: AbortSignal;
}

/**
 * Runs `job` in a worker thread started from `script`. Rejects with the work's StudioError as it was
 * thrown, or with an INTERNAL error when the worker dies without an answer.
 */
export function runInWorker<Job, Progress, Result>(job: Job, { name, script, onProgress, onLog, signal }: WorkerOptions<Progress>): Promise<Result> {
  const worker = startWorker(script, job);
  return new Promise<Result>((resolve, reject) => {
    let settled = false;
    const cancel = () => worker.postMessage({ type: 'cancel' } satisfies ParentMessage);
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      settle();
      // the answer is in: nothing the work left open may keep the thread (and this process) alive
      void worker.terminate();
    };
    const fail = (error: StudioError) => finish(() => reject(error));

    worker.on('message', (message: WorkerMessage<Progress, Result>) => {
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
      fail(new StudioError('INTERNAL', `the ${name} worker crashed: ${err instanceof Error ? err.message : String(err)}`));
    });
    worker.on('messageerror', (err) => fail(new StudioError('INTERNAL', `a message from the ${name} worker could not be read: ${err.message}`)));
    worker.on('exit', (code) => {
      fail(new StudioError('INTERNAL', code === 0 ? `the ${name} worker stopped without a result` : `the ${name} worker exited with code ${code}`));
    });

    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}

/**
 * A worker entry beside the module at `from` (its import.meta.url): the TypeScript source under tsx
 * (CLI, tests); in the Electron build, the bundled entry next to the main bundle (electron.vite.config.ts).
 */
export function workerEntry(from: string, source: string, bundled: string): URL {
  return new URL(from.endsWith('.ts') ? source : bundled, from);
}

/** A worker thread running `script` with `data` as its workerData (`transfer`: moved, not copied). */
export function startWorker(script: URL, data: unknown, transfer: TransferListItem[] = []): Worker {
  const options = { workerData: data, transferList: transfer };
  if (!script.pathname.endsWith('.ts')) return new Worker(script, options);
  // A worker does not inherit this thread's tsx hooks, and on Node 20 `--import tsx` in its execArgv
  // loads tsx without the hooks taking effect: register them inside the worker, then import the script.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`;
  // execArgv []: an inherited `--import tsx` would be resolved against the working directory
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}
