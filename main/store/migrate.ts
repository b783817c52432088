import { StudioError } from '../shared/errors.ts';
import type { Database } from './db.ts';
import type { Migration } from './schema.ts';

export async function schemaVersion(db: Database): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/**
 * Brings the file up to the last migration, each step in its own transaction
 * (a failed step leaves the file at the version before it). A file from a newer
 * version of the studio is refused rather than guessed at.
 */
export async function migrate(db: Database, steps: Migration[]): Promise<{ from: number; to: number }> {
  const from = await schemaVersion(db);
  const known = steps.length === 0 ? 0 : steps[steps.length - 1].version;
  if (from > known) {
    throw new StudioError(
      'SCHEMA_TOO_NEW',
      `${db.path}: this project uses schema version ${from}, newer than the ${known} this VSKD Studio knows; update VSKD Studio to open it`,
      { file: db.path },
    );
  }
  for (const step of steps) {
    if (step.version <= from) continue;
    await db.transaction(async (tx) => {
      await tx.exec(step.sql);
      // user_version lives in the file header, which is part of the transaction.
      await tx.exec(`PRAGMA user_version = ${step.version}`);
    });
  }
  return { from, to: Math.max(from, known) };
}
