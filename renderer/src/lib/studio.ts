/**
 * The renderer's typed client of the API contract. It talks to whatever bridge the page was
 * given (window.studio in Electron, the web bridge in the web mode) and turns error envelopes
 * back into StudioErrors.
 */
import type { StudioBridge } from '../../../main/shared/bridge.ts';
import type { NativeFiles } from '../../../main/shared/channels.ts';
import type { EventName, EventPayload, MethodArgs, MethodName, MethodResult } from '../../../main/shared/contract.ts';
import { unwrap, type Envelope } from '../../../main/shared/envelope.ts';
import { electronMediaUrl } from '../../../main/shared/mediaUrl.ts';
import { createWebBridge, takeToken, type WebBridge } from './webBridge.ts';

export { StudioError } from '../../../main/shared/errors.ts';

declare global {
  interface Window {
    studio?: StudioBridge & Partial<NativeFiles>;
  }
}

export interface StudioClient {
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** the URL a <video> plays video stream `streamId` from */
  mediaUrl(streamId: number): string;
  /** Electron's native file dialog and dropped files' paths; null in the web mode (it browses with files.list) */
  native: NativeFiles | null;
}

/** A bridge that serves media itself says where; Electron's preload does not: its media is the studio-media: scheme. */
export function createClient(bridge: (StudioBridge & Partial<NativeFiles>) | WebBridge): StudioClient {
  return {
    mediaUrl: 'mediaUrl' in bridge ? bridge.mediaUrl : electronMediaUrl,
    native: 'pick' in bridge && bridge.pick && bridge.pathOf ? { pick: bridge.pick, pathOf: bridge.pathOf } : null,
    async call(method, args) {
      return unwrap((await bridge.invoke(method, args)) as Envelope<MethodResult<typeof method>>);
    },
    on(event, listener) {
      return bridge.on(event, (payload) => listener(payload as EventPayload<typeof event>));
    },
  };
}

/**
 * The bridge this page runs with: Electron's preload, else the web server that served the page
 * (it carries a token); null when the page was opened outside the studio.
 */
export function connect(): StudioClient | null {
  if (window.studio) return createClient(window.studio);
  const token = takeToken();
  return token ? createClient(createWebBridge({ token })) : null;
}
