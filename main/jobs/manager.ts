/**
 * The one manager of the studio's long work (imports, transcoding, training, feature caching,
 * exports). A job gets an id, reports job.progress (with an ETA) while it runs and exactly one
 * job.ended, and can be cancelled: its work gets an AbortSignal to thread into what it runs.
 * Clashes are refused at start: a job on the same thing (its key) within this process, one more job
 * of a kind that takes the whole machine (its slot), and, through a lease in the project file, a
 * job on a resource that another process holds.
 */
import { clipText, StudioError, throwIfCancelled } from '../shared/errors.ts';
import type { Database } from '../store/db.ts';
import { acquireLease, releaseLease } from '../store/leases.ts';

export interface JobProgress<K extends string = string> {
  job: string;
  kind: K;
  title: string;
  done: number;
  total: number;
  message: string;
  /** seconds left at the pace so far; null before any progress, and while the total is 0 */
  etaSeconds: number | null;
  /** ISO time the job started */
  startedAt: string;
}

/**
 * cancelled: the work failed after its signal was aborted (whatever stopped it is the cancel); a work
 * that returns after a cancel came too late to stop it (past a commit) is done.
 */
export type JobStatus = 'done' | 'failed' | 'cancelled';

export interface JobEnded<K extends string = string, R = unknown> {
  job: string;
  kind: K;
  title: string;
  status: JobStatus;
  /** why it failed, or what a cancel kept */
  error?: string;
  /** what a job that is done returned */
  result?: R;
  /** how long it ran */
  seconds: number;
}

export interface JobEmit<K extends string = string, R = unknown> {
  (event: 'job.progress', payload: JobProgress<K>): void;
  (event: 'job.ended', payload: JobEnded<K, R>): void;
}

export interface JobLease {
  db: Database;
  /** what the job works on, as a person reads it: 'run 3' */
  resource: string;
  /** who works on it, as a person reads it: 'vskd train student', 'the studio' */
  holder: string;
}

export interface JobSpec<K extends string = string> {
  kind: K;
  /** what the job works on, as a person reads it */
  title: string;
  /** a running job with the same key makes start a CONFLICT (two imports of one folder) */
  key?: string;
  /** at most one running job per slot ('training': a run takes the whole backend) */
  slot?: string;
  /** held in the project file while the job runs, refused while another process holds it */
  lease?: JobLease;
}

export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number, message: string): void;
}

export type JobWork<R> = (context: JobContext) => Promise<R>;

export interface JobManager<K extends string = string, R = unknown> {
  /**
   * Starts `work` in the background and resolves to its job id once it runs (its lease taken, its
   * first job.progress sent). CONFLICT on a clash of key, slot or lease; CANCELLED once disposed.
   */
  start(spec: JobSpec<K>, work: JobWork<R>): Promise<string>;
  /** Asks job `job` to stop; false when no such job is running. */
  cancel(job: string): boolean;
  /** the latest state of each running job (for a window opened while they run) */
  running(): JobProgress<K>[];
  /** job `job`'s job.ended, once it has ended (also for one that ended lately); NOT_FOUND for an unknown job */
  wait(job: string): Promise<JobEnded<K, R>>;
  /** Cancels every job and waits until each has ended. */
  cancelAll(): Promise<void>;
  /** Refuses every later start, cancels every job and waits until each has ended (before the studio closes). */
  dispose(): Promise<void>;
}

/** job.progress at most this often per job, besides the first, the last (done === total) and a new message */
const PROGRESS_MS = 100;
/** ended jobs whose end wait() still answers: a caller that waits just after start may come after the end */
const ENDED_KEPT = 100;

interface Entry<K extends string, R> {
  spec: JobSpec<K>;
  controller: AbortController;
  /** null until the job runs (while its lease is being taken) */
  state: JobProgress<K> | null;
  /** resolves with the job's end, or with null when it never started */
  ended: Promise<JobEnded<K, R> | null>;
}

const closing = (spec: JobSpec<string>) => new StudioError('CANCELLED', `${spec.title}: the studio is closing: no new job starts`, { field: 'job' });
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The job that clashes with `spec`: one with its key, or one in its slot. */
function clashMessage<K extends string>(spec: JobSpec<K>, job: string, other: JobSpec<K>): string | null {
  if (spec.key !== undefined && other.key === spec.key) return `${spec.title}: job ${job} (${other.title}) is already working on it: wait for it or cancel it`;
  if (spec.slot !== undefined && other.slot === spec.slot) {
    return `${spec.title}: job ${job} (${other.title}) is running, and one ${spec.slot} job runs at a time: wait for it or cancel it`;
  }
  return null;
}

export function createJobManager<K extends string = string, R = unknown>(emit: JobEmit<K, R>): JobManager<K, R> {
  const jobs = new Map<string, Entry<K, R>>();
  const endedLately = new Map<string, JobEnded<K, R>>();
  let count = 0;
  let disposed = false;

  /** Runs `work` as job `job`, whose state is set; resolves with its end once job.ended is sent. */
  async function run(job: string, entry: Entry<K, R>, state: JobProgress<K>, work: JobWork<R>): Promise<JobEnded<K, R>> {
    const started = performance.now();
    // where the ETA counts from: the start, or where the count last began again (a new phase from 0)
    let origin = { at: started, done: 0 };
    let sent = { at: -Infinity, message: '' };
    let trailing: ReturnType<typeof setTimeout> | undefined;
    let over = false;

    const send = () => {
      clearTimeout(trailing);
      trailing = undefined;
      sent = { at: performance.now(), message: state.message };
      emit('job.progress', { ...state });
    };
    const progress = (done: number, total: number, message: string) => {
      if (over) return;
      const now = performance.now();
      if (done < state.done) origin = { at: now, done };
      const counted = done - origin.done;
      const etaSeconds = total > 0 && counted > 0 ? round1((((now - origin.at) / counted) * Math.max(0, total - done)) / 1000) : null;
      Object.assign(state, { done, total, message, etaSeconds });
      if (now - sent.at >= PROGRESS_MS || (total > 0 && done === total) || message !== sent.message) send();
      // a dropped update is sent once the interval has passed, so that a long step shows where it is
      else trailing ??= setTimeout(send, PROGRESS_MS - (now - sent.at));
    };

    let end: JobEnded<K, R>;
    try {
      send();
      // the work begins once start has answered, so that no job.ended comes before its id
      await new Promise((resolve) => setImmediate(resolve));
      throwIfCancelled(entry.controller.signal, `${state.title}: cancelled before it began`);
      const result = await work({ signal: entry.controller.signal, progress });
      end = { job, kind: state.kind, title: state.title, status: 'done', result, seconds: 0 };
    } catch (err) {
      const status = entry.controller.signal.aborted ? 'cancelled' : 'failed';
      end = { job, kind: state.kind, title: state.title, status, error: clipText(err instanceof Error ? err.message : String(err), 1000), seconds: 0 };
    }
    over = true;
    clearTimeout(trailing);
    const lease = entry.spec.lease;
    // a lease that cannot be given back (its file closed under it) turns stale when this process exits
    if (lease) await releaseLease(lease.db, lease.resource).catch(() => false);
    end.seconds = round1((performance.now() - started) / 1000);
    jobs.delete(job);
    endedLately.set(job, end);
    if (endedLately.size > ENDED_KEPT) endedLately.delete(endedLately.keys().next().value!);
    emit('job.ended', end);
    return end;
  }

  async function cancelAll(): Promise<void> {
    const entries = [...jobs.values()];
    for (const entry of entries) entry.controller.abort();
    await Promise.all(entries.map((entry) => entry.ended));
  }

  return {
    async start(spec, work) {
      if (disposed) throw closing(spec);
      for (const [job, other] of jobs) {
        const clash = clashMessage(spec, job, other.spec);
        if (clash) throw new StudioError('CONFLICT', clash, { field: 'job' });
      }
      const job = `job-${++count}`;
      let began!: (ended: JobEnded<K, R> | null | Promise<JobEnded<K, R>>) => void;
      // the entry holds its key and slot from here, while its lease is taken
      const entry: Entry<K, R> = { spec, controller: new AbortController(), state: null, ended: new Promise((resolve) => (began = resolve)) };
      jobs.set(job, entry);
      try {
        if (spec.lease) await acquireLease(spec.lease.db, spec.lease.resource, spec.lease.holder);
        if (disposed) {
          if (spec.lease) await releaseLease(spec.lease.db, spec.lease.resource);
          throw closing(spec);
        }
      } catch (err) {
        jobs.delete(job);
        began(null);
        throw err;
      }
      const startedAt = new Date().toISOString();
      entry.state = { job, kind: spec.kind, title: spec.title, done: 0, total: 0, message: 'starting', etaSeconds: null, startedAt };
      began(run(job, entry, entry.state, work));
      return job;
    },
    cancel(job) {
      const entry = jobs.get(job);
      entry?.controller.abort();
      return entry !== undefined;
    },
    running: () => [...jobs.values()].flatMap((entry) => (entry.state ? [{ ...entry.state }] : [])),
    async wait(job) {
      const entry = jobs.get(job);
      const end = entry ? await entry.ended : endedLately.get(job);
      if (!end) throw new StudioError('NOT_FOUND', `job: no job ${job} is running or ended lately`, { field: 'job' });
      return end;
    },
    cancelAll,
    dispose() {
      disposed = true;
      return cancelAll();
    },
  };
}
