/** Training runs: config, backend, status, per-epoch metrics and artifacts (checkpoints, caches). */
import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';

export type RunKind = 'teacher' | 'student';
export type RunStatus = 'created' | 'running' | 'cancelled' | 'failed' | 'done';

export interface RunSummary {
  id: number;
  datasetId: number | null;
  kind: RunKind;
  method: string;
  config: Record<string, unknown>;
  backend: string | null;
  status: RunStatus;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EpochMetrics {
  epoch: number;
  metrics: Record<string, number>;
}

interface RunRow {
  id: number;
  dataset_id: number | null;
  kind: RunKind;
  method: string;
  config: string;
  backend: string | null;
  status: RunStatus;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

const now = () => new Date().toISOString();

function toRun(r: RunRow): RunSummary {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    kind: r.kind,
    method: r.method,
    config: JSON.parse(r.config),
    backend: r.backend,
    status: r.status,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export async function createRun(
  db: Queryable,
  run: { datasetId: number | null; kind: RunKind; method: string; config: Record<string, unknown> },
): Promise<number> {
  const { lastID } = await db.run('INSERT INTO runs (dataset_id, kind, method, config) VALUES (?, ?, ?, ?)', [
    run.datasetId,
    run.kind,
    run.method,
    JSON.stringify(run.config),
  ]);
  return lastID;
}

export async function getRun(db: Queryable, id: number): Promise<RunSummary> {
  const row = await db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]);
  if (!row) throw new StudioError('NOT_FOUND', `no run with id ${id}`, { field: 'run' });
  return toRun(row);
}

export async function listRuns(db: Queryable): Promise<RunSummary[]> {
  return (await db.all<RunRow>('SELECT * FROM runs ORDER BY id')).map(toRun);
}

export async function markRunStarted(db: Queryable, id: number, backend: string): Promise<void> {
  await db.run("UPDATE runs SET status = 'running', backend = ?, error = NULL, started_at = COALESCE(started_at, ?) WHERE id = ?", [backend, now(), id]);
}

export async function markRunEnded(db: Queryable, id: number, status: Exclude<RunStatus, 'created' | 'running'>, error?: string): Promise<void> {
  await db.run('UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?', [status, error ?? null, now(), id]);
}

/** One epoch's metrics and the checkpoint after it, together: a crash leaves neither or both. */
export async function recordEpoch(db: Database, id: number, epoch: EpochMetrics, checkpoint: Buffer): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('INSERT OR REPLACE INTO run_epochs (run_id, epoch, metrics) VALUES (?, ?, ?)', [id, epoch.epoch, JSON.stringify(epoch.metrics)]);
    await putArtifactIn(tx, id, 'checkpoint', 'checkpoint', checkpoint, { epoch: epoch.epoch });
  });
}

export async function runEpochs(db: Queryable, id: number): Promise<EpochMetrics[]> {
  const rows = await db.all<{ epoch: number; metrics: string }>('SELECT epoch, metrics FROM run_epochs WHERE run_id = ? ORDER BY epoch', [id]);
  return rows.map((r) => ({ epoch: r.epoch, metrics: JSON.parse(r.metrics) }));
}

async function putArtifactIn(db: Queryable, runId: number, name: string, kind: string, data: Buffer, meta: Record<string, unknown> = {}): Promise<void> {
  await db.run(
    `INSERT INTO run_artifacts (run_id, name, kind, data, meta) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, name) DO UPDATE SET kind = excluded.kind, data = excluded.data, meta = excluded.meta`,
    [runId, name, kind, data, JSON.stringify(meta)],
  );
}

export function putArtifact(db: Queryable, runId: number, name: string, kind: string, data: Buffer, meta: Record<string, unknown> = {}): Promise<void> {
  return putArtifactIn(db, runId, name, kind, data, meta);
}

export async function getArtifact(db: Queryable, runId: number, name: string): Promise<{ data: Buffer; meta: Record<string, unknown> } | null> {
  const row = await db.get<{ data: Buffer; meta: string }>('SELECT data, meta FROM run_artifacts WHERE run_id = ? AND name = ?', [runId, name]);
  return row ? { data: row.data, meta: JSON.parse(row.meta) } : null;
}
