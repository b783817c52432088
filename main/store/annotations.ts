/**
 * Time segments of a recording labelled with one of the project's labels (table annotations).
 *
 * A segment is stored on one clock (its time base: the video's or the sensor's) and is read back on
 * both, through the recording's clock model. Every edit returns what is needed to invert it, so the
 * UI can keep an undo stack: create → deleteAnnotation(result.id); update → updateAnnotation(id,
 * before); delete → createAnnotation(deleted), which restores it under its old id.
 */
import { StudioError } from '../shared/errors.ts';
import { sensorToVideo, videoToSensor, type ClockModel } from '../shared/clockModel.ts';
import { sensorStreamModels } from './alignment.ts';
import type { Database, Queryable } from './db.ts';

export type TimeBase = 'video' | 'sensor';

export const timeBases: readonly TimeBase[] = ['video', 'sensor'];

export interface Annotation {
  id: number;
  recordingId: number;
  labelId: number;
  label: string;
  /** seconds on the annotation's own clock (timeBase) */
  start: number;
  end: number;
  timeBase: TimeBase;
  note: string;
  /** the same segment on both clocks, through the recording's clock model */
  startVideo: number;
  endVideo: number;
  startSensor: number;
  endSensor: number;
}

export interface AnnotationInput {
  recordingId: number;
  labelId: number;
  start: number;
  end: number;
  /** default 'video' */
  timeBase?: TimeBase;
  note?: string;
  /** restores a deleted annotation under its old id (undo); a CONFLICT when the id is taken */
  id?: number;
}

/** What an update may change; start and end are on `timeBase` (given, else the annotation's). */
export interface AnnotationChange {
  labelId?: number;
  start?: number;
  end?: number;
  /** without start/end, re-expresses the segment on the other clock (it stays where it is) */
  timeBase?: TimeBase;
  note?: string;
}

/** Shorter segments cannot be told apart at ELAN's millisecond resolution. */
export const MIN_DURATION = 0.001;
/**
 * How far past the recording's last stream a segment may end: a stream's length / rate can fall
 * short of its real extent (irregular sensor timestamps, container durations).
 */
const END_SLACK = 1;

/**
 * A recording's name, clock model and how long it lasts on each clock (Infinity without streams).
 * Its sensor clock is its first sensor stream's: that stream's own model, else the recording's
 * (clock_alignments); another wearable at a clock of its own reaches it through the video clock.
 */
export interface RecordingClock {
  id: number;
  name: string;
  clock: ClockModel;
  extent: Record<TimeBase, number>;
}

export async function recordingClock(db: Queryable, recordingId: number): Promise<RecordingClock> {
  const recording = await db.get<{ name: string; offset: number | null; drift: number | null }>(
    `SELECT r.name, c.offset_s AS offset, c.drift FROM recordings r LEFT JOIN clock_alignments c ON c.recording_id = r.id WHERE r.id = ?`,
    [recordingId],
  );
  if (!recording) throw new StudioError('NOT_FOUND', `no recording with id ${recordingId}`, { field: 'recordingId' });
  const models = await sensorStreamModels(db, recordingId);
  const clock = models.values().next().value ?? { offset: recording.offset ?? 0, drift: recording.drift ?? 0 };
  const streams = await db.all<{ id: number; kind: string; rate: number; length: number }>(
    'SELECT id, kind, rate, length FROM streams WHERE recording_id = ?',
    [recordingId],
  );
  let video = streams.length ? 0 : Infinity;
  let sensor = streams.length ? 0 : Infinity;
  for (const s of streams) {
    const duration = s.length / s.rate;
    // sensor streams run on their own clock; video, depth and skeleton on the camera's
    const own = s.kind === 'sensor' ? models.get(s.id)! : null;
    const onVideo = own ? sensorToVideo(own, duration) : duration;
    const sameClock = own !== null && own.offset === clock.offset && own.drift === clock.drift;
    video = Math.max(video, onVideo);
    sensor = Math.max(sensor, sameClock ? duration : videoToSensor(clock, onVideo));
  }
  return { id: recordingId, name: recording.name, clock, extent: { video, sensor } };
}

/** The segment on both clocks. */
export function bothClocks(clock: ClockModel, start: number, end: number, timeBase: TimeBase) {
  return timeBase === 'video'
    ? { startVideo: start, endVideo: end, startSensor: videoToSensor(clock, start), endSensor: videoToSensor(clock, end) }
    : { startVideo: sensorToVideo(clock, start), endVideo: sensorToVideo(clock, end), startSensor: start, endSensor: end };
}

/** Refuses times that are not finite, negative, too short or past the recording's end. */
export function checkTimes(recording: RecordingClock, start: number, end: number, timeBase: TimeBase): void {
  if (!timeBases.includes(timeBase)) {
    throw new StudioError('INVALID_ARGUMENT', `timeBase must be 'video' or 'sensor', got ${JSON.stringify(timeBase)}`, { field: 'timeBase' });
  }
  if (!Number.isFinite(start) || start < 0) {
    throw new StudioError('INVALID_ARGUMENT', `start must be a finite number of seconds ≥ 0, got ${start}`, { field: 'start' });
  }
  if (!Number.isFinite(end)) throw new StudioError('INVALID_ARGUMENT', `end must be a finite number of seconds, got ${end}`, { field: 'end' });
  if (end - start < MIN_DURATION) {
    throw new StudioError('INVALID_ARGUMENT', `end (${end} s) must come at least ${MIN_DURATION * 1000} ms after start (${start} s)`, { field: 'end' });
  }
  const extent = recording.extent[timeBase];
  if (end > extent + END_SLACK) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `end (${end} s) is past the end of recording ${recording.name} (${extent.toFixed(3)} s on the ${timeBase} clock)`,
      { field: 'end' },
    );
  }
}

async function requireLabel(db: Queryable, labelId: number): Promise<string> {
  const label = await db.get<{ name: string }>('SELECT name FROM labels WHERE id = ?', [labelId]);
  if (!label) throw new StudioError('NOT_FOUND', `no label with id ${labelId}`, { field: 'labelId' });
  return label.name;
}

interface AnnotationRow {
  id: number;
  recording_id: number;
  label_id: number;
  label: string;
  start_s: number;
  end_s: number;
  time_base: TimeBase;
  note: string;
}

const SELECT = `SELECT a.id, a.recording_id, a.label_id, l.name AS label, a.start_s, a.end_s, a.time_base, a.note
                  FROM annotations a JOIN labels l ON l.id = a.label_id`;

function toAnnotation(row: AnnotationRow, clock: ClockModel): Annotation {
  return {
    id: row.id,
    recordingId: row.recording_id,
    labelId: row.label_id,
    label: row.label,
    start: row.start_s,
    end: row.end_s,
    timeBase: row.time_base,
    note: row.note,
    ...bothClocks(clock, row.start_s, row.end_s, row.time_base),
  };
}

/** Video time first: segments on different clocks interleave correctly. */
function byVideoTime(a: Annotation, b: Annotation): number {
  return a.recordingId - b.recordingId || a.startVideo - b.startVideo || a.endVideo - b.endVideo || a.id - b.id;
}

/** The annotations of one recording (NOT_FOUND for an unknown one), or of all, ordered by video start time. */
export async function listAnnotations(db: Queryable, filter: { recordingId?: number } = {}): Promise<Annotation[]> {
  if (filter.recordingId !== undefined) {
    const { clock } = await recordingClock(db, filter.recordingId);
    const rows = await db.all<AnnotationRow>(`${SELECT} WHERE a.recording_id = ?`, [filter.recordingId]);
    return rows.map((r) => toAnnotation(r, clock)).sort(byVideoTime);
  }
  const rows = await db.all<AnnotationRow>(SELECT);
  // each recording's sensor clock as recordingClock gives it: its first wearable's model
  const clocks = new Map<number, ClockModel>();
  for (const id of new Set(rows.map((r) => r.recording_id))) clocks.set(id, (await recordingClock(db, id)).clock);
  return rows.map((r) => toAnnotation(r, clocks.get(r.recording_id)!)).sort(byVideoTime);
}

export async function getAnnotation(db: Queryable, id: number): Promise<Annotation> {
  const row = await db.get<AnnotationRow>(`${SELECT} WHERE a.id = ?`, [id]);
  if (!row) throw new StudioError('NOT_FOUND', `no annotation with id ${id}`, { field: 'id' });
  const { clock } = await recordingClock(db, row.recording_id);
  return toAnnotation(row, clock);
}

/**
 * Checks and inserts one annotation inside the caller's transaction; returns its id.
 * `recording` saves reloading the recording's clock for each of many inserts.
 */
export async function insertAnnotation(tx: Queryable, input: AnnotationInput, recording?: RecordingClock): Promise<number> {
  const rec = recording ?? (await recordingClock(tx, input.recordingId));
  const timeBase = input.timeBase ?? 'video';
  checkTimes(rec, input.start, input.end, timeBase);
  await requireLabel(tx, input.labelId);
  if (input.id !== undefined && (await tx.get('SELECT id FROM annotations WHERE id = ?', [input.id]))) {
    throw new StudioError('CONFLICT', `annotation id ${input.id} is taken`, { field: 'id' });
  }
  const { lastID } = await tx.run('INSERT INTO annotations (id, recording_id, label_id, start_s, end_s, time_base, note) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    input.id ?? null,
    input.recordingId,
    input.labelId,
    input.start,
    input.end,
    timeBase,
    input.note ?? '',
  ]);
  return lastID;
}

/** Adds one annotation and returns it; deleteAnnotation(result.id) undoes it. */
export async function createAnnotation(db: Database, input: AnnotationInput): Promise<Annotation> {
  return db.transaction(async (tx) => getAnnotation(tx, await insertAnnotation(tx, input)));
}

/** Resizes, moves, relabels or re-notes an annotation; updateAnnotation(id, before) undoes it. */
export async function updateAnnotation(db: Database, id: number, change: AnnotationChange): Promise<{ before: Annotation; after: Annotation }> {
  return db.transaction(async (tx) => {
    const before = await getAnnotation(tx, id);
    const timeBase = change.timeBase ?? before.timeBase;
    // a time not given stays where it is, read on the (possibly new) clock
    const start = change.start ?? (timeBase === 'video' ? before.startVideo : before.startSensor);
    const end = change.end ?? (timeBase === 'video' ? before.endVideo : before.endSensor);
    checkTimes(await recordingClock(tx, before.recordingId), start, end, timeBase);
    const labelId = change.labelId ?? before.labelId;
    if (change.labelId !== undefined) await requireLabel(tx, labelId);
    await tx.run('UPDATE annotations SET label_id = ?, start_s = ?, end_s = ?, time_base = ?, note = ? WHERE id = ?', [
      labelId,
      start,
      end,
      timeBase,
      change.note ?? before.note,
      id,
    ]);
    return { before, after: await getAnnotation(tx, id) };
  });
}

/** Deletes an annotation and returns it as it was; createAnnotation(deleted) restores it. */
export async function deleteAnnotation(db: Database, id: number): Promise<Annotation> {
  return db.transaction(async (tx) => {
    const annotation = await getAnnotation(tx, id);
    await tx.run('DELETE FROM annotations WHERE id = ?', [id]);
    return annotation;
  });
}
