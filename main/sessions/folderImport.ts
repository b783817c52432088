/**
 * A folder of your own recordings, paired by filename patterns (folderPlan.ts): previewed (every file
 * read, nothing stored) or imported as one job. The import stores recordings in batches as they are
 * read, so that the recording list shows them while it runs; then it makes the proxy videos, a few at
 * a time. Recordings already in the project are skipped (their missing proxies made); files that do
 * not read are reported and left out. A cancel keeps the batches stored and the finished proxies.
 */
import { relative, resolve } from 'node:path';
import { addNewRecordings } from '../datasets/addNewRecordings.ts';
import { mapPool } from '../files/pool.ts';
import { displaySize } from '../media/probe.ts';
import { shortSiblings } from '../sensors/siblings.ts';
import { StudioError, throwIfCancelled } from '../shared/errors.ts';
import { mediaDir } from '../store/media.ts';
import type { Project } from '../store/project.ts';
import { recordingNames, type RecordingInput } from '../store/recordings.ts';
import { matchFolder, type FileFailure, type FolderMatch, type FolderRequest, type PlannedRecording } from './folderPlan.ts';
import { ALREADY_THERE, emptyReport, type ImportProgress, type SessionImportReport } from './importSession.ts';
import { makeProxies } from './proxies.ts';
import { readSession } from './readRecording.ts';
import { readSensorStream } from './sensorStream.ts';
import { probeSessionVideo } from './sessionVideo.ts';

/** Files read at once: reading is mostly waiting on the disk and on ffprobe. */
const READERS = 4;
/** A batch is stored once it holds this many recordings, or this long after the last. */
const BATCH_RECORDINGS = 50;
const BATCH_MS = 1000;

export interface FolderPlan {
  dir: string;
  counts: {
    files: number;
    recordings: number;
    new: number;
    existing: number;
    sensorFiles: number;
    videos: number;
    proxies: number;
    unmatched: number;
    failures: number;
  };
  recordings: {
    name: string;
    subject: string | null;
    trial: number | null;
    label: string | null;
    video: { file: string; codec: string; width: number; height: number; duration: number; proxy: boolean } | null;
    sensors: { file: string; stream: string; rows: number; channels: number; rate: number; seconds: number }[];
    exists: boolean;
  }[];
  unmatched: string[];
  failures: FileFailure[];
  warnings: string[];
}

/** The folder's pairing, leaving out the project's own file and media folder when they lie inside it. */
async function match(project: Project | null, request: FolderRequest): Promise<FolderMatch> {
  const existing = project ? await recordingNames(project.db) : new Set<string>();
  const skip = new Set(project ? [project.path, `${project.path}-wal`, `${project.path}-shm`, `${project.path}-journal`, mediaDir(project.path)] : []);
  return matchFolder({ ...request, dir: resolve(request.dir) }, existing, skip);
}

/** A read failure against the file it names (relative to the folder), else the recording's first file. */
function failureOf(dir: string, recording: PlannedRecording, err: unknown): FileFailure {
  const file = err instanceof StudioError && err.detail.file ? relative(dir, err.detail.file) : recording.relative[0];
  return { file, reason: err instanceof Error ? err.message : String(err) };
}

/** Per wearable (stream name), the files far shorter than the others of this import. */
function siblingWarnings(lengths: { stream: string; file: string; seconds: number }[]): string[] {
  const byStream = new Map<string, typeof lengths>();
  for (const length of lengths) byStream.set(length.stream, [...(byStream.get(length.stream) ?? []), length]);
  return [...byStream.values()].flatMap((items) => shortSiblings(items).map((s) => s.warning));
}

/** What importFolder would do, reading every file of the recordings it would add, storing nothing. */
export async function previewFolder(project: Project | null, request: FolderRequest, signal?: AbortSignal): Promise<FolderPlan> {
  const dir = resolve(request.dir);
  const found = await match(project, request);
  const failures = [...found.failures];
  const warnings: string[] = [];
  const lengths: { stream: string; file: string; seconds: number }[] = [];
  const planned = await mapPool(found.recordings, READERS, async (recording): Promise<FolderPlan['recordings'][number] | null> => {
    throwIfCancelled(signal, `preview of ${dir} cancelled`);
    const entry = { name: recording.name, subject: recording.subject, trial: recording.trial, label: recording.label, exists: recording.exists };
    if (recording.exists) return { ...entry, video: null, sensors: [] };
    try {
      const sensors = [];
      for (const sensor of recording.sensors) {
        const read = await readSensorStream(sensor.file, sensor.stream, sensor.options);
        sensors.push({
          file: relative(dir, sensor.file),
          stream: sensor.stream,
          rows: read.stream.length,
          channels: read.stream.channels?.length ?? 0,
          rate: read.stream.rate,
          seconds: read.seconds,
        });
        warnings.push(...read.warnings);
      }
      let video: FolderPlan['recordings'][number]['video'] = null;
      if (recording.video) {
        const { info, need } = await probeSessionVideo(recording.video, signal);
        video = { file: relative(dir, recording.video), codec: info.codec, ...displaySize(info), duration: info.duration, proxy: need !== 'none' };
      }
      lengths.push(...sensors.map((s) => ({ stream: s.stream, file: s.file, seconds: s.seconds })));
      return { ...entry, video, sensors };
    } catch (err) {
      failures.push(failureOf(dir, recording, err));
      return null;
    }
  });
  const recordings = planned.filter((r) => r !== null);
  warnings.push(...siblingWarnings(lengths));
  const fresh = recordings.filter((r) => !r.exists);
  return {
    dir,
    counts: {
      files: found.files,
      recordings: recordings.length,
      new: fresh.length,
      existing: recordings.length - fresh.length,
      sensorFiles: fresh.reduce((n, r) => n + r.sensors.length, 0),
      videos: fresh.filter((r) => r.video).length,
      proxies: fresh.filter((r) => r.video?.proxy).length,
      unmatched: found.unmatched.length,
      failures: failures.length,
    },
    recordings,
    unmatched: found.unmatched,
    failures,
    warnings,
  };
}

export async function importFolder(project: Project, request: FolderRequest, opts: ImportProgress = {}): Promise<SessionImportReport> {
  const started = performance.now();
  const dir = resolve(request.dir);
  const found = await match(project, request);
  const report = emptyReport();
  report.skipped.push(...found.failures.map((f) => ({ name: f.file, reason: f.reason })));
  const todo = found.recordings.filter((r) => !r.exists);
  report.skipped.push(...found.recordings.filter((r) => r.exists).map((r) => ({ name: r.name, reason: ALREADY_THERE })));
  const lengths: { stream: string; file: string; seconds: number }[] = [];

  const stored = new Set<string>();
  let batch: RecordingInput[] = [];
  let lastCommit = performance.now();
  let committing: Promise<void> = Promise.resolve();
  /** stores the batch read so far, one batch after another */
  const commit = () => {
    const inputs = batch;
    batch = [];
    lastCommit = performance.now();
    committing = committing.then(async () => {
      if (inputs.length === 0) return;
      const { added, alreadyThere } = await addNewRecordings(project.db, inputs);
      report.imported += added.length;
      for (const input of added) stored.add(input.name);
      report.skipped.push(...alreadyThere.map((name) => ({ name, reason: ALREADY_THERE })));
    });
    return committing;
  };
  const cancelled = () =>
    `folder import of ${dir} cancelled after ${report.imported} recordings: those are kept; importing again adds the other ${todo.length - report.imported}`;
  // read out of order, stored in the folder's order: undefined while unread, null once failed or taken into a batch
  const reads: (RecordingInput | null | undefined)[] = new Array(todo.length);
  let front = 0;
  let done = 0;
  try {
    await mapPool(todo, READERS, async (recording, index) => {
      if (opts.signal?.aborted) return;
      try {
        const read = await readSession(recording, opts.signal);
        reads[index] = read.input;
        report.warnings.push(...read.warnings);
        lengths.push(...read.sensors.map((s) => ({ stream: s.stream.name, file: relative(dir, s.file), seconds: s.seconds })));
      } catch (err) {
        if (opts.signal?.aborted) return;
        reads[index] = null;
        report.skipped.push({ name: recording.name, reason: failureOf(dir, recording, err).reason });
      }
      for (; front < todo.length && reads[front] !== undefined; front++) {
        if (reads[front]) batch.push(reads[front]!);
        reads[front] = null;
      }
      opts.onProgress?.(++done, todo.length, `read ${recording.name}`);
      if (batch.length >= BATCH_RECORDINGS || performance.now() - lastCommit >= BATCH_MS) await commit();
    });
  } finally {
    // what was read before a cancel is not stored; what a batch began storing finishes
    if (!opts.signal?.aborted) await commit();
    await committing;
  }
  throwIfCancelled(opts.signal, cancelled());
  report.warnings.push(...siblingWarnings(lengths));
  const names = new Set(found.recordings.map((r) => r.name));
  const rows = await project.db.all<{ id: number; name: string }>('SELECT id, name FROM recordings ORDER BY id');
  const matched = rows.filter((r) => names.has(r.name));
  report.recordings = matched.filter((r) => stored.has(r.name));
  report.videos = await makeProxies(project.db, new Set(matched.map((r) => r.id)), {
    signal: opts.signal,
    concurrency: opts.videoJobs,
    onProgress: opts.onProgress,
  });
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
