/**
 * The studio's long jobs besides training (imports). Each gets an id, reports its progress as
 * job.progress events and its end as exactly one job.ended, and can be cancelled: the work gets an
 * AbortSignal to thread into what it runs. Several jobs run at once, since they mostly wait on files
 * and ffmpeg; two on the same source (the same key) would write the same recordings and video files,
 * so the second is refused.
 */
import type { EventName, EventPayload, MethodResult } from '../shared/contract.ts';
import { StudioError } from '../shared/errors.ts';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type JobKind = EventPayload<'job.ended'>['kind'];
export type JobResult = NonNullable<EventPayload<'job.ended'>['result']>;
export type RunningJob = MethodResult<'jobs.list'>[number];

export interface JobSpec {
  kind: JobKind;
  /** what the job works on, as a person reads it */
  title: string;
  /** a running job with the same key makes start a CONFLICT */
  key: string;
}

export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number, message: string): void;
}

export interface JobRegistry {
  /** Starts `work` in the background and returns its job id; its first job.progress is sent before this returns. */
  start(spec: JobSpec, work: (context: JobContext) => Promise<JobResult>): string;
  /** Asks job `job` to stop; false when no such job is running. */
  cancel(job: string): boolean;
  running(): RunningJob[];
  /** Cancels every running job and waits until each has ended (before its project closes). */
  cancelAll(): Promise<void>;
}

interface Entry {
  state: RunningJob;
  key: string;
  controller: AbortController;
  ended: Promise<void>;
}

export function createJobRegistry(emit: Emit): JobRegistry {
  const jobs = new Map<string, Entry>();
  let count = 0;

  return {
    start({ kind, title, key }, work) {
      const clash = [...jobs.values()].find((entry) => entry.key === key);
      if (clash) throw new StudioError('CONFLICT', `${title}: job ${clash.state.job} is already importing it: wait for it or cancel it`, { field: 'job' });
      const job = `job-${++count}`;
      const controller = new AbortController();
      const state: RunningJob = { job, kind, title, done: 0, total: 0, message: 'starting', startedAt: new Date().toISOString() };
      const progress = (done: number, total: number, message: string) => {
        Object.assign(state, { done, total, message });
        emit('job.progress', { job, kind, title, done, total, message });
      };
      progress(0, 0, state.message);
      // a promise chain from the start, so that a work that throws at once still ends as one job.ended
      const ended = Promise.resolve()
        .then(() => work({ signal: controller.signal, progress }))
        .then(
          (result): EventPayload<'job.ended'> => ({ job, kind, status: 'done', result }),
          (err: unknown): EventPayload<'job.ended'> => ({
            job,
            kind,
            // whatever stops a cancelled job (CANCELLED, or ffmpeg killed mid-file) is the cancel
            status: controller.signal.aborted ? 'cancelled' : 'failed',
            error: err instanceof Error ? err.message : String(err),
          }),
        )
        .then((end) => {
          jobs.delete(job);
          emit('job.ended', end);
        });
      jobs.set(job, { state, key, controller, ended });
      return job;
    },
    cancel(job) {
      const entry = jobs.get(job);
      entry?.controller.abort();
      return entry !== undefined;
    },
    running: () => [...jobs.values()].map((entry) => ({ ...entry.state })),
    async cancelAll() {
      const entries = [...jobs.values()];
      for (const entry of entries) entry.controller.abort();
      await Promise.all(entries.map((entry) => entry.ended));
    },
  };
}
