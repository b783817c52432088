/**
 * A recording's clock alignment (table clock_alignments): the model that maps its video time to
 * its sensor time, how it was found, and the evidence (anchors and residuals, or the automatic
 * search's confidence and windows). No row means not aligned: the identity model.
 *
 * A sensor stream may have a model of its own (table stream_alignments), for several wearables each
 * logging at its own clock; a stream without one follows its recording's.
 */
import { StudioError } from '../shared/errors.ts';
import type { Anchor } from '../shared/anchors.ts';
import type { SyncWindow } from '../sync/autoSync.ts';
import { checkClockModel, identityClock, type ClockModel } from '../shared/clockModel.ts';
import type { Database, Queryable } from './db.ts';

export type AlignmentMethod = 'manual' | 'anchors' | 'auto';

/** What backs the model; which fields are set depends on the method. */
export interface AlignmentDetail {
  anchors?: Anchor[];
  /** per anchor, sensor − model(video) in seconds */
  residuals?: number[];
  rms?: number;
  /** the automatic search's confidence, peak NCC and drift windows */
  confidence?: number;
  ncc?: number;
  windows?: SyncWindow[];
}

export interface Alignment {
  recordingId: number;
  model: ClockModel;
  method: AlignmentMethod | 'none';
  detail: AlignmentDetail;
  /** null while never aligned */
  updatedAt: string | null;
}

/** A sensor stream's alignment: its own model, or (inherited) the recording's that it follows. */
export interface StreamAlignment extends Alignment {
  sensorStreamId: number;
  inherited: boolean;
}

export interface AlignmentInput {
  offset: number;
  drift: number;
  method: AlignmentMethod;
  detail?: AlignmentDetail;
}

const METHODS: readonly AlignmentMethod[] = ['manual', 'anchors', 'auto'];

interface AlignmentRow {
  offset_s: number;
  drift: number;
  method: AlignmentMethod;
  detail: string;
  updated_at: string;
}

function toAlignment(recordingId: number, row: AlignmentRow): Alignment {
  return {
    recordingId,
    model: { offset: row.offset_s, drift: row.drift },
    method: row.method,
    detail: JSON.parse(row.detail),
    updatedAt: row.updated_at,
  };
}

function checkInput(input: AlignmentInput): string {
  checkClockModel({ offset: input.offset, drift: input.drift }, 'alignment');
  if (!METHODS.includes(input.method)) {
    throw new StudioError('INVALID_ARGUMENT', `alignment.method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(input.method)}`, {
      field: 'alignment.method',
    });
  }
  return JSON.stringify(input.detail ?? {});
}

async function requireRecording(db: Queryable, recordingId: number): Promise<void> {
  const row = await db.get('SELECT id FROM recordings WHERE id = ?', [recordingId]);
  if (!row) throw new StudioError('NOT_FOUND', `no recording with id ${recordingId}`, { field: 'recordingId' });
}

/** The recording's alignment; the identity model with method 'none' when it has not been aligned. */
export async function getAlignment(db: Queryable, recordingId: number): Promise<Alignment> {
  const row = await db.get<AlignmentRow>('SELECT offset_s, drift, method, detail, updated_at FROM clock_alignments WHERE recording_id = ?', [recordingId]);
  if (!row) {
    await requireRecording(db, recordingId);
    return { recordingId, model: { ...identityClock }, method: 'none', detail: {}, updatedAt: null };
  }
  return toAlignment(recordingId, row);
}

/** Writes a clock model into the recording's table or the stream's, keyed by `key`: a second write replaces the first. */
async function upsertAlignment(
  tx: Queryable,
  table: 'clock_alignments' | 'stream_alignments',
  keyColumn: 'recording_id' | 'stream_id',
  key: number,
  input: AlignmentInput,
  detail: string,
): Promise<void> {
  await tx.run(
    `INSERT INTO ${table} (${keyColumn}, offset_s, drift, method, detail) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (${keyColumn}) DO UPDATE SET offset_s = excluded.offset_s, drift = excluded.drift, method = excluded.method,
       detail = excluded.detail, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    [key, input.offset, input.drift, input.method, detail],
  );
}

/** Stores (or replaces) the recording's alignment with its detail, and returns it as stored. */
export async function setAlignment(db: Database, recordingId: number, input: AlignmentInput): Promise<Alignment> {
  const detail = checkInput(input);
  return db.transaction(async (tx) => {
    await requireRecording(tx, recordingId);
    await upsertAlignment(tx, 'clock_alignments', 'recording_id', recordingId, input, detail);
    return getAlignment(tx, recordingId);
  });
}

/** The sensor stream's recording; NOT_FOUND for no such stream, INVALID_ARGUMENT for a stream of another kind. */
async function sensorStreamRecording(db: Queryable, streamId: number): Promise<number> {
  const stream = await db.get<{ recording_id: number; kind: string }>('SELECT recording_id, kind FROM streams WHERE id = ?', [streamId]);
  if (!stream) throw new StudioError('NOT_FOUND', `no stream with id ${streamId}`, { field: 'sensorStreamId' });
  if (stream.kind !== 'sensor') {
    throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is a ${stream.kind} stream: only a sensor stream has a clock model`, {
      field: 'sensorStreamId',
    });
  }
  return stream.recording_id;
}

/** The sensor stream's own alignment, else its recording's (inherited: true). */
export async function getStreamAlignment(db: Queryable, streamId: number): Promise<StreamAlignment> {
  const recordingId = await sensorStreamRecording(db, streamId);
  const row = await db.get<AlignmentRow>('SELECT offset_s, drift, method, detail, updated_at FROM stream_alignments WHERE stream_id = ?', [streamId]);
  if (row) return { ...toAlignment(recordingId, row), sensorStreamId: streamId, inherited: false };
  return { ...(await getAlignment(db, recordingId)), sensorStreamId: streamId, inherited: true };
}

/** Stores (or replaces) the sensor stream's own alignment; its recording's and its siblings' stay as they are. */
export async function setStreamAlignment(db: Database, streamId: number, input: AlignmentInput): Promise<StreamAlignment> {
  const detail = checkInput(input);
  return db.transaction(async (tx) => {
    await sensorStreamRecording(tx, streamId);
    await upsertAlignment(tx, 'stream_alignments', 'stream_id', streamId, input, detail);
    return getStreamAlignment(tx, streamId);
  });
}

/** Each sensor stream of the recording (by id, in id order) with the model it maps through: its own, else the recording's. */
export async function sensorStreamModels(db: Queryable, recordingId: number): Promise<Map<number, ClockModel>> {
  const rows = await db.all<{ id: number; offset_s: number | null; drift: number | null }>(
    `SELECT s.id, COALESCE(a.offset_s, c.offset_s) AS offset_s, COALESCE(a.drift, c.drift) AS drift
       FROM streams s LEFT JOIN stream_alignments a ON a.stream_id = s.id LEFT JOIN clock_alignments c ON c.recording_id = s.recording_id
      WHERE s.recording_id = ? AND s.kind = 'sensor' ORDER BY s.id`,
    [recordingId],
  );
  return new Map(rows.map((r) => [r.id, r.offset_s === null ? { ...identityClock } : { offset: r.offset_s, drift: r.drift ?? 0 }]));
}
