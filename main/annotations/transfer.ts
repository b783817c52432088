/**
 * Annotations out of the project into CSV or ELAN files, and back in.
 *
 * Import never overwrites: it matches recordings and labels by name (creating missing labels), skips
 * a segment identical to one already there (same label, same times to ELAN's 1 ms), and reports one
 * that overlaps a segment of another label as a conflict instead of adding it. Everything else is
 * added in one transaction; a bad file or an unknown recording stores nothing.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badInput, clipText, StudioError } from '../shared/errors.ts';
import { bothClocks, checkTimes, insertAnnotation, listAnnotations, recordingClock, type RecordingClock, type TimeBase } from '../store/annotations.ts';
import type { Database, Queryable } from '../store/db.ts';
import { checkLabelName, ensureLabels, listLabels } from '../store/labels.ts';
import { listRecordings, recordingNames } from '../store/recordings.ts';
import { parseAnnotationsCsv, writeAnnotationsCsv } from './csv.ts';
import { parseEaf, writeEaf } from './elan.ts';
import type { ExportedAnnotation, ImportedSegment, SegmentSource } from './segments.ts';

export type AnnotationFormat = 'csv' | 'eaf';
export const annotationFormats: readonly AnnotationFormat[] = ['csv', 'eaf'];

/** Segments this close (seconds of video time) are the same segment: ELAN keeps whole milliseconds. */
const SAME = 0.001 + 1e-9;

export interface ExportOptions {
  format: AnnotationFormat;
  /** csv: the file; eaf: a folder (one .eaf per recording), or a .eaf file when one recording is exported */
  path: string;
  /** default: every recording */
  recordingIds?: number[];
  /** replace files that exist already (default: refuse with CONFLICT, before writing any) */
  force?: boolean;
}

/** How long work reports itself and hears a cancel (the job manager's progress and signal). */
export interface Progress {
  progress?: (done: number, total: number, message: string) => void;
  /** checked between files: a cancelled export keeps the whole files it wrote, a cancelled import stores nothing */
  signal?: AbortSignal;
}

export interface ExportReport {
  format: AnnotationFormat;
  files: string[];
  recordings: number;
  annotations: number;
}

export interface ImportOptions {
  /** a .csv or .eaf file, or a folder of them */
  path: string;
  /** default: from each file's extension */
  format?: AnnotationFormat;
  /** report what would happen, store nothing */
  dryRun?: boolean;
}

export interface ImportConflict {
  source: SegmentSource;
  recording: string;
  label: string;
  timeBase: TimeBase;
  start: number;
  end: number;
  /** the segment it overlaps: stored (id), or earlier in this import (id null, with its source) */
  existing: { id: number | null; label: string; startVideo: number; endVideo: number; source?: SegmentSource };
}

export interface ImportReport {
  dryRun: boolean;
  files: string[];
  added: number;
  skippedDuplicates: number;
  labelsCreated: string[];
  conflicts: ImportConflict[];
}

async function isDirectory(path: string): Promise<boolean | null> {
  const info = await stat(path).catch(() => null);
  return info ? info.isDirectory() : null;
}

/** CONFLICT naming the first of `files` that exists, unless `force`: an export replaces nothing unasked. */
async function refuseToReplace(files: string[], force: boolean | undefined): Promise<void> {
  if (force) return;
  for (const file of files) {
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    ) {
      throw new StudioError('CONFLICT', `${file}: a file already exists there; export with force (--force) to replace it`, { file, field: 'path' });
    }
  }
}

/** Writes next to the target, then renames: a failed export leaves no half-written file. */
async function writeWhole(path: string, text: string): Promise<void> {
  const partial = `${path}.partial`;
  await writeFile(partial, text, 'utf8');
  await rename(partial, path);
}

/** A recording name as a file name: characters no file system takes become '_'. */
function fileNameOf(name: string): string {
  return name.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').replace(/^\.+/, '_') || '_';
}

export async function exportAnnotations(db: Queryable, options: ExportOptions, { progress, signal }: Progress = {}): Promise<ExportReport> {
  const path = resolve(options.path);
  const all = await listRecordings(db);
  const wanted = options.recordingIds ? new Set(options.recordingIds) : null;
  for (const id of wanted ?? []) {
    if (!all.some((r) => r.id === id)) throw new StudioError('NOT_FOUND', `no recording with id ${id}`, { field: 'recordingIds' });
  }
  const recordings = wanted ? all.filter((r) => wanted.has(r.id)) : all;
  const names = new Map(recordings.map((r) => [r.id, r.name]));
  const annotations: ExportedAnnotation[] = (await listAnnotations(db))
    .filter((a) => names.has(a.recordingId))
    .map((a) => ({ ...a, recording: names.get(a.recordingId)! }));
  const kind = await isDirectory(path);

  if (options.format === 'csv') {
    if (kind === true) throw new StudioError('INVALID_ARGUMENT', `${path} is a folder: CSV export writes one file (e.g. annotations.csv)`, { field: 'path' });
    await refuseToReplace([path], options.force);
    await mkdir(dirname(path), { recursive: true });
    await writeWhole(path, writeAnnotationsCsv(annotations));
    progress?.(1, 1, basename(path));
    return { format: 'csv', files: [path], recordings: recordings.length, annotations: annotations.length };
  }

  const single = kind !== true && extname(path).toLowerCase() === '.eaf';
  if (single && recordings.length !== 1) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${path} is one .eaf file but ${recordings.length} recordings are to be exported: give a folder, or choose one recording`,
      { field: 'path' },
    );
  }
  if (kind === false && !single)
    throw new StudioError('INVALID_ARGUMENT', `${path} is a file: ELAN export of several recordings writes into a folder`, { field: 'path' });
  const dir = single ? dirname(path) : path;
  const taken = new Set<string>();
  const targets = recordings.map((recording) => {
    let stem = fileNameOf(recording.name);
    // two names may differ only in characters replaced, or in case on a case-insensitive disk
    if (taken.has(stem.toLowerCase())) stem = `${stem}-${recording.id}`;
    taken.add(stem.toLowerCase());
    return { recording, file: single ? path : join(dir, `${stem}.eaf`) };
  });
  const files = targets.map((t) => t.file);
  await refuseToReplace(files, options.force);
  await mkdir(dir, { recursive: true });
  const labels = await listLabels(db);
  const date = new Date();
  for (const [done, { recording, file }] of targets.entries()) {
    signal?.throwIfAborted();
    const video = recording.streams.find((s) => s.kind === 'video' && typeof s.meta.path === 'string');
    const text = writeEaf({
      recording: recording.name,
      mediaPath: video ? resolve(video.meta.path as string) : null,
      eafDir: dir,
      clock: (await recordingClock(db, recording.id)).clock,
      labels,
      annotations: annotations.filter((a) => a.recordingId === recording.id),
      date,
    });
    await writeWhole(file, text);
    progress?.(done + 1, targets.length, basename(file));
  }
  return { format: 'eaf', files, recordings: recordings.length, annotations: annotations.length };
}

function formatOf(file: string, given: AnnotationFormat | undefined): AnnotationFormat | null {
  if (given) return given;
  const ext = extname(file).toLowerCase().slice(1);
  return (annotationFormats as readonly string[]).includes(ext) ? (ext as AnnotationFormat) : null;
}

/** The files to read: the one given, or the folder's .csv/.eaf files (only the given format's). */
async function inputFiles(path: string, format: AnnotationFormat | undefined): Promise<{ file: string; format: AnnotationFormat }[]> {
  const kind = await isDirectory(path);
  if (kind === null) throw new StudioError('NOT_FOUND', `${path}: no such file or folder`, { file: path, field: 'path' });
  if (kind === false) {
    const found = formatOf(path, format);
    if (!found) throw new StudioError('INVALID_ARGUMENT', `${path}: cannot tell the format from the extension: give format csv or eaf`, { field: 'format' });
    return [{ file: path, format: found }];
  }
  const entries = (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  const files = entries.flatMap((name) => {
    const found = formatOf(name, undefined);
    return found && (!format || found === format) ? [{ file: join(path, name), format: found }] : [];
  });
  if (files.length === 0)
    throw new StudioError('NOT_FOUND', `${path}: no ${format ? `.${format}` : '.csv or .eaf'} files in this folder`, { file: path, field: 'path' });
  return files;
}

/** An .eaf's recording: its vskd:recording property, else the file's name, else its media file's name. */
function eafRecording(file: string, recording: string | null, media: string[], known: Set<string>): string {
  const mediaNames = media.map((url) => {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    return basename(path, extname(path));
  });
  const candidates = [...(recording ? [recording] : []), basename(file, extname(file)), ...mediaNames];
  const found = candidates.find((name) => known.has(name));
  if (found) return found;
  throw new StudioError('NOT_FOUND', `${file}: no recording named ${candidates.map((c) => JSON.stringify(clipText(c))).join(' or ')} in the project`, {
    file,
    field: 'recording',
  });
}

/** An annotation file of more than this is no annotation file (a long session's .eaf is a few MB). */
export const MAX_ANNOTATION_FILE_BYTES = 64 * 2 ** 20;

/** A file's text: refused when over the size limit (before reading it) or when it is not UTF-8. */
async function readAnnotationText(file: string): Promise<string> {
  const cannot = (err: NodeJS.ErrnoException): never => {
    throw new StudioError(err.code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_INPUT', `${file}: cannot read: ${err.code ?? err.message}`, { file });
  };
  const info = await stat(file).catch(cannot);
  if (info.size > MAX_ANNOTATION_FILE_BYTES) {
    throw badInput(file, `${info.size} bytes, over the limit of ${MAX_ANNOTATION_FILE_BYTES} for an annotation file`);
  }
  const bytes = await readFile(file).catch(cannot);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badInput(file, 'is not UTF-8 text');
  }
}

async function readSegments(db: Queryable, files: { file: string; format: AnnotationFormat }[], { progress, signal }: Progress): Promise<ImportedSegment[]> {
  const known = await recordingNames(db);
  const segments: ImportedSegment[] = [];
  for (const [done, { file, format }] of files.entries()) {
    signal?.throwIfAborted();
    progress?.(done, files.length, `reading ${basename(file)}`);
    const text = await readAnnotationText(file);
    if (format === 'csv') segments.push(...parseAnnotationsCsv(text, file));
    else {
      const eaf = parseEaf(text, file);
      const recording = eafRecording(file, eaf.recording, eaf.media, known);
      segments.push(...eaf.segments.map((s) => ({ ...s, recording })));
    }
  }
  progress?.(files.length, files.length, `${segments.length} segment(s) read`);
  return segments;
}

interface Present {
  id: number | null;
  label: string;
  startVideo: number;
  endVideo: number;
  source?: SegmentSource;
}

/** A StudioError about a segment's values, restated as a problem at its place in the file. */
function atSource(err: unknown, source: SegmentSource): unknown {
  if (!(err instanceof StudioError) || err.code !== 'INVALID_ARGUMENT') return err;
  return badInput(source.file, `${source.element ? `${source.element}: ` : ''}${err.message}`, { line: source.line, field: err.detail.field });
}

export async function importAnnotations(db: Database, options: ImportOptions, reporting: Progress = {}): Promise<ImportReport> {
  const path = resolve(options.path);
  const files = await inputFiles(path, options.format);
  // every file is read and checked before the project is touched
  const segments = await readSegments(db, files, reporting);
  reporting.signal?.throwIfAborted();
  const dryRun = options.dryRun === true;

  return db.transaction(async (tx) => {
    const recordingIds = new Map((await tx.all<{ id: number; name: string }>('SELECT id, name FROM recordings')).map((r) => [r.name, r.id]));
    const labelIds = new Map((await listLabels(tx)).map((l) => [l.name, l.id]));
    const recordings = new Map<number, { clock: RecordingClock; present: Present[] }>();
    const report: ImportReport = { dryRun, files: files.map((f) => f.file), added: 0, skippedDuplicates: 0, labelsCreated: [], conflicts: [] };

    for (const segment of segments) {
      const { source } = segment;
      const recordingId = recordingIds.get(segment.recording);
      if (recordingId === undefined) {
        throw new StudioError('NOT_FOUND', `${source.file}:${source.line}: no recording named ${clipText(segment.recording)} in the project`, {
          file: source.file,
          line: source.line,
          field: 'recording',
        });
      }
      let recording = recordings.get(recordingId);
      if (!recording) {
        const stored = await listAnnotations(tx, { recordingId });
        recording = { clock: await recordingClock(tx, recordingId), present: stored };
        recordings.set(recordingId, recording);
      }
      let label: string;
      try {
        label = checkLabelName(segment.label, 'label');
        checkTimes(recording.clock, segment.start, segment.end, segment.timeBase);
      } catch (err) {
        throw atSource(err, source);
      }
      const { startVideo, endVideo } = bothClocks(recording.clock.clock, segment.start, segment.end, segment.timeBase);

      if (recording.present.some((p) => p.label === label && Math.abs(p.startVideo - startVideo) <= SAME && Math.abs(p.endVideo - endVideo) <= SAME)) {
        report.skippedDuplicates++;
        continue;
      }
      // overlaps within ELAN's rounding are segments that merely touch
      const clash = recording.present.find((p) => p.label !== label && Math.min(p.endVideo, endVideo) - Math.max(p.startVideo, startVideo) > SAME);
      if (clash) {
        const { id, label: clashLabel, startVideo: s, endVideo: e, source: clashSource } = clash;
        report.conflicts.push({
          source,
          recording: segment.recording,
          label,
          timeBase: segment.timeBase,
          start: segment.start,
          end: segment.end,
          existing: { id, label: clashLabel, startVideo: s, endVideo: e, ...(clashSource ? { source: clashSource } : {}) },
        });
        continue;
      }
      if (!labelIds.has(label)) {
        report.labelsCreated.push(label);
        labelIds.set(label, dryRun ? -1 : (await ensureLabels(tx, [{ name: label }])).get(label)!);
      }
      if (!dryRun) {
        const input = { recordingId, labelId: labelIds.get(label)!, start: segment.start, end: segment.end, timeBase: segment.timeBase, note: segment.note };
        await insertAnnotation(tx, input, recording.clock);
      }
      recording.present.push({ id: null, label, startVideo, endVideo, source });
      report.added++;
    }
    return report;
  });
}
