/**
 * Who may talk to the web mode's server: requests to a loopback name of this very server (so a
 * DNS-rebound page cannot), from no other origin, carrying the per-start token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StudioError } from '../shared/errors.ts';
import { tokenProtocolPrefix } from '../shared/webProtocol.ts';

/** the names the server may bind to: it serves this machine only */
export const loopbackHosts = ['127.0.0.1', 'localhost', '::1'] as const;

export function checkLoopbackHost(host: string, field = 'host'): void {
  if (!(loopbackHosts as readonly string[]).includes(host)) {
    throw new StudioError('INVALID_ARGUMENT', `${field}: ${JSON.stringify(host)} is not a loopback address; use one of ${loopbackHosts.join(', ')}`, { field });
  }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time; hashing first makes the lengths equal. */
export function sameToken(given: string, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** `host:port` as a browser writes it in the Host header, for each loopback name. */
export function allowedHostHeaders(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** Why the request may not be served, or null. Origin is optional (curl sends none) but must be ours. */
export function hostProblem(req: IncomingMessage, allowedHosts: Set<string>): string | null {
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) return `Host header ${JSON.stringify(host)} is not this server`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `Origin ${JSON.stringify(origin)} is not this server`;
  return null;
}

/** The token from `Authorization: Bearer`, `X-Studio-Token`, a `?token=` query or a `vskd-token.` subprotocol. */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const header = req.headers['x-studio-token'];
  if (typeof header === 'string') return header;
  const fromQuery = query.get('token');
  if (fromQuery !== null) return fromQuery;
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const carried = protocols.find((p) => p.startsWith(tokenProtocolPrefix));
  return carried ? carried.slice(tokenProtocolPrefix.length) : null;
}

export function hasToken(req: IncomingMessage, query: URLSearchParams, token: string): boolean {
  const given = requestToken(req, query);
  return given !== null && sameToken(given, token);
}
