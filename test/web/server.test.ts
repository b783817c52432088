import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { StudioError } from '../../main/shared/errors.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { maxBodyBytes, startWebServer, type WebServer } from '../../main/web/server.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A raw request: node:http keeps the path and the Host header exactly as given, unlike fetch. */
function request(server: WebServer, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function call(server: WebServer, method: string, args: unknown, headers: Record<string, string> = { authorization: `Bearer ${server.token}` }) {
  return request(server, `/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(args) });
}

function envelope(reply: Reply) {
  assert.match(String(reply.headers['content-type']), /^application\/json/);
  return JSON.parse(reply.text);
}

/** A socket's first answer: 'open', or the HTTP status that refused the upgrade. */
async function wsOutcome(ws: WebSocket): Promise<string | number> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('error', (err) => {
      const refused = /^Unexpected server response: (\d+)$/.exec(err.message);
      resolve(refused ? Number(refused[1]) : err.message);
    });
  });
}

describe('web mode server', () => {
  const dir = tempDir('vskd-web-');
  const rendererDir = join(dir, 'renderer');
  let server: WebServer;

  before(async () => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>VSKD Studio</title><div id="app"></div>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
    // what a traversal would reach: the renderer folder's neighbour
    writeFileSync(join(dir, 'package.json'), '{"secret": "outside the renderer"}');
    server = await startWebServer({ rendererDir, version: '0.0.0-test' });
  });
  after(() => server.close());

  it('prints a loopback URL with a fresh random port and token', async () => {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${server.token}`);
    assert.match(server.token, /^[\w-]{43}$/);
    const other = await startWebServer({ rendererDir, version: '0.0.0-test' });
    await other.close();
    assert.notEqual(other.token, server.token);
    assert.notEqual(other.port, server.port);
  });

  it('refuses API calls without the token or with a wrong one, and takes either header', async () => {
    const none = await call(server, 'app.version', {}, {});
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.equal(envelope(none).error.code, 'FORBIDDEN');
    const wrong = await call(server, 'app.version', {}, { authorization: `Bearer ${server.token.slice(0, -1)}x` });
    assert.equal(wrong.status, 401);
    assert.equal(envelope(wrong).ok, false);
    const empty = await call(server, 'app.version', {}, { 'x-studio-token': '' });
    assert.equal(empty.status, 401);
    const bearer = await call(server, 'app.version', {});
    assert.equal(bearer.status, 200);
    assert.equal(envelope(bearer).value.version, '0.0.0-test');
    const header = await call(server, 'app.version', {}, { 'x-studio-token': server.token });
    assert.equal(header.status, 200);
  });

  it('creates a project, imports UTD-MHAD as a job followed over the WebSocket and lists recordings', async () => {
    const path = join(dir, 'web.vskd');
    const created = envelope(await call(server, 'project.create', { path }));
    assert.equal(created.value.recordings, 0);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    assert.equal(await wsOutcome(ws), 'open');
    const events: { event: string; payload: { job: string; done: number; total: number; status?: string; result?: { imported: number } } }[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data))));

    const { job } = envelope(await call(server, 'import.utdMhad', { dir: join(fixtures, 'utd-mhad-mini') })).value;
    // events travel apart from the calls: wait for the job's end
    while (!events.some((e) => e.event === 'job.ended')) await once(ws, 'message');
    const progress = events.filter((e) => e.event === 'job.progress').map((e) => [e.payload.job, e.payload.done, e.payload.total]);
    assert.deepEqual(progress, [[job, 0, 0], ...[1, 2, 3, 4].map((done) => [job, done, 4])]);
    const end = events.find((e) => e.event === 'job.ended')!.payload;
    assert.deepEqual([end.job, end.status, end.result?.imported], [job, 'done', 4]);
    const list = envelope(await call(server, 'recordings.list', {}));
    assert.deepEqual(list.value.map((r: { name: string }) => r.name).sort(), ['a1_s1_t1', 'a1_s2_t1', 'a2_s1_t1', 'a2_s2_t1']);
    const bySubject = envelope(await call(server, 'recordings.list', { subject: '2' }));
    assert.equal(bySubject.value.length, 2);
    assert.equal(envelope(await call(server, 'project.summary', {})).value.recordings, 4);
    ws.close();
  });

  it('refuses an events WebSocket without the token, with a wrong one, or from another origin', async () => {
    assert.equal(await wsOutcome(new WebSocket(`ws://127.0.0.1:${server.port}/events`)), 401);
    assert.equal(await wsOutcome(new WebSocket(`ws://127.0.0.1:${server.port}/events?token=nope`)), 401);
    const foreign = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`, { origin: 'http://evil.example' });
    assert.equal(await wsOutcome(foreign), 403);
    assert.equal(await wsOutcome(new WebSocket(`ws://127.0.0.1:${server.port}/elsewhere?token=${server.token}`)), 404);

    const viaProtocol = new WebSocket(`ws://127.0.0.1:${server.port}/events`, ['vskd-studio', `vskd-token.${server.token}`], {
      origin: `http://127.0.0.1:${server.port}`,
    });
    assert.equal(await wsOutcome(viaProtocol), 'open');
    assert.equal(viaProtocol.protocol, 'vskd-studio');
    viaProtocol.close();
  });

  it('answers malformed JSON, bad args, an unknown method, a GET and an oversized body with typed errors', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const malformed = await request(server, '/api/app.version', { method: 'POST', headers: auth, body: '{"path": ' });
    assert.equal(malformed.status, 400);
    assert.deepEqual([envelope(malformed).error.code, envelope(malformed).error.field], ['INVALID_ARGUMENT', 'body']);

    const badArgs = await call(server, 'project.open', { path: 42 });
    assert.equal(badArgs.status, 400);
    assert.equal(envelope(badArgs).error.field, 'path');

    const unknown = await call(server, 'fs.readFile', { path: '/etc/passwd' });
    assert.equal(unknown.status, 400);
    assert.deepEqual([envelope(unknown).error.code, envelope(unknown).error.field], ['INVALID_ARGUMENT', 'method']);
    assert.match(envelope(unknown).error.message, /unknown method "fs\.readFile"/);

    const get = await request(server, '/api/app.version', { headers: auth });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal(envelope(get).error.code, 'INVALID_ARGUMENT');

    const big = JSON.stringify({ path: 'x'.repeat(maxBodyBytes) });
    const tooLarge = await request(server, '/api/project.open', { method: 'POST', headers: auth, body: big });
    assert.equal(tooLarge.status, 413);
    assert.equal(envelope(tooLarge).error.field, 'body');
    // without a Content-Length the limit is counted as the body streams in
    const streamed = await request(server, '/api/project.open', { method: 'POST', headers: { ...auth, 'transfer-encoding': 'chunked' }, body: big });
    assert.equal(streamed.status, 413);
    // the connection and the server stay usable afterwards
    assert.equal((await call(server, 'app.version', {})).status, 200);
  });

  it('refuses a foreign Host header (DNS rebinding) and a cross-origin Origin', async () => {
    const rebound = await request(server, '/', { headers: { host: `evil.example:${server.port}` } });
    assert.equal(rebound.status, 403);
    assert.match(envelope(rebound).error.message, /Host header "evil\.example:\d+" is not this server/);
    const otherPort = await call(server, 'app.version', {}, { authorization: `Bearer ${server.token}`, host: `127.0.0.1:${server.port + 1}` });
    assert.equal(otherPort.status, 403);
    assert.equal((await request(server, '/', { headers: { host: `localhost:${server.port}` } })).status, 200);

    const crossOrigin = await call(server, 'app.version', {}, { authorization: `Bearer ${server.token}`, origin: 'http://evil.example' });
    assert.equal(crossOrigin.status, 403);
    assert.equal(envelope(crossOrigin).error.code, 'FORBIDDEN');
    const sameOrigin = await call(server, 'app.version', {}, { authorization: `Bearer ${server.token}`, origin: `http://127.0.0.1:${server.port}` });
    assert.equal(sameOrigin.status, 200);
  });

  it('serves the renderer without a token, with the CSP, and nothing outside its folder', async () => {
    const index = await request(server, '/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(index.text, /<title>VSKD Studio<\/title>/);
    const csp = String(index.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${server.port}`,
      "object-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
    }
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.equal(index.headers['referrer-policy'], 'no-referrer');

    const script = await request(server, '/assets/app.js?v=1');
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await request(server, '/assets/missing.js')).status, 404);
    assert.equal((await request(server, '/', { method: 'POST' })).status, 405);

    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%2E%2E%5Cpackage.json']) {
      const reply = await request(server, path);
      assert.ok(reply.status === 403 || reply.status === 404, `${path} answered ${reply.status}`);
      assert.doesNotMatch(reply.text, /outside the renderer/, path);
    }
    assert.equal((await request(server, '/%2e%2e/package.json')).status, 403);
    assert.equal((await request(server, '/%E0%A4%A')).status, 400);
  });

  it('opens the project it is given at start, and fails to start on a missing one', async () => {
    const path = join(dir, 'at-start.vskd');
    await closeProject(await createProject(path));
    const withProject = await startWebServer({ rendererDir, version: '0.0.0-test', projectPath: path });
    try {
      const summary = envelope(await call(withProject, 'project.summary', {}));
      assert.deepEqual([summary.value.path, summary.value.recordings], [path, 0]);
    } finally {
      await withProject.close();
    }
    await assert.rejects(
      startWebServer({ rendererDir, version: '0.0.0-test', projectPath: join(dir, 'missing.vskd') }),
      (err: unknown) => err instanceof StudioError && err.code === 'NOT_FOUND' && /missing\.vskd: no such project file/.test(err.message),
    );
  });

  it('binds to loopback addresses only', async () => {
    await assert.rejects(
      startWebServer({ rendererDir, version: '0.0.0-test', host: '0.0.0.0' }),
      (err: unknown) => err instanceof StudioError && err.code === 'INVALID_ARGUMENT' && err.detail.field === 'host',
    );
  });
});
