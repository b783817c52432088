/**
 * The studio's training jobs: each run trains in a worker thread (runInWorker.ts) while the studio
 * keeps answering. One job at a time: a run takes the whole backend (the GPU's memory, or every core
 * for wasm and cpu), so a second one would only slow both and make their samples/s and ETA lie.
 */
import { StudioError } from '../shared/errors.ts';
import type { TrainJob, TrainPreparation, TrainProgress, TrainResult } from './job.ts';
import { runTrainingWorker } from './runInWorker.ts';
import { markRunCrashed } from './runs.ts';

export interface JobEnd {
  runId: number;
  status: TrainResult['status'] | 'failed';
  error?: string;
}

export interface JobListener {
  progress(progress: TrainProgress): void;
  preparing(preparation: TrainPreparation): void;
  log(runId: number, line: string): void;
  /** the run is recorded as ended in its project, and another job may start */
  ended(end: JobEnd): void;
}

export interface JobManager {
  /**
   * Takes the one training slot, prepares the job (creating or reading its run) and starts it in a
   * worker; resolves once it trains. CONFLICT while another job is being prepared or trains.
   */
  start(prepare: () => Promise<TrainJob>): Promise<TrainJob>;
  /** Asks the job training run `runId` of the project to stop; false when no job of this studio trains it. */
  cancel(projectPath: string, runId: number): boolean;
  isActive(projectPath: string, runId: number): boolean;
  /** Cancels the running job and waits until its run is recorded as ended; starts none after. */
  dispose(): Promise<void>;
}

/** progress of the steps within an epoch, at most this often; every epoch's end is always sent */
const STEP_PROGRESS_MS = 100;

interface Running {
  job: TrainJob;
  controller: AbortController;
  ended: Promise<void>;
}

export function createJobManager(listener: JobListener): JobManager {
  let running: Running | null = null;
  let preparing = false;
  let disposed = false;

  function launch(job: TrainJob): Running {
    const controller = new AbortController();
    let lastStep = -Infinity;
    /** at most one update per STEP_PROGRESS_MS, except those that end something (an epoch, a preparation) */
    const throttled = (ends: boolean) => {
      const now = performance.now();
      if (!ends && now - lastStep < STEP_PROGRESS_MS) return false;
      lastStep = now;
      return true;
    };
    const onProgress = (progress: TrainProgress) => throttled(progress.valAccuracy !== undefined) && listener.progress(progress);
    const onPreparing = (p: TrainPreparation) => throttled(p.done === 0 || p.done === p.total) && listener.preparing(p);
    // a promise chain from the start, so that even a worker that cannot start ends as a 'failed' run
    const ended = Promise.resolve()
      .then(() => runTrainingWorker(job, { onProgress, onPreparing, onLog: (line) => listener.log(job.runId, line), signal: controller.signal }))
      .then(
        (result): JobEnd => ({ runId: job.runId, status: result.status }),
        async (err: unknown): Promise<JobEnd> => {
          const error = err instanceof Error ? err.message : String(err);
          // the trainer records its own failures; a worker that died, or a backend that never started, cannot
          await markRunCrashed(job.projectPath, job.runId, error).catch(() => undefined);
          return { runId: job.runId, status: 'failed', error };
        },
      )
      .then((end) => {
        running = null;
        listener.ended(end);
      });
    return { job, controller, ended };
  }

  const owns = (projectPath: string, runId: number) => running !== null && running.job.projectPath === projectPath && running.job.runId === runId;

  return {
    async start(prepare) {
      if (disposed) throw new StudioError('CANCELLED', 'the studio is closing: no new training run starts', { field: 'run' });
      if (running) throw new StudioError('CONFLICT', `run ${running.job.runId} is training: cancel it or wait for it to end before starting another`, { field: 'run' });
      if (preparing) throw new StudioError('CONFLICT', 'another run is being started: wait for it, then cancel it or let it end', { field: 'run' });
      preparing = true;
      let job: TrainJob;
      try {
        job = await prepare();
      } finally {
        preparing = false;
      }
      // closed while the run was being created: it stays 'created', resumable later
      if (disposed) throw new StudioError('CANCELLED', `the studio is closing: run ${job.runId} was created but does not start`, { field: 'run' });
      running = launch(job);
      return job;
    },
    cancel(projectPath, runId) {
      if (!owns(projectPath, runId)) return false;
      running!.controller.abort();
      return true;
    },
    isActive: owns,
    async dispose() {
      disposed = true;
      const job = running;
      if (!job) return;
      job.controller.abort();
      await job.ended;
    },
  };
}
