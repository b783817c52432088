/**
 * What crosses a bridge (IPC or HTTP): plain data only, so a typed error survives
 * contextBridge's and JSON's copying and is rebuilt as a StudioError on the other side.
 */
import { StudioError, type StudioErrorJSON } from './errors.ts';

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: StudioErrorJSON };

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw StudioError.fromJSON(envelope.error);
}
