import { schemaVersion } from './migrate.ts';
import type { Database, Queryable } from './db.ts';

export interface ProjectSummary {
  path: string;
  schemaVersion: number;
  recordings: number;
  subjects: number;
  labels: number;
  streams: Record<string, number>;
  sensorSamples: number;
  aligned: number;
  annotations: number;
  datasets: number;
  runs: number;
}

async function count(db: Queryable, sql: string): Promise<number> {
  return (await db.get<{ n: number }>(sql))?.n ?? 0;
}

export async function projectSummary(db: Database): Promise<ProjectSummary> {
  const kinds = await db.all<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM streams GROUP BY kind ORDER BY kind');
  return {
    path: db.path,
    schemaVersion: await schemaVersion(db),
    recordings: await count(db, 'SELECT COUNT(*) AS n FROM recordings'),
    subjects: await count(db, 'SELECT COUNT(DISTINCT subject) AS n FROM recordings'),
    labels: await count(db, 'SELECT COUNT(*) AS n FROM labels'),
    streams: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
    sensorSamples: await count(db, 'SELECT COALESCE(SUM(rows), 0) AS n FROM sensor_samples'),
    aligned: await count(db, "SELECT COUNT(*) AS n FROM clock_alignments WHERE method <> 'none'"),
    annotations: await count(db, 'SELECT COUNT(*) AS n FROM annotations'),
    datasets: await count(db, 'SELECT COUNT(*) AS n FROM datasets'),
    runs: await count(db, 'SELECT COUNT(*) AS n FROM runs'),
  };
}
