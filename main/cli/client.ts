/**
 * The CLI's door to the studio: an in-process client of the very service and dispatcher that the window
 * and the web mode serve, so a command can skip none of the checks the API makes. A command parses its
 * options, calls the contract's methods through this, and prints.
 */
import type { EventName, EventPayload, MethodArgs, MethodName, MethodResult } from '../shared/contract.ts';
import type { Dispatch } from '../api/dispatch.ts';
import type { StudioService } from '../api/service.ts';
import { unwrap } from '../shared/envelope.ts';
import { StudioError } from '../shared/errors.ts';
import { version } from './version.ts';

type JobEnded = EventPayload<'job.ended'>;
type JobProgress = EventPayload<'job.progress'>;

export interface StudioClient {
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>;
  /** returns a function that stops listening */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Waits for job `job` to end; Ctrl-C cancels it (twice: quits at once). Resolves with its job.ended when it
   * is done or cancelled; throws its error when it failed.
   */
  job(job: string, onProgress?: (progress: JobProgress) => void): Promise<JobEnded>;
  /** cancels what still runs and closes the project */
  close(): Promise<void>;
}

export interface ClientOptions {
  /** this command as another process's refusal names it: 'vskd train student' */
  holder: string;
  /** told of every call that reaches the dispatcher */
  onCall?: (method: string) => void;
}

export function createStudioClient({ holder, onCall }: ClientOptions): StudioClient {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: EventPayload<E>) => void)(payload);
  };
  // loaded on the first call, so that `vskd --help` and usage errors load none of the domain code
  let opened: Promise<{ service: StudioService; dispatch: Dispatch }> | null = null;
  const open = () =>
    (opened ??= Promise.all([import('../api/service.ts'), import('../api/dispatch.ts')]).then(([{ createStudioService }, { createDispatcher }]) => {
      const service = createStudioService({ version, emit, holder });
      return { service, dispatch: createDispatcher(service.handlers, { onCall }) };
    }));
  // every end is kept: a job can end before its caller starts waiting for it
  const ends = new Map<string, JobEnded>();
  const waiting = new Map<string, (end: JobEnded) => void>();
  listeners.set(
    'job.ended',
    new Set([
      (end: JobEnded) => {
        ends.set(end.job, end);
        waiting.get(end.job)?.(end);
      },
    ]) as Set<(payload: never) => void>,
  );

  const client: StudioClient = {
    async call(method, args) {
      const { dispatch } = await open();
      return unwrap(await dispatch(method, args)) as MethodResult<typeof method>;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    job(job, onProgress) {
      return new Promise<JobEnded>((resolve, reject) => {
        let interrupted = false;
        const interrupt = () => {
          if (interrupted) process.exit(130);
          interrupted = true;
          process.stderr.write('\ncancelling: finishing the current step (Ctrl-C again to quit at once)\n');
          client.call('jobs.cancel', { job }).catch(() => undefined);
        };
        const stopProgress = client.on('job.progress', (p) => p.job === job && onProgress?.(p));
        const settle = (end: JobEnded) => {
          waiting.delete(job);
          stopProgress();
          process.off('SIGINT', interrupt);
          if (end.status === 'failed') reject(new StudioError('INTERNAL', end.error ?? `${end.title} failed`));
          else resolve(end);
        };
        const ended = ends.get(job);
        if (ended) return settle(ended);
        waiting.set(job, settle);
        process.on('SIGINT', interrupt);
      });
    },
    async close() {
      if (opened) await (await opened).service.dispose();
    },
  };
  return client;
}
