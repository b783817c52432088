import type { Queryable } from './db.ts';

export interface Label {
  id: number;
  name: string;
  description: string;
  color: string | null;
  position: number;
}

export interface LabelInput {
  name: string;
  description?: string;
}

/** Adds the labels that are missing (keeping the given order) and returns every name's id. */
export async function ensureLabels(db: Queryable, labels: LabelInput[]): Promise<Map<string, number>> {
  const existing = await db.all<{ id: number; name: string }>('SELECT id, name FROM labels');
  const ids = new Map(existing.map((l) => [l.name, l.id]));
  let position = existing.length;
  for (const label of labels) {
    if (ids.has(label.name)) continue;
    const { lastID } = await db.run('INSERT INTO labels (name, description, position) VALUES (?, ?, ?)', [
      label.name,
      label.description ?? '',
      position++,
    ]);
    ids.set(label.name, lastID);
  }
  return ids;
}

export function listLabels(db: Queryable): Promise<Label[]> {
  return db.all<Label>('SELECT id, name, description, color, position FROM labels ORDER BY position, id');
}
