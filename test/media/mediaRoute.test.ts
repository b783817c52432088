import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { mediaFetch, mediaResponse, parseRange, resolveMediaFile, type MediaFile, type MediaResponse } from '../../main/media/mediaRoute.ts';
import { sha256 } from '../../main/files/checksum.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { electronMediaUrl } from '../../main/shared/mediaUrl.ts';
import { closeProject, createProject, type Project } from '../../main/store/project.ts';
import { addRecordings } from '../../main/store/recordings.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-media-');
const SIZE = 1000;
/** byte i is i mod 251: any slice shows where it came from */
const bytes = Buffer.from(Array.from({ length: SIZE }, (_, i) => i % 251));

async function bodyOf(reply: MediaResponse): Promise<Buffer> {
  if (reply.body === null || Buffer.isBuffer(reply.body)) return reply.body ?? Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of reply.body as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errorOf(reply: MediaResponse): { code: string; message: string; field?: string } {
  assert.ok(Buffer.isBuffer(reply.body), `a ${reply.status} answer carries an error envelope`);
  const envelope = JSON.parse(reply.body.toString('utf8'));
  assert.equal(envelope.ok, false, 'the envelope is a failure');
  return envelope.error;
}

describe('media route', () => {
  let project: Project;
  const ids: Record<'mp4' | 'webm' | 'sensor' | 'depth' | 'missing' | 'avi', number> = { mp4: 0, webm: 0, sensor: 0, depth: 0, missing: 0, avi: 0 };
  let resolve: (streamId: number) => Promise<MediaFile>;
  const resolved: number[] = [];

  // the project's own media folder: what the studio made is served as it is
  const media = join(dir, 'media.media');
  before(async () => {
    mkdirSync(media);
    writeFileSync(join(media, 'clip.mp4'), bytes);
    writeFileSync(join(media, 'clip.webm'), bytes.subarray(0, 10));
    writeFileSync(join(media, 'clip.avi'), bytes);
    project = await createProject(join(dir, 'media.vskd'));
    const recordingId = (
      await addRecordings(project.db, [
        {
          name: 'rec',
          sources: [],
          streams: [
            { kind: 'video', name: 'mp4', rate: 30, length: 10, meta: { path: join(media, 'clip.mp4') } },
            { kind: 'video', name: 'webm', rate: 30, length: 1, meta: { path: join(media, 'clip.webm') } },
            { kind: 'sensor', name: 'sensor', rate: 50, length: 2, channels: [], samples: { rows: 2, cols: 1, data: new Float64Array(2) } },
            // a depth stream's file is a MAT-file, whatever its meta says
            { kind: 'depth', name: 'depth', rate: 30, length: 1, meta: { path: join(media, 'clip.mp4') } },
            { kind: 'video', name: 'missing', rate: 30, length: 1, meta: { path: join(media, 'gone.mp4') } },
            { kind: 'video', name: 'avi', rate: 30, length: 1, meta: { path: join(media, 'clip.avi') } },
          ],
        },
      ])
    )[0];
    const streams = await project.db.all<{ id: number; name: keyof typeof ids }>('SELECT id, name FROM streams WHERE recording_id = ?', [recordingId]);
    for (const s of streams) ids[s.name] = s.id;
    resolve = (streamId) => (resolved.push(streamId), resolveMediaFile(project.db, streamId));
  });
  after(() => closeProject(project));

  const get = (streamId: number | string, range?: string, method = 'GET') => mediaResponse(resolve, { method, streamId: String(streamId), range });

  it('parses single byte ranges, suffixes and open ends, and ignores what a server may ignore', () => {
    assert.equal(parseRange(undefined, SIZE), null);
    assert.deepEqual(parseRange('bytes=10-19', SIZE), { start: 10, end: 19 });
    assert.deepEqual(parseRange('bytes=990-', SIZE), { start: 990, end: 999 });
    assert.deepEqual(parseRange('bytes=990-5000', SIZE), { start: 990, end: 999 }, 'an end past the file is clamped');
    assert.deepEqual(parseRange('bytes=-5', SIZE), { start: 995, end: 999 });
    assert.deepEqual(parseRange('bytes=-5000', SIZE), { start: 0, end: 999 }, 'a suffix longer than the file is all of it');
    assert.deepEqual(parseRange('BYTES=0-0', SIZE), { start: 0, end: 0 });
    assert.equal(parseRange('bytes=1000-', SIZE), 'unsatisfiable');
    assert.equal(parseRange('bytes=1000-1001', SIZE), 'unsatisfiable');
    assert.equal(parseRange('bytes=-0', SIZE), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable', 'nothing is in an empty file');
    for (const ignored of ['bytes=5-2', 'bytes=0-1,5-6', 'items=0-1', 'bytes=-', 'bytes=a-b', 'bytes=1.5-2']) {
      assert.equal(parseRange(ignored, SIZE), null, `${ignored} is ignored`);
    }
  });

  it('serves the whole file with Accept-Ranges, and a range as 206 with Content-Range', async () => {
    const whole = await get(ids.mp4);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers['Content-Type'], 'video/mp4');
    assert.equal(whole.headers['Accept-Ranges'], 'bytes');
    assert.equal(whole.headers['Content-Length'], String(SIZE));
    assert.deepEqual(await bodyOf(whole), bytes);

    const part = await get(ids.mp4, 'bytes=10-19');
    assert.equal(part.status, 206);
    assert.equal(part.headers['Content-Range'], `bytes 10-19/${SIZE}`);
    assert.equal(part.headers['Content-Length'], '10');
    assert.deepEqual(await bodyOf(part), bytes.subarray(10, 20));

    const suffix = await get(ids.mp4, 'bytes=-7');
    assert.equal(suffix.status, 206);
    assert.equal(suffix.headers['Content-Range'], `bytes 993-999/${SIZE}`);
    assert.deepEqual(await bodyOf(suffix), bytes.subarray(993));

    const open = await get(ids.mp4, 'bytes=900-');
    assert.equal(open.headers['Content-Range'], `bytes 900-999/${SIZE}`);
    assert.deepEqual(await bodyOf(open), bytes.subarray(900));

    const webm = await get(ids.webm);
    assert.equal(webm.headers['Content-Type'], 'video/webm');
  });

  it('answers 416 with the size for a range outside the file, and 200 for an ignored one', async () => {
    const outside = await get(ids.mp4, 'bytes=1000-');
    assert.equal(outside.status, 416);
    assert.equal(outside.headers['Content-Range'], `bytes */${SIZE}`);
    assert.equal(errorOf(outside).field, 'range');
    const reversed = await get(ids.mp4, 'bytes=50-10');
    assert.equal(reversed.status, 200);
    assert.equal((await bodyOf(reversed)).length, SIZE);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(ids.mp4, 'bytes=0-99', 'HEAD');
    assert.equal(head.status, 206);
    assert.equal(head.headers['Content-Length'], '100');
    assert.equal(head.body, null);
    const post = await get(ids.mp4, undefined, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.Allow, 'GET, HEAD');
  });

  it('serves only video streams of the project, and files that exist', async () => {
    const unknown = await get(99999);
    assert.equal(unknown.status, 404);
    assert.equal(errorOf(unknown).field, 'streamId');
    for (const kind of ['sensor', 'depth'] as const) {
      const reply = await get(ids[kind]);
      assert.equal(reply.status, 400, `a ${kind} stream is not media`);
      assert.match(errorOf(reply).message, new RegExp(`${kind} stream`));
    }
    const missing = await get(ids.missing);
    assert.equal(missing.status, 404);
    assert.match(errorOf(missing).message, /gone\.mp4.*missing/);
    const avi = await get(ids.avi);
    assert.equal(avi.status, 400);
    assert.match(errorOf(avi).message, /not a container a browser plays/);
  });

  it('takes nothing but a stream id: paths, encodings and odd numbers never reach the project', async () => {
    resolved.length = 0;
    for (const id of [
      '../clip.mp4',
      '..%2fclip.mp4',
      '%2e%2e',
      `${ids.mp4}/../${ids.mp4}`,
      join(media, 'clip.mp4'),
      '0',
      `0${ids.mp4}`,
      '1.5',
      '-1',
      '1e3',
      '',
      ' 1',
    ]) {
      const reply = await get(id);
      assert.equal(reply.status, 404, `${JSON.stringify(id)} is refused`);
      assert.match(errorOf(reply).message, /is not a stream id/);
    }
    assert.deepEqual(resolved, [], 'no refused id was looked up');
  });

  it('answers Electron fetches of studio-media://media/<id> the same way', async () => {
    const part = await mediaFetch(new Request(electronMediaUrl(ids.mp4), { headers: { range: 'bytes=100-149' } }), resolve);
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-149/${SIZE}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 150));
    const otherHost = await mediaFetch(new Request(`studio-media://files/${ids.mp4}`), resolve);
    assert.equal(otherHost.status, 404);
    const outside = await mediaFetch(new Request(electronMediaUrl(ids.mp4), { headers: { range: 'bytes=5000-' } }), resolve);
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get('content-range'), `bytes */${SIZE}`);
  });
});

describe('media route in web mode', () => {
  const webDir = tempDir('vskd-media-web-');
  let server: WebServer;
  let videoId = 0;
  let sensorId = 0;

  before(async () => {
    const rendererDir = join(webDir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>VSKD Studio</title>');
    mkdirSync(join(webDir, 'web.media'));
    writeFileSync(join(webDir, 'web.media', 'clip.mp4'), bytes);
    const projectPath = join(webDir, 'web.vskd');
    const project = await createProject(projectPath);
    await addRecordings(project.db, [
      {
        name: 'rec',
        sources: [],
        streams: [
          { kind: 'video', name: 'video', rate: 30, length: 10, meta: { path: join(webDir, 'web.media', 'clip.mp4') } },
          { kind: 'sensor', name: 'sensor', rate: 50, length: 2, channels: [], samples: { rows: 2, cols: 1, data: new Float64Array(2) } },
        ],
      },
    ]);
    const streams = await project.db.all<{ id: number; kind: string }>('SELECT id, kind FROM streams');
    videoId = streams.find((s) => s.kind === 'video')!.id;
    sensorId = streams.find((s) => s.kind === 'sensor')!.id;
    await closeProject(project);
    server = await startWebServer({ rendererDir, projectPath, version: '0.0.0-test' });
  });
  after(() => server?.close());

  function fetchRaw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('needs the token, which a <video> passes in the query', async () => {
    assert.equal((await fetchRaw(`/media/${videoId}`)).status, 401);
    assert.equal((await fetchRaw(`/media/${videoId}?token=wrong`)).status, 401);
    const reply = await fetchRaw(`/media/${videoId}?token=${server.token}`, { range: 'bytes=0-3' });
    assert.equal(reply.status, 206);
    assert.equal(reply.headers['content-range'], `bytes 0-3/${SIZE}`);
    assert.equal(reply.headers['content-type'], 'video/mp4');
    assert.deepEqual(reply.body, bytes.subarray(0, 4));
    assert.match(String(reply.headers['content-security-policy']), /media-src 'self' blob: studio-media:/, "the page's policy lets <video> read this origin");
    const bearer = await fetchRaw(`/media/${videoId}`, { authorization: `Bearer ${server.token}` });
    assert.equal(bearer.status, 200);
    assert.equal(bearer.body.length, SIZE);
  });

  it('answers 416, 404 and 400 as the module does', async () => {
    const query = `?token=${server.token}`;
    const outside = await fetchRaw(`/media/${videoId}${query}`, { range: `bytes=${SIZE}-` });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers['content-range'], `bytes */${SIZE}`);
    assert.equal((await fetchRaw(`/media/${sensorId}${query}`)).status, 400);
    assert.equal((await fetchRaw(`/media/4242${query}`)).status, 404);
    assert.equal((await fetchRaw(`/media/..%2f..%2fweb.vskd${query}`)).status, 404);
  });
});

describe('media outside the project: only the file imported, unchanged', () => {
  const here = tempDir('vskd-media-src-');
  const data = join(here, 'data');
  const original = join(data, 'clip.mp4');
  let project: Project;
  let sourced = 0;
  let unsourced = 0;

  before(async () => {
    mkdirSync(data);
    writeFileSync(original, bytes);
    writeFileSync(join(here, 'secret.mp4'), Buffer.from('not for the player'));
    // a symlink placed in the media folder still has to lead into it
    mkdirSync(join(here, 'p.media'));
    symlinkSync(join(here, 'secret.mp4'), join(here, 'p.media', 'link.mp4'));
    project = await createProject(join(here, 'p.vskd'));
    await addRecordings(project.db, [
      {
        name: 'rec',
        sources: [{ role: 'video', path: original, sha256: sha256(bytes), bytes: bytes.length }],
        streams: [
          { kind: 'video', name: 'video', rate: 30, length: 10, meta: { path: original }, sourceRole: 'video' },
          { kind: 'video', name: 'link', rate: 30, length: 1, meta: { path: join(here, 'p.media', 'link.mp4') } },
        ],
      },
    ]);
    const streams = await project.db.all<{ id: number; name: string }>('SELECT id, name FROM streams');
    sourced = streams.find((s) => s.name === 'video')!.id;
    unsourced = streams.find((s) => s.name === 'link')!.id;
  });
  after(() => closeProject(project));

  const forbidden = (problem: RegExp) => (err: unknown) => {
    assert.ok(err instanceof StudioError, String(err));
    assert.equal(err.code, 'FORBIDDEN', err.message);
    assert.ok(!err.message.includes('\n') && !err.message.includes('not for the player'), err.message);
    assert.match(err.message, problem);
    return true;
  };

  it('serves the imported file while its path, size and checksum are the stored ones', async () => {
    assert.deepEqual(await resolveMediaFile(project.db, sourced), { path: original, bytes: SIZE, contentType: 'video/mp4' });
  });

  it('refuses a symlink in the media folder that leads out of it, with a 403 from the route', async () => {
    await assert.rejects(resolveMediaFile(project.db, unsourced), forbidden(/outside the project's media folder and was not imported with a checksum/));
    const reply = await mediaResponse((id) => resolveMediaFile(project.db, id), { method: 'GET', streamId: String(unsourced) });
    assert.equal(reply.status, 403);
    assert.equal(errorOf(reply).code, 'FORBIDDEN');
  });

  it('refuses the file once replaced by a symlink to another file, and serves it again once restored', async () => {
    renameSync(original, `${original}.kept`);
    symlinkSync(join(here, 'secret.mp4'), original);
    await assert.rejects(resolveMediaFile(project.db, sourced), forbidden(/now leads to .*secret\.mp4, not to the file imported/));
    // even a symlink to a copy of the very bytes: it is not the file imported
    rmSync(original);
    symlinkSync(`${original}.kept`, original);
    await assert.rejects(resolveMediaFile(project.db, sourced), forbidden(/now leads to .*clip\.mp4\.kept/));
    rmSync(original);
    renameSync(`${original}.kept`, original);
    assert.equal((await resolveMediaFile(project.db, sourced)).path, original);
  });

  it('refuses the file once its content changed, in size or in a byte', async () => {
    const flipped = Buffer.from(bytes);
    flipped[500] ^= 0xff;
    writeFileSync(original, flipped);
    utimesSync(original, new Date(), new Date(Date.now() + 5000)); // a new mtime, as any write leaves
    await assert.rejects(resolveMediaFile(project.db, sourced), forbidden(/its content changed since it was imported/));
    writeFileSync(original, bytes.subarray(0, 10));
    await assert.rejects(resolveMediaFile(project.db, sourced), forbidden(/its content changed since it was imported/));
    writeFileSync(original, bytes);
    assert.equal((await resolveMediaFile(project.db, sourced)).bytes, SIZE);
  });
});
