/** What a finished job made, for every client that started one (the renderer's panels, the CLI). */
import type { EventPayload } from './contract.ts';

type JobEnded = EventPayload<'job.ended'>;
type ResultOf<K extends JobEnded['kind']> = NonNullable<Extract<JobEnded, { kind: K }>['result']>;

/** A finished job's result when it is of `kind` and done; else an Error with why it is not. */
export function doneResult<K extends JobEnded['kind']>(end: JobEnded, kind: K): ResultOf<K> {
  // the union narrows by a literal kind, not by a generic one: read it as the one kind asked for
  const ofKind: { kind: string; status: string; result?: unknown } = end;
  if (ofKind.kind === kind && ofKind.status === 'done' && ofKind.result) return ofKind.result as ResultOf<K>;
  throw new Error(end.error ?? `${end.title}: ended ${end.status}`);
}
