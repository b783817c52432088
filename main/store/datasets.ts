/**
 * Datasets: a named split of the project's recordings into train / val / test. A segment dataset also
 * lists its samples (table dataset_windows): annotated segments, or windows cut inside them, in video
 * seconds, each in its recording's split.
 */
import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';

export type Split = 'train' | 'val' | 'test';

export interface DatasetMember {
  recordingId: number;
  split: Split;
}

/** One sample of a segment dataset: a stretch of its recording on the video clock, with the segment's label. */
export interface DatasetWindow {
  recordingId: number;
  /** the segment it was cut from; null once that segment is deleted */
  annotationId: number | null;
  label: string;
  /** video seconds */
  start: number;
  end: number;
}

export interface DatasetInput {
  name: string;
  protocol: string;
  /** how it was split, as a report heads it */
  description?: string;
  config?: Record<string, unknown>;
  members: DatasetMember[];
  /** a segment dataset's samples, each of a member recording; none: the recordings are the samples */
  windows?: DatasetWindow[];
}

export interface DatasetSummary {
  id: number;
  name: string;
  protocol: string;
  description: string;
  config: Record<string, unknown>;
  createdAt: string;
  /** samples per split: windows of a segment dataset, else recordings */
  counts: Record<Split, number>;
}

export async function createDataset(db: Database, input: DatasetInput): Promise<number> {
  return db.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM datasets WHERE name = ?', [input.name])) {
      throw new StudioError('CONFLICT', `a dataset named ${input.name} is already in the project`, { field: 'name' });
    }
    const config = input.description === undefined ? (input.config ?? {}) : { ...input.config, description: input.description };
    const { lastID } = await tx.run('INSERT INTO datasets (name, protocol, config) VALUES (?, ?, ?)', [input.name, input.protocol, JSON.stringify(config)]);
    for (const m of input.members) {
      await tx.run('INSERT INTO dataset_members (dataset_id, recording_id, split) VALUES (?, ?, ?)', [lastID, m.recordingId, m.split]);
    }
    for (const [position, w] of (input.windows ?? []).entries()) {
      await tx.run('INSERT INTO dataset_windows (dataset_id, position, recording_id, annotation_id, label, start_s, end_s) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        lastID,
        position,
        w.recordingId,
        w.annotationId,
        w.label,
        w.start,
        w.end,
      ]);
    }
    return lastID;
  });
}

interface DatasetRow {
  id: number;
  name: string;
  protocol: string;
  config: string;
  created_at: string;
}

export async function listDatasets(db: Queryable): Promise<DatasetSummary[]> {
  const rows = await db.all<DatasetRow>('SELECT id, name, protocol, config, created_at FROM datasets ORDER BY id');
  const counts = await db.all<{ dataset_id: number; split: Split; n: number }>(
    'SELECT dataset_id, split, COUNT(*) AS n FROM dataset_members GROUP BY dataset_id, split',
  );
  const windowCounts = await db.all<{ dataset_id: number; split: Split; n: number }>(
    `SELECT w.dataset_id, m.split, COUNT(*) AS n FROM dataset_windows w
       JOIN dataset_members m ON m.dataset_id = w.dataset_id AND m.recording_id = w.recording_id GROUP BY w.dataset_id, m.split`,
  );
  return rows.map((r) => {
    const c: Record<Split, number> = { train: 0, val: 0, test: 0 };
    const windowed = windowCounts.some((x) => x.dataset_id === r.id);
    for (const x of windowed ? windowCounts : counts) if (x.dataset_id === r.id) c[x.split] = x.n;
    const config = JSON.parse(r.config) as Record<string, unknown>;
    const description = typeof config.description === 'string' ? config.description : r.protocol;
    return { id: r.id, name: r.name, protocol: r.protocol, description, config, createdAt: r.created_at, counts: c };
  });
}

/** A dataset by name or id. */
export async function findDataset(db: Queryable, ref: string | number): Promise<DatasetSummary> {
  const found = (await listDatasets(db)).find((d) => d.id === ref || d.name === ref || String(d.id) === ref);
  if (!found) throw new StudioError('NOT_FOUND', `no dataset ${JSON.stringify(ref)} in the project`, { field: 'dataset' });
  return found;
}

export async function datasetMembers(db: Queryable, datasetId: number): Promise<DatasetMember[]> {
  const rows = await db.all<{ recording_id: number; split: Split }>(
    'SELECT recording_id, split FROM dataset_members WHERE dataset_id = ? ORDER BY recording_id',
    [datasetId],
  );
  return rows.map((r) => ({ recordingId: r.recording_id, split: r.split }));
}

/** A segment dataset's samples in order (empty for a dataset of whole recordings). */
export async function datasetWindows(db: Queryable, datasetId: number): Promise<DatasetWindow[]> {
  const rows = await db.all<{ recording_id: number; annotation_id: number | null; label: string; start_s: number; end_s: number }>(
    'SELECT recording_id, annotation_id, label, start_s, end_s FROM dataset_windows WHERE dataset_id = ? ORDER BY position',
    [datasetId],
  );
  return rows.map((r) => ({ recordingId: r.recording_id, annotationId: r.annotation_id, label: r.label, start: r.start_s, end: r.end_s }));
}
