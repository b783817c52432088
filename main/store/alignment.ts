/**
 * A recording's clock alignment (table clock_alignments): the model that maps its video time to
 * its sensor time, how it was found, and the evidence (anchors and residuals, or the automatic
 * search's confidence and windows). No row means not aligned: the identity model.
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
  return {
    recordingId,
    model: { offset: row.offset_s, drift: row.drift },
    method: row.method,
    detail: JSON.parse(row.detail),
    updatedAt: row.updated_at,
  };
}

/** Stores (or replaces) the recording's alignment with its detail, and returns it as stored. */
export async function setAlignment(db: Database, recordingId: number, input: AlignmentInput): Promise<Alignment> {
  checkClockModel({ offset: input.offset, drift: input.drift }, 'alignment');
  if (!METHODS.includes(input.method)) {
    throw new StudioError('INVALID_ARGUMENT', `alignment.method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(input.method)}`, {
      field: 'alignment.method',
    });
  }
  const detail = JSON.stringify(input.detail ?? {});
  return db.transaction(async (tx) => {
    await requireRecording(tx, recordingId);
    await tx.run(
      `INSERT INTO clock_alignments (recording_id, offset_s, drift, method, detail) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (recording_id) DO UPDATE SET offset_s = excluded.offset_s, drift = excluded.drift, method = excluded.method,
         detail = excluded.detail, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      [recordingId, input.offset, input.drift, input.method, detail],
    );
    return getAlignment(tx, recordingId);
  });
}
