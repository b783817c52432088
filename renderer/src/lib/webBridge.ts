/**
 * The web mode's StudioBridge (main/web/server.ts): calls as POST /api/<method>, events from a
 * WebSocket at /events that reconnects when dropped. Like the preload bridge it answers with
 * envelopes and never throws from invoke.
 */
import type { StudioBridge } from '../../../main/shared/bridge.ts';
import { isEventName, type EventName } from '../../../main/shared/channels.ts';
import type { Envelope } from '../../../main/shared/envelope.ts';
import { StudioError } from '../../../main/shared/errors.ts';
import { webMediaUrl } from '../../../main/shared/mediaUrl.ts';
import { eventsProtocol, tokenProtocolPrefix } from '../../../main/shared/webProtocol.ts';
import { messageOf } from './errors.ts';

const tokenKey = 'vskd-studio.token';
const firstRetryMs = 250;
const maxRetryMs = 10_000;

/**
 * The token the server printed: taken from the page's URL once (then kept for this tab, so a reload
 * works, and removed from the address bar, history and screenshots), or null outside the web mode.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (!fromUrl) return window.sessionStorage.getItem(tokenKey);
  window.sessionStorage.setItem(tokenKey, fromUrl);
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return fromUrl;
}

export interface WebBridgeOptions {
  token: string;
  /** the server's origin, e.g. http://127.0.0.1:5173; the page's own by default */
  origin?: string;
  /** the browser's WebSocket by default; tests in Node pass the `ws` package's */
  WebSocket?: typeof WebSocket;
}

/** The web bridge also says where a video stream's file is: the server's /media route. */
export interface WebBridge extends StudioBridge {
  mediaUrl(streamId: number): string;
}

export function createWebBridge({ token, origin = window.location.origin, WebSocket: Socket }: WebBridgeOptions): WebBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryMs = firstRetryMs;

  const listening = () => [...listeners.values()].some((set) => set.size > 0);

  function connect(): void {
    const ws = new (Socket ?? WebSocket)(`${origin.replace(/^http/, 'ws')}/events`, [eventsProtocol, `${tokenProtocolPrefix}${token}`]);
    socket = ws;
    ws.onopen = () => (retryMs = firstRetryMs);
    ws.onmessage = (message) => {
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (!isEventName(parsed.event)) return;
      for (const listener of [...(listeners.get(parsed.event) ?? [])]) listener(parsed.payload);
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      if (!listening() || socket || retryTimer) return;
      // the server restarted or the machine slept: try again, backing off
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (listening() && !socket) connect();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
  }

  return {
    mediaUrl: (streamId) => webMediaUrl(origin, streamId, token),
    async invoke(method, args) {
      let response: Response;
      try {
        response = await fetch(`${origin}/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(args ?? {}),
        });
      } catch (err) {
        const reason = messageOf(err);
        return unavailable(`${method}: the studio's web server does not answer (${reason}); is \`npm run serve\` still running?`);
      }
      const body: unknown = await response.json().catch(() => null);
      return isEnvelope(body) ? body : unavailable(`${method}: the studio's web server answered HTTP ${response.status} without an envelope`);
    },
    on(event, listener) {
      if (!isEventName(event)) throw new StudioError('INVALID_ARGUMENT', `unknown event ${JSON.stringify(event)}`, { field: 'event' });
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      if (!socket && !retryTimer) connect();
      return () => {
        set.delete(listener);
        if (listening()) return;
        if (retryTimer) clearTimeout(retryTimer);
        retryTimer = null;
        socket?.close(1000, 'no listeners left');
      };
    },
  };
}

function unavailable(message: string): Envelope<unknown> {
  return { ok: false, error: new StudioError('UNAVAILABLE', message).toJSON() };
}

function isEnvelope(body: unknown): body is Envelope<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  return body.ok === true ? 'value' in body : body.ok === false && 'error' in body && typeof body.error === 'object' && body.error !== null;
}
