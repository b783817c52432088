/**
 * The proxy videos of recordings already stored: one per video stream that needs one and has none
 * (meta.needsProxy, no meta.playbackPath), a few ffmpeg processes at once, each registered as it is
 * done. A cancel kills the ones in flight (their partial files removed) and keeps the finished ones;
 * importing again makes the rest. A proxy that fails is reported and its recording kept: its frames
 * still decode from the original.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mapPool } from '../files/pool.ts';
import { makeProxy, proxyExtension, proxyNeed } from '../media/proxy.ts';
import { probeVideo, type VideoInfo } from '../media/probe.ts';
import { StudioError, throwIfCancelled } from '../shared/errors.ts';
import type { Database } from '../store/db.ts';
import { mediaDir } from '../store/media.ts';
import { updateStreamMeta } from '../store/streams.ts';

export interface ProxyReport {
  /** made now */
  made: number;
  /** finished by an earlier, interrupted run: only registered now */
  reused: number;
  failed: { name: string; reason: string }[];
}

export interface ProxyJobOptions {
  /** ffmpeg processes at once (default 2 to 4, by the machine's cores) */
  concurrency?: number;
  signal?: AbortSignal;
  /** seconds of video done and in all, and what is being made */
  onProgress?: (doneSeconds: number, totalSeconds: number, message: string) => void;
}

interface PendingProxy {
  streamId: number;
  recording: string;
  recordingId: number;
  original: string;
  duration: number;
  frames: number;
}

/** The video streams of these recordings that need a proxy and have none yet. */
async function pendingProxies(db: Database, recordingIds: ReadonlySet<number>): Promise<PendingProxy[]> {
  const rows = await db.all<{ id: number; recording_id: number; name: string; length: number; meta: string }>(
    `SELECT s.id, s.recording_id, r.name, s.length, s.meta FROM streams s JOIN recordings r ON r.id = s.recording_id WHERE s.kind = 'video' ORDER BY s.id`,
  );
  return rows.flatMap((row) => {
    const meta = JSON.parse(row.meta) as Record<string, unknown>;
    if (!recordingIds.has(row.recording_id) || meta.needsProxy !== true || typeof meta.playbackPath === 'string' || typeof meta.path !== 'string') return [];
    const duration = typeof meta.duration === 'number' ? meta.duration : 0;
    return [{ streamId: row.id, recording: row.name, recordingId: row.recording_id, original: meta.path, duration, frames: row.length }];
  });
}

/** Where a recording's proxy goes: <project>.media/proxy/<id>-<name>.<ext> (the id keeps renamed recordings apart). */
export function proxyPath(projectPath: string, recordingId: number, name: string, ext: string): string {
  return join(mediaDir(projectPath), 'proxy', `${recordingId}-${name.replace(/[^\w.-]+/g, '_').slice(0, 80)}${ext}`);
}

/** A finished proxy of an earlier run: it probes, with the original's frame count (to a frame). */
async function finishedProxy(out: string, frames: number): Promise<boolean> {
  const info = await probeVideo(out).catch(() => null);
  return info !== null && Math.abs(info.frameCount - frames) <= 1;
}

async function proxyOf(db: Database, item: PendingProxy, signal: AbortSignal, onSeconds: (s: number) => void): Promise<'made' | 'reused'> {
  const info: VideoInfo = await probeVideo(item.original, { signal });
  let need = proxyNeed(item.original, info);
  if (need === 'none') need = 'transcode'; // marked at import, so the route does not serve it: make one anyway
  let out = proxyPath(db.path, item.recordingId, item.recording, proxyExtension(info, need));
  let outcome: 'made' | 'reused' = 'reused';
  if (!(await finishedProxy(out, item.frames))) {
    outcome = 'made';
    try {
      await makeProxy(item.original, out, info, need, { signal, onProgress: onSeconds });
    } catch (err) {
      // a stream copy some containers' timestamps refuse: encode it instead
      if (need !== 'remux' || signal.aborted || !(err instanceof StudioError && err.code === 'BAD_INPUT')) throw err;
      out = proxyPath(db.path, item.recordingId, item.recording, proxyExtension(info, 'transcode'));
      await makeProxy(item.original, out, info, 'transcode', { signal, onProgress: onSeconds });
    }
  }
  const made = await probeVideo(out);
  await updateStreamMeta(db, item.streamId, { playbackPath: out, playbackCodec: made.codec });
  return outcome;
}

export async function makeProxies(db: Database, recordingIds: ReadonlySet<number>, opts: ProxyJobOptions = {}): Promise<ProxyReport> {
  const todo = await pendingProxies(db, recordingIds);
  const report: ProxyReport = { made: 0, reused: 0, failed: [] };
  if (todo.length === 0) return report;
  await mkdir(join(mediaDir(db.path), 'proxy'), { recursive: true });
  const total = Math.max(1, Math.ceil(todo.reduce((sum, item) => sum + item.duration, 0)));
  // seconds of video: those of finished proxies, and how far each one in flight has come
  const inFlight = new Map<number, number>();
  let finishedSeconds = 0;
  let finished = 0;
  const tell = (message: string) => {
    const now = finishedSeconds + [...inFlight.values()].reduce((a, b) => a + b, 0);
    opts.onProgress?.(Math.min(total, Math.floor(now)), total, message);
  };
  const concurrency = opts.concurrency ?? Math.min(4, Math.max(2, availableParallelism()));
  const signal = opts.signal ?? new AbortController().signal;
  tell(`video proxies: 0 of ${todo.length}`);
  await mapPool(todo, concurrency, async (item) => {
    if (signal.aborted) return;
    const message = `video proxy ${finished + 1} of ${todo.length}: ${item.recording}`;
    const onSeconds = (seconds: number) => {
      inFlight.set(item.streamId, Math.min(seconds, item.duration));
      tell(message);
    };
    try {
      report[await proxyOf(db, item, signal, onSeconds)]++;
    } catch (err) {
      if (signal.aborted) return; // reported once, below
      report.failed.push({ name: item.recording, reason: err instanceof Error ? err.message : String(err) });
    } finally {
      inFlight.delete(item.streamId);
      finishedSeconds += item.duration;
      tell(`video proxies: ${++finished} of ${todo.length} (${item.recording})`);
    }
  });
  const done = report.made + report.reused;
  const left = todo.length - done - report.failed.length;
  if (left > 0) {
    throwIfCancelled(
      opts.signal,
      `video proxies cancelled with ${done} of ${todo.length} made: the recordings and the finished proxies are kept; importing again makes the other ${left}`,
    );
  }
  return report;
}
