import { events as eventSchemas, type EventName, type EventPayload } from '../../main/shared/contract.ts';

export interface EventLog {
  events: { event: EventName; payload: unknown }[];
  /** the service's emit: checks every payload against the contract's schema (a bad one throws at its sender), and records it */
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** the payloads of `event` so far, of job `job` when given */
  payloads<E extends EventName>(event: E, job?: string): EventPayload<E>[];
  /** the first `event` (of job `job`) that `match` accepts, once it has come */
  next<E extends EventName>(event: E, job?: string, match?: (payload: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
  /** job `job`'s job.ended, once it has come */
  ended(job: string): Promise<EventPayload<'job.ended'>>;
}

/** A studio service's events, checked and recorded as they come, with a wait for a job's end. */
export function eventLog(): EventLog {
  const events: EventLog['events'] = [];
  const waiting = new Set<() => void>();
  const payloads = <E extends EventName>(event: E, job?: string) =>
    events.flatMap((e) => (e.event === event && (job === undefined || (e.payload as { job?: string }).job === job) ? [e.payload as EventPayload<E>] : []));
  const next = <E extends EventName>(event: E, job?: string, match: (payload: EventPayload<E>) => boolean = () => true) =>
    new Promise<EventPayload<E>>((resolve) => {
      const check = () => {
        const found = payloads(event, job).find(match);
        if (!found) return;
        waiting.delete(check);
        resolve(found);
      };
      waiting.add(check);
      check();
    });
  return {
    events,
    emit(event, payload) {
      eventSchemas[event].parse(payload);
      events.push({ event, payload });
      for (const check of [...waiting]) check();
    },
    payloads,
    next,
    ended: (job) => next('job.ended', job),
  };
}

type JobEnded = EventPayload<'job.ended'>;

/** What a job of `kind` made, once it is known to be done (its error otherwise). */
type ResultOf<K extends JobEnded['kind']> = NonNullable<Extract<JobEnded, { kind: K }>['result']>;

export function resultOf<K extends JobEnded['kind']>(end: JobEnded, kind: K): ResultOf<K> {
  const ofKind = end as { kind: string; status: string; result?: ResultOf<K> };
  if (ofKind.kind !== kind) throw new Error(`job ${end.job} is a ${end.kind} job, not ${kind}`);
  if (ofKind.status !== 'done' || !ofKind.result) throw new Error(`job ${end.job} ended ${end.status}: ${end.error ?? 'no result'}`);
  return ofKind.result;
}
