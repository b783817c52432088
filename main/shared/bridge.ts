import type { EventName, MethodName } from './contract.ts';
import type { Envelope } from './envelope.ts';

/** What a transport (Electron preload, web mode) gives the renderer: envelopes, never throws. */
export interface StudioBridge {
  invoke(method: MethodName, args: unknown): Promise<Envelope<unknown>>;
  /** returns a function that stops listening */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
