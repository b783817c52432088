/** What a finished job made, for every client that started one (the renderer's panels, the CLI). */
import type { EventPayload } from './contract.ts';

type JobEnded = EventPayload<'job.ended'>;
type ResultOf<K extends JobEnded['kind']> = NonNullable<Extract<JobEnded, { kind: K }>['result']>;

/** why a job made nothing, as the renderer's panels say it: its error, or how it ended */
const endedWithout = (end: JobEnded) => end.error ?? `${end.title}: ended ${end.status}`;

/** A finished job's result when it is of `kind` and done; else an Error whose message `failure` words. */
export function doneResult<K extends JobEnded['kind']>(end: JobEnded, kind: K, failure: (end: JobEnded) => string = endedWithout): ResultOf<K> {
  // the union narrows by a literal kind, not by a generic one: read it as the one kind asked for
  const ofKind: { kind: string; status: string; result?: unknown } = end;
  if (ofKind.kind === kind && ofKind.status === 'done' && ofKind.result) return ofKind.result as ResultOf<K>;
  throw new Error(failure(end));
}
