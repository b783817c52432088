import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { WebSocket as NodeWebSocket } from 'ws';
import type { EventName } from '../../main/shared/channels.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { createClient } from '../../renderer/src/lib/studio.ts';
import { createWebBridge } from '../../renderer/src/lib/webBridge.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

/** ws's WebSocket, counting the sockets the bridge opens and telling when one is open. */
function trackedWebSocket() {
  const opened: NodeWebSocket[] = [];
  let signal = () => {};
  const nextOpen = () => new Promise<void>((resolve) => (signal = resolve));
  class Tracked extends NodeWebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols, { origin: new URL(url.replace(/^ws/, 'http')).origin });
      opened.push(this);
      this.addEventListener('open', () => signal());
    }
  }
  return { opened, nextOpen, WebSocket: Tracked as unknown as typeof WebSocket };
}

/** A stand-in socket the test opens, feeds and drops by hand. */
class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.made.push(this);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
}

describe('web bridge', () => {
  const dir = tempDir('vskd-bridge-');
  let server: WebServer;
  let origin: string;

  before(async () => {
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    server = await startWebServer({ rendererDir: join(dir, 'renderer'), version: '0.0.0-bridge' });
    origin = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  it('calls the contract over HTTP, rebuilding typed errors, and never throws from invoke', async () => {
    const client = createClient(createWebBridge({ token: server.token, origin }));
    assert.equal((await client.call('app.version', {})).version, '0.0.0-bridge');
    await assert.rejects(client.call('project.summary', {}), (err: unknown) => err instanceof StudioError && err.code === 'NOT_FOUND');

    const wrongToken = await createWebBridge({ token: 'nope', origin }).invoke('app.version', {});
    assert.ok(!wrongToken.ok && wrongToken.error.code === 'FORBIDDEN');
    const gone = await createWebBridge({ token: server.token, origin: 'http://127.0.0.1:1' }).invoke('app.version', {});
    assert.ok(!gone.ok && gone.error.code === 'UNAVAILABLE' && /app\.version: the studio's web server does not answer/.test(gone.error.message));
  });

  it("says where a video stream's file is: the server's /media route with the token, or Electron's studio-media: scheme", async () => {
    const web = createClient(createWebBridge({ token: server.token, origin }));
    assert.equal(web.mediaUrl(7), `${origin}/media/7?token=${encodeURIComponent(server.token)}`);
    const media = await fetch(web.mediaUrl(7));
    assert.equal(media.status, 404, 'the token is accepted; there is just no stream 7 without a project');
    const preload = { invoke: async () => ({ ok: true as const, value: null }), on: () => () => {} };
    assert.equal(createClient(preload).mediaUrl(7), 'studio-media://media/7');
  });

  it('delivers events from the WebSocket until the last listener leaves', async () => {
    const sockets = trackedWebSocket();
    const client = createClient(createWebBridge({ token: server.token, origin, WebSocket: sockets.WebSocket }));
    const open = sockets.nextOpen();
    const progress: number[] = [];
    const imported: number[] = [];
    const stops = [
      client.on('job.progress', ({ done }) => progress.push(done)),
      client.on('job.ended', ({ result }) => imported.push(result && 'imported' in result ? result.imported : -1)),
    ];
    await open;
    assert.equal(sockets.opened[0].protocol, 'vskd-studio');

    await client.call('project.create', { path: join(dir, 'bridge.vskd') });
    assert.match((await client.call('import.utdMhad', { dir: join(fixtures, 'utd-mhad-mini') })).job, /^job-\d+$/);
    while (imported.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(progress, [0, 1, 2, 3, 4]);
    assert.deepEqual(imported, [4]);

    for (const stop of stops) stop();
    assert.equal(sockets.opened.length, 1);
    assert.ok(sockets.opened[0].readyState === NodeWebSocket.CLOSING || sockets.opened[0].readyState === NodeWebSocket.CLOSED);
    assert.throws(
      () => client.on('nope' as EventName, () => {}),
      (err: unknown) => err instanceof StudioError && err.detail.field === 'event',
    );
  });

  it('reconnects with a growing delay when the socket drops, and stops once nobody listens', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      FakeSocket.made = [];
      const bridge = createWebBridge({ token: 't0k', origin: 'http://127.0.0.1:9', WebSocket: FakeSocket as unknown as typeof WebSocket });
      const payloads: unknown[] = [];
      const stop = bridge.on('job.progress', (payload) => payloads.push(payload));
      assert.equal(FakeSocket.made.length, 1);
      assert.equal(FakeSocket.made[0].url, 'ws://127.0.0.1:9/events');
      assert.deepEqual(FakeSocket.made[0].protocols, ['vskd-studio', 'vskd-token.t0k']);

      FakeSocket.made[0].onclose!(); // dropped
      mock.timers.tick(249);
      assert.equal(FakeSocket.made.length, 1);
      mock.timers.tick(1);
      assert.equal(FakeSocket.made.length, 2);
      FakeSocket.made[1].onclose!(); // dropped again: the delay doubles
      mock.timers.tick(499);
      assert.equal(FakeSocket.made.length, 2);
      mock.timers.tick(1);
      assert.equal(FakeSocket.made.length, 3);

      const third = FakeSocket.made[2];
      third.onmessage!({ data: JSON.stringify({ event: 'job.progress', payload: { done: 1 } }) });
      third.onmessage!({ data: JSON.stringify({ event: 'fs.secrets', payload: {} }) });
      third.onmessage!({ data: 'not json' });
      assert.deepEqual(payloads, [{ done: 1 }]);

      stop();
      assert.ok(third.closed);
      mock.timers.tick(60_000);
      assert.equal(FakeSocket.made.length, 3);
    } finally {
      mock.timers.reset();
    }
  });
});
