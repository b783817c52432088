import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';
import { ensureLabels, type LabelInput } from './labels.ts';
import { writeSamples, type SampleDtype, type SensorSamples } from './samples.ts';

export interface Channel {
  name: string;
  unit: string;
}

export type StreamKind = 'sensor' | 'video' | 'depth' | 'skeleton';

export interface SourceInput {
  /** what the file is to the recording: 'inertial', 'depth', 'skeleton', 'video', 'sensor' */
  role: string;
  path: string;
  sha256: string;
  bytes: number;
}

export interface StreamInput {
  kind: StreamKind;
  name: string;
  rate: number;
  length: number;
  channels?: Channel[];
  meta?: Record<string, unknown>;
  /** the source (by role) this stream was read from */
  sourceRole?: string;
  /** sensor streams only */
  samples?: SensorSamples;
  dtype?: SampleDtype;
}

export interface RecordingInput {
  name: string;
  subject?: string | null;
  trial?: number | null;
  label?: LabelInput | null;
  sources: SourceInput[];
  streams: StreamInput[];
}

export interface StreamSummary {
  id: number;
  kind: StreamKind;
  name: string;
  rate: number;
  length: number;
  channels: Channel[];
  meta: Record<string, unknown>;
}

export interface RecordingSummary {
  id: number;
  name: string;
  subject: string | null;
  trial: number | null;
  label: string | null;
  createdAt: string;
  /** how many annotated segments it has */
  annotations: number;
  /** whether its clocks were aligned (by hand, anchors or auto-sync) */
  aligned: boolean;
  streams: StreamSummary[];
}

export interface RecordingFilter {
  label?: string;
  subject?: string;
  trial?: number;
  /** a substring of the name, the label or the subject, or the trial's number */
  search?: string;
}

async function insertRecording(tx: Queryable, input: RecordingInput, labelIds: Map<string, number>): Promise<number> {
  const labelId = input.label ? labelIds.get(input.label.name)! : null;
  const { lastID: recordingId } = await tx.run('INSERT INTO recordings (name, subject, trial, label_id) VALUES (?, ?, ?, ?)', [
    input.name,
    input.subject ?? null,
    input.trial ?? null,
    labelId,
  ]);
  const sourceIds = new Map<string, number>();
  for (const source of input.sources) {
    const { lastID } = await tx.run('INSERT INTO sources (recording_id, role, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)', [
      recordingId,
      source.role,
      source.path,
      source.sha256,
      source.bytes,
    ]);
    sourceIds.set(source.role, lastID);
  }
  for (const stream of input.streams) {
    if (stream.kind === 'sensor' && !stream.samples) {
      throw new StudioError('INVALID_ARGUMENT', `${input.name}: sensor stream ${stream.name} has no samples`, { field: 'samples' });
    }
    const { lastID: streamId } = await tx.run(
      'INSERT INTO streams (recording_id, kind, name, source_id, rate, length, channels, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        recordingId,
        stream.kind,
        stream.name,
        stream.sourceRole ? (sourceIds.get(stream.sourceRole) ?? null) : null,
        stream.rate,
        stream.length,
        JSON.stringify(stream.channels ?? []),
        JSON.stringify(stream.meta ?? {}),
      ],
    );
    if (stream.samples) await writeSamples(tx, streamId, stream.samples, stream.dtype);
  }
  return recordingId;
}

/** Adds all the recordings in one transaction: on any error none of them is stored. */
export async function addRecordings(db: Database, inputs: RecordingInput[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    const labels = inputs.flatMap((r) => (r.label ? [r.label] : []));
    const labelIds = await ensureLabels(tx, labels);
    const ids: number[] = [];
    for (const input of inputs) {
      const clash = await tx.get('SELECT id FROM recordings WHERE name = ?', [input.name]);
      if (clash) throw new StudioError('CONFLICT', `a recording named ${input.name} is already in the project`, { field: 'name' });
      ids.push(await insertRecording(tx, input, labelIds));
    }
    return ids;
  });
}

export async function recordingNames(db: Queryable): Promise<Set<string>> {
  const rows = await db.all<{ name: string }>('SELECT name FROM recordings');
  return new Set(rows.map((r) => r.name));
}

interface StreamRow {
  id: number;
  recording_id: number;
  kind: StreamKind;
  name: string;
  rate: number;
  length: number;
  channels: string;
  meta: string;
}

function toStream(row: StreamRow): StreamSummary {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    rate: row.rate,
    length: row.length,
    channels: JSON.parse(row.channels),
    meta: JSON.parse(row.meta),
  };
}

export async function listRecordings(db: Queryable, filter: RecordingFilter & { id?: number } = {}): Promise<RecordingSummary[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const equal = (column: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal('r.id', filter.id);
  equal('l.name', filter.label);
  equal('r.subject', filter.subject);
  equal('r.trial', filter.trial);
  if (filter.search) {
    // a word of the name, the label or the subject, or the trial's number
    const like = `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`;
    where.push("(r.name LIKE ? ESCAPE '\\' OR l.name LIKE ? ESCAPE '\\' OR r.subject LIKE ? ESCAPE '\\' OR CAST(r.trial AS TEXT) = ?)");
    params.push(like, like, like, filter.search.trim());
  }
  const rows = await db.all<{
    id: number;
    name: string;
    subject: string | null;
    trial: number | null;
    label: string | null;
    created_at: string;
    annotations: number;
    aligned: number;
  }>(
    `SELECT r.id, r.name, r.subject, r.trial, l.name AS label, r.created_at,
            (SELECT COUNT(*) FROM annotations a WHERE a.recording_id = r.id) AS annotations,
            EXISTS (SELECT 1 FROM clock_alignments c WHERE c.recording_id = r.id AND c.method <> 'none') AS aligned
       FROM recordings r LEFT JOIN labels l ON l.id = r.label_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY r.id`,
    params,
  );
  const streams = await db.all<StreamRow>(
    `SELECT id, recording_id, kind, name, rate, length, channels, meta FROM streams
      ${filter.id !== undefined ? 'WHERE recording_id = ?' : ''} ORDER BY id`,
    filter.id !== undefined ? [filter.id] : [],
  );
  const byRecording = new Map<number, StreamSummary[]>();
  for (const s of streams) {
    const list = byRecording.get(s.recording_id) ?? [];
    list.push(toStream(s));
    byRecording.set(s.recording_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    subject: r.subject,
    trial: r.trial,
    label: r.label,
    createdAt: r.created_at,
    annotations: r.annotations,
    aligned: r.aligned === 1,
    streams: byRecording.get(r.id) ?? [],
  }));
}

export async function getRecording(db: Queryable, id: number): Promise<RecordingSummary> {
  const [recording] = await listRecordings(db, { id });
  if (!recording) throw new StudioError('NOT_FOUND', `no recording with id ${id}`, { field: 'recordingId' });
  return recording;
}

export async function getStream(db: Queryable, streamId: number): Promise<StreamSummary & { recordingId: number }> {
  const row = await db.get<StreamRow>('SELECT id, recording_id, kind, name, rate, length, channels, meta FROM streams WHERE id = ?', [streamId]);
  if (!row) throw new StudioError('NOT_FOUND', `no stream with id ${streamId}`, { field: 'streamId' });
  return { ...toStream(row), recordingId: row.recording_id };
}

/** The recording a person names on the command line: by exact name first; a whole number that names none is taken as an id. */
export async function findRecording(db: Queryable, ref: string): Promise<RecordingSummary> {
  const byName = await db.get<{ id: number }>('SELECT id FROM recordings WHERE name = ?', [ref]);
  const id = byName?.id ?? (/^\d+$/.test(ref) ? Number(ref) : undefined);
  const [recording] = id === undefined ? [] : await listRecordings(db, { id });
  if (!recording) throw new StudioError('NOT_FOUND', `recording: no recording named (or with id) ${ref} in the project`, { field: 'recording' });
  return recording;
}

/** What an edit of a recording's metadata sets; null clears a field (name cannot be cleared). */
export interface RecordingChange {
  name?: string;
  label?: string | null;
  subject?: string | null;
  trial?: number | null;
}

/**
 * Sets a recording's name, label, subject or trial in one transaction and returns it before and after,
 * so that applying `before` undoes the edit. A label not in the schema yet is added to it.
 */
export async function updateRecording(db: Database, id: number, change: RecordingChange): Promise<{ before: RecordingSummary; after: RecordingSummary }> {
  return db.transaction(async (tx) => {
    const before = await getRecording(tx, id);
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    const set = (column: string, value: string | number | null) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (change.name !== undefined && change.name !== before.name) {
      const clash = await tx.get('SELECT id FROM recordings WHERE name = ? AND id <> ?', [change.name, id]);
      if (clash) throw new StudioError('CONFLICT', `name: a recording named ${change.name} is already in the project`, { field: 'name' });
      set('name', change.name);
    }
    if (change.label !== undefined) set('label_id', change.label === null ? null : (await ensureLabels(tx, [{ name: change.label }])).get(change.label)!);
    if (change.subject !== undefined) set('subject', change.subject);
    if (change.trial !== undefined) set('trial', change.trial);
    if (sets.length > 0) await tx.run(`UPDATE recordings SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
    return { before, after: await getRecording(tx, id) };
  });
}

/** What deleting a recording takes with it. */
export interface RecordingRemoval {
  recording: RecordingSummary;
  streams: number;
  sensorSamples: number;
  annotations: number;
  aligned: boolean;
  /** datasets that list it (they keep their other recordings) */
  datasets: number;
  /** every file its sources name (the caller removes the ones the project made) */
  files: string[];
}

/** What deleting the recording would take, deleting nothing (for a confirmation). */
export async function recordingRemoval(db: Queryable, id: number): Promise<RecordingRemoval> {
  const recording = await getRecording(db, id);
  const count = async (sql: string) => (await db.get<{ n: number }>(sql, [id]))!.n;
  const files = await db.all<{ path: string }>('SELECT path FROM sources WHERE recording_id = ? ORDER BY id', [id]);
  return {
    recording,
    streams: recording.streams.length,
    sensorSamples: recording.streams.filter((s) => s.kind === 'sensor').reduce((sum, s) => sum + s.length, 0),
    annotations: recording.annotations,
    aligned: recording.aligned,
    datasets: await count('SELECT COUNT(DISTINCT dataset_id) AS n FROM dataset_members WHERE recording_id = ?'),
    files: files.map((f) => f.path),
  };
}

/** Deletes a recording with its sources, streams, samples, alignment, annotations and dataset memberships, in one transaction. */
export async function deleteRecording(db: Database, id: number): Promise<RecordingRemoval> {
  return db.transaction(async (tx) => {
    const removal = await recordingRemoval(tx, id);
    // the schema cascades from recordings to every table that names one
    await tx.run('DELETE FROM recordings WHERE id = ?', [id]);
    return removal;
  });
}
