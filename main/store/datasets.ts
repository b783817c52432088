/** Datasets: a named split of the project's recordings into train / val / test. */
import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';

export type Split = 'train' | 'val' | 'test';

export interface DatasetMember {
  recordingId: number;
  split: Split;
}

export interface DatasetInput {
  name: string;
  protocol: string;
  config?: Record<string, unknown>;
  members: DatasetMember[];
}

export interface DatasetSummary {
  id: number;
  name: string;
  protocol: string;
  config: Record<string, unknown>;
  createdAt: string;
  counts: Record<Split, number>;
}

export async function createDataset(db: Database, input: DatasetInput): Promise<number> {
  return db.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM datasets WHERE name = ?', [input.name])) {
      throw new StudioError('CONFLICT', `a dataset named ${input.name} is already in the project`, { field: 'name' });
    }
    const { lastID } = await tx.run('INSERT INTO datasets (name, protocol, config) VALUES (?, ?, ?)', [
      input.name,
      input.protocol,
      JSON.stringify(input.config ?? {}),
    ]);
    for (const m of input.members) {
      await tx.run('INSERT INTO dataset_members (dataset_id, recording_id, split) VALUES (?, ?, ?)', [lastID, m.recordingId, m.split]);
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
  return rows.map((r) => {
    const c: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (const x of counts) if (x.dataset_id === r.id) c[x.split] = x.n;
    return { id: r.id, name: r.name, protocol: r.protocol, config: JSON.parse(r.config), createdAt: r.created_at, counts: c };
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
