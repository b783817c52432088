/**
 * A video stream's file for an HTML5 <video>: found by stream id in the open project (a request
 * never names a path), served only while it is the file the project knows (resolveMediaFile), answered with HTTP Range support so the player can seek. Plain Node: the
 * web mode's /media route and Electron's studio-media: protocol are thin adapters over
 * mediaResponse and mediaFetch.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative } from 'node:path';
import { sha256File } from '../files/checksum.ts';
import { Readable } from 'node:stream';
import { playbackPath } from './proxy.ts';
import { StudioError, toStudioError, type ErrorCode } from '../shared/errors.ts';
import type { Database } from '../store/db.ts';
import { mediaDir } from '../store/media.ts';
import { getStream } from '../store/recordings.ts';
import { mediaHost } from '../shared/mediaUrl.ts';

/** the containers a browser's <video> plays */
const videoTypes: Record<string, string> = { '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.webm': 'video/webm' };

export function videoContentType(path: string): string | null {
  return videoTypes[extname(path).toLowerCase()] ?? null;
}

export interface MediaFile {
  path: string;
  bytes: number;
  contentType: string;
}

/** What was checked of a file outside the media folder, so that a player's many range requests hash it once. */
interface Verified {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Real path → the state of the file when its checksum last matched the project's. */
const verified = new Map<string, Verified>();

const sameState = (a: Verified, b: Verified): boolean => a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

const refused = (path: string, streamId: number, why: string): StudioError =>
  new StudioError('FORBIDDEN', `${path}: not served as the video of stream ${streamId}: ${why}`, { file: path, field: 'streamId' });

/**
 * The file of video stream `streamId`: its registered meta.path, and only a video stream's, served only
 * when it is still what the project knows. A file in the project's media folder (the studio made it) is
 * served as it is; any other file only while its real path is the path stored at import (no symlink
 * swapped in) and its size and sha256 are the stored ones. The checksum is computed again whenever the
 * file's size, mtime or inode differ from when it last matched.
 */
export async function resolveMediaFile(db: Database, streamId: number): Promise<MediaFile> {
  const stream = await getStream(db, streamId);
  if (stream.kind !== 'video') {
    throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is a ${stream.kind} stream; only video streams are served as media`, { field: 'streamId' });
  }
  // a video no browser plays is served as its proxy (main/media/proxy.ts)
  const path = playbackPath(stream.meta);
  if (path === null || path === '') {
    throw new StudioError('NOT_FOUND', `video stream ${streamId} has no file a browser plays yet (its proxy is not made: import it again)`, {
      field: 'streamId',
    });
  }
  const contentType = videoContentType(path);
  if (!contentType) {
    throw new StudioError('INVALID_ARGUMENT', `${path}: not a container a browser plays (${Object.keys(videoTypes).join(', ')})`, {
      file: path,
      field: 'streamId',
    });
  }
  const real = await realpath(path).catch(() => null);
  const info = real === null ? null : await stat(real).catch(() => null);
  if (real === null || !info?.isFile()) throw new StudioError('NOT_FOUND', `${path}: the file of video stream ${streamId} is missing`, { file: path });
  const media = await realpath(mediaDir(db.path)).catch(() => null);
  if (media !== null && isInside(media, real)) return { path: real, bytes: info.size, contentType };

  const source = await db.get<{ path: string; sha256: string; bytes: number }>(
    'SELECT sources.path, sources.sha256, sources.bytes FROM streams JOIN sources ON sources.id = streams.source_id WHERE streams.id = ?',
    [streamId],
  );
  if (!source) throw refused(path, streamId, "it is outside the project's media folder and was not imported with a checksum");
  if (real !== source.path) throw refused(path, streamId, `it now leads to ${real}, not to the file imported (${source.path})`);
  const state: Verified = { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs };
  const known = verified.get(real);
  if (!known || !sameState(known, state)) {
    verified.delete(real);
    const now = info.size === source.bytes ? await sha256File(real) : null;
    if (now?.sha256 !== source.sha256) throw refused(path, streamId, 'its content changed since it was imported (size or sha256 differ); import it again');
    verified.set(real, state);
  }
  return { path: real, bytes: info.size, contentType };
}

/** Inclusive byte positions. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a Range header asks of a file of `size` bytes (RFC 9110 §14): null to send the whole
 * file (no header, another unit, several ranges, or an invalid range-spec, all of which a server
 * may ignore), 'unsatisfiable' for a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (header === undefined) return null;
  const match = /^bytes=[ \t]*(\d*)-(\d*)[ \t]*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, first, last] = match;
  if (first === '') {
    // a suffix: the last N bytes
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

export interface MediaRequest {
  method: string;
  /** the id as it appears in the URL: digits only, or the request is refused */
  streamId: string;
  range?: string;
}

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  /** a stream of the file's bytes, an error envelope, or nothing (HEAD, an empty file) */
  body: Readable | Buffer | null;
}

const statusOfCode: Partial<Record<ErrorCode, number>> = { INVALID_ARGUMENT: 400, NOT_FOUND: 404, FORBIDDEN: 403, UNAVAILABLE: 503 };

function failure(status: number, error: StudioError, headers: Record<string, string> = {}): MediaResponse {
  const body = Buffer.from(JSON.stringify({ ok: false, error: error.toJSON() }));
  return { status, headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) }, body };
}

export async function mediaResponse(resolve: (streamId: number) => Promise<MediaFile>, request: MediaRequest): Promise<MediaResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return failure(405, new StudioError('INVALID_ARGUMENT', `${request.method}: media is read with GET or HEAD`, { field: 'method' }), { Allow: 'GET, HEAD' });
  }
  if (!/^[1-9]\d{0,14}$/.test(request.streamId)) {
    return failure(404, new StudioError('NOT_FOUND', `media: ${JSON.stringify(request.streamId)} is not a stream id`, { field: 'streamId' }));
  }
  let file: MediaFile;
  try {
    file = await resolve(Number(request.streamId));
  } catch (err) {
    const error = toStudioError(err);
    return failure(statusOfCode[error.code] ?? 500, error);
  }
  const range = parseRange(request.range, file.bytes);
  if (range === 'unsatisfiable') {
    const error = new StudioError('INVALID_ARGUMENT', `Range: ${request.range} lies outside the ${file.bytes} bytes of stream ${request.streamId}`, {
      field: 'range',
    });
    return failure(416, error, { 'Content-Range': `bytes */${file.bytes}`, 'Accept-Ranges': 'bytes' });
  }
  const { start, end } = range ?? { start: 0, end: file.bytes - 1 };
  const length = end - start + 1;
  const headers: Record<string, string> = { 'Content-Type': file.contentType, 'Accept-Ranges': 'bytes', 'Content-Length': String(length) };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${file.bytes}`;
  const body = request.method === 'HEAD' || length === 0 ? null : createReadStream(file.path, { start, end });
  return { status: range ? 206 : 200, headers, body };
}

/** The same answer as a fetch Response, for Electron's protocol.handle: studio-media://media/<streamId>. */
export async function mediaFetch(request: Request, resolve: (streamId: number) => Promise<MediaFile>): Promise<Response> {
  const url = new URL(request.url);
  const streamId = url.host === mediaHost ? url.pathname.slice(1) : '';
  const reply = await mediaResponse(resolve, { method: request.method, streamId, range: request.headers.get('range') ?? undefined });
  const body = reply.body instanceof Readable ? (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>) : reply.body && new Uint8Array(reply.body);
  return new Response(body, { status: reply.status, headers: reply.headers });
}
