/**
 * The web mode: the built renderer and the API contract over HTTP and a WebSocket, for a browser on
 * this machine (a headless GPU box, tests in Chromium). The dispatcher and the service are the
 * very ones Electron serves over IPC; only the transport differs.
 *
 *   POST /api/<method>  body: the args as JSON  → the call's Envelope as JSON
 *   GET  /events        WebSocket              → `{ event, payload }` for every service event
 *   GET  /media/<id>    a video stream's file (HTTP Range requests answered; ?token= for <video>)
 *   GET  /<file>        the built renderer (no token: the page reads it from its own URL)
 */
import { contentSecurityPolicy } from '../api/csp.ts';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline, Readable, type Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { createDispatcher, type Dispatch } from '../api/dispatch.ts';
import { unwrap, type Envelope } from '../shared/envelope.ts';
import { createStudioService, type StudioService } from '../api/service.ts';
import { StudioError, type ErrorCode, type ErrorDetail } from '../shared/errors.ts';
import { mediaResponse } from '../media/mediaRoute.ts';
import { allowedHostHeaders, checkLoopbackHost, hasToken, hostProblem, newToken } from './guard.ts';
import { eventsProtocol } from '../shared/webProtocol.ts';
import { readStaticFile } from './static.ts';

export interface WebServerOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  /** a loopback name only: 127.0.0.1 (the default), localhost or ::1 */
  host?: string;
  /** the built renderer: out/renderer */
  rendererDir: string;
  /** a project to open at start, so the UI starts on it */
  projectPath?: string;
  /** where the recent-projects list is kept (none: not remembered) */
  recentFile?: string;
  version: string;
}

export interface WebServer {
  /** the page's address, token included */
  url: string;
  token: string;
  port: number;
  /** drops every connection, then closes the open project */
  close(): Promise<void>;
}

export const maxBodyBytes = 1024 * 1024;

/** A call that reached the dispatcher answers with its error's status, so `curl -f` sees failures too. */
const statusOfCode: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  BAD_INPUT: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SCHEMA_TOO_NEW: 409,
  FORBIDDEN: 403,
  CANCELLED: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The Electron window's policy (main/index.ts), plus the event socket of this origin. */
interface Route {
  matches(path: string): boolean;
  /** whether the per-start token is required */
  needsToken: boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { port = 0, host = '127.0.0.1', rendererDir, projectPath, version } = options;
  checkLoopbackHost(host);
  const token = newToken();
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // a client fails the connection unless one subprotocol it offered is echoed
    handleProtocols: (protocols) => (protocols.has(eventsProtocol) ? eventsProtocol : (protocols.values().next().value ?? false)),
  });
  const service = createStudioService({
    version,
    holder: 'VSKD Studio (web mode)',
    recentFile: options.recentFile,
    emit(event, payload) {
      const message = JSON.stringify({ event, payload });
      for (const socket of sockets.clients) if (socket.readyState === WebSocket.OPEN) socket.send(message);
    },
  });
  const dispatch = createDispatcher(service.handlers);
  if (projectPath !== undefined) unwrap(await dispatch('project.open', { path: projectPath }));

  let allowedHosts = new Set<string>();

  // The route table: the first route whose path matches serves the request.
  const routes: Route[] = [
    { matches: (p) => p === '/api' || p.startsWith('/api/'), needsToken: true, handle: (req, res, p) => callApi(dispatch, req, res, p) },
    {
      matches: (p) => p === '/events',
      needsToken: true,
      handle: async (_req, res) => sendError(res, 426, 'INVALID_ARGUMENT', '/events is a WebSocket: connect with an Upgrade request'),
    },
    // a video stream's file for <video>, which cannot send headers: the token comes as ?token=
    { matches: (p) => p.startsWith('/media/'), needsToken: true, handle: (req, res, p) => serveMedia(service, req, res, p) },
    { matches: () => true, needsToken: false, handle: (req, res, p) => serveFile(rendererDir, req, res, p) },
  ];

  const server = createServer((req, res) => {
    void route(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const problem = hostProblem(req, allowedHosts);
    if (problem) return refuse(req, res, 403, problem);
    const { path, query } = splitUrl(req.url ?? '/');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy([`ws://${req.headers.host!}`]));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // the page's own URL carries the token until it removes it
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    const target = routes.find((r) => r.matches(path))!;
    if (target.needsToken && !hasToken(req, query, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return refuse(req, res, 401, `${path}: the request carries no valid token; use the URL the server printed at start`);
    }
    await target.handle(req, res, path);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const problem = hostProblem(req, allowedHosts);
    if (problem) return refuseUpgrade(socket, 403, problem);
    const { path, query } = splitUrl(req.url ?? '/');
    if (path !== '/events') return refuseUpgrade(socket, 404, `${path}: no WebSocket here; events are at /events`);
    if (!hasToken(req, query, token)) return refuseUpgrade(socket, 401, '/events: the request carries no valid token');
    sockets.handleUpgrade(req, socket, head, (ws) => ws.on('error', () => ws.terminate()));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    await service.dispose();
    throw new StudioError('UNAVAILABLE', `web mode: cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`, { field: 'port' });
  }
  const actualPort = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostHeaders(actualPort);
  const urlHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${urlHost}:${actualPort}/?token=${token}`,
    token,
    port: actualPort,
    async close() {
      for (const socket of sockets.clients) socket.terminate();
      sockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await service.dispose();
    },
  };
}

async function callApi(dispatch: Dispatch, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return refuse(req, res, 405, `${req.method} ${path}: API calls are POST requests with the args as a JSON body`, 'method');
  }
  const body = await readBody(req, maxBodyBytes);
  if (body === null) return refuse(req, res, 413, `body: larger than ${maxBodyBytes} bytes`, 'body');
  let args: unknown;
  try {
    args = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (err) {
    return sendError(res, 400, 'INVALID_ARGUMENT', `body: not valid JSON (${err instanceof Error ? err.message : String(err)})`, { field: 'body' });
  }
  const envelope = await dispatch(path.slice('/api/'.length), args);
  sendJson(res, envelope.ok ? 200 : statusOfCode[envelope.error.code], envelope);
}

async function serveFile(rendererDir: string, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return refuse(req, res, 405, `${req.method} ${path}: the renderer's files are read with GET`, 'method');
  }
  const file = await readStaticFile(rendererDir, path);
  if (file.status !== 200) return sendError(res, file.status, file.status === 403 ? 'FORBIDDEN' : 'NOT_FOUND', file.message, { field: 'path' });
  res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

async function serveMedia(service: StudioService, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const reply = await mediaResponse(service.mediaFile, { method: req.method ?? 'GET', streamId: path.slice('/media/'.length), range: req.headers.range });
  res.writeHead(reply.status, reply.headers);
  // a player drops the rest of a range once it has seen enough: that ends the pipeline, not the server
  if (reply.body instanceof Readable) pipeline(reply.body, res, () => {});
  else res.end(reply.body ?? undefined);
}

/** the body, or null once it passes `limit` bytes */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The path kept raw (static files decode it themselves, to catch `%2e%2e`) and the query parsed. */
function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: new URLSearchParams() } : { path: url.slice(0, mark), query: new URLSearchParams(url.slice(mark + 1)) };
}

function sendJson(res: ServerResponse, status: number, body: Envelope<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, detail: ErrorDetail = {}): void {
  sendJson(res, status, { ok: false, error: new StudioError(code, message, detail).toJSON() });
}

/** Answers before the body is read; the rest of the body is drained so the connection stays usable. */
function refuse(req: IncomingMessage, res: ServerResponse, status: 401 | 403 | 405 | 413, message: string, field?: string): void {
  const code: ErrorCode = status === 401 || status === 403 ? 'FORBIDDEN' : 'INVALID_ARGUMENT';
  sendError(res, status, code, message, field ? { field } : {});
  req.resume();
}

function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, message: string): void {
  const body = JSON.stringify({ ok: false, error: { code: status === 404 ? 'NOT_FOUND' : 'FORBIDDEN', message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
