/**
 * The project's label schema (table labels): the names recordings and annotations are labelled with,
 * in the order the UI lists them (position). Every edit returns what is needed to invert it.
 */
import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';

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

export interface NewLabel extends LabelInput {
  /** '#rrggbb', or null for the UI's own colour */
  color?: string | null;
  /** restores a deleted label under its old id (undo); a CONFLICT when the id is taken */
  id?: number;
  /** default: after the last label */
  position?: number;
}

export interface LabelChange {
  name?: string;
  description?: string;
  color?: string | null;
}

const MAX_NAME = 100;

/** Adds the labels that are missing (keeping the given order) and returns every name's id. */
export async function ensureLabels(db: Queryable, labels: LabelInput[]): Promise<Map<string, number>> {
  const existing = await db.all<{ id: number; name: string }>('SELECT id, name FROM labels');
  const ids = new Map(existing.map((l) => [l.name, l.id]));
  let position = existing.length;
  for (const label of labels) {
    if (ids.has(label.name)) continue;
    const { lastID } = await db.run('INSERT INTO labels (name, description, position) VALUES (?, ?, ?)', [label.name, label.description ?? '', position++]);
    ids.set(label.name, lastID);
  }
  return ids;
}

export function listLabels(db: Queryable): Promise<Label[]> {
  return db.all<Label>('SELECT id, name, description, color, position FROM labels ORDER BY position, id');
}

export async function getLabel(db: Queryable, id: number): Promise<Label> {
  const label = await db.get<Label>('SELECT id, name, description, color, position FROM labels WHERE id = ?', [id]);
  if (!label) throw new StudioError('NOT_FOUND', `no label with id ${id}`, { field: 'labelId' });
  return label;
}

/** A label name as stored: trimmed, not empty, one line. */
export function checkLabelName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new StudioError('INVALID_ARGUMENT', `${field}: a label needs a name`, { field });
  if (trimmed.length > MAX_NAME) throw new StudioError('INVALID_ARGUMENT', `${field}: a label name has at most ${MAX_NAME} characters`, { field });
  // names travel through CSV cells and ELAN values: a line break would split them
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    throw new StudioError('INVALID_ARGUMENT', `${field}: ${JSON.stringify(trimmed)} contains a control character`, { field });
  return trimmed;
}

function checkColor(color: string | null): string | null {
  if (color !== null && !/^#[0-9a-fA-F]{6}$/.test(color)) {
    throw new StudioError('INVALID_ARGUMENT', `color must be '#rrggbb' or null, got ${JSON.stringify(color)}`, { field: 'color' });
  }
  return color === null ? null : color.toLowerCase();
}

async function refuseTakenName(tx: Queryable, name: string, exceptId: number | null): Promise<void> {
  const clash = await tx.get<{ id: number }>('SELECT id FROM labels WHERE name = ? AND id IS NOT ?', [name, exceptId]);
  if (clash) throw new StudioError('CONFLICT', `a label named ${name} already exists (id ${clash.id})`, { field: 'name' });
}

/** Adds one label; its inverse is deleteLabel(result.id). */
export async function createLabel(db: Database, input: NewLabel): Promise<Label> {
  const name = checkLabelName(input.name);
  const color = checkColor(input.color ?? null);
  return db.transaction(async (tx) => {
    await refuseTakenName(tx, name, null);
    if (input.id !== undefined && (await tx.get('SELECT id FROM labels WHERE id = ?', [input.id]))) {
      throw new StudioError('CONFLICT', `label id ${input.id} is taken`, { field: 'id' });
    }
    const position = input.position ?? (await tx.get<{ next: number }>('SELECT COALESCE(MAX(position) + 1, 0) AS next FROM labels'))!.next;
    const { lastID } = await tx.run('INSERT INTO labels (id, name, description, color, position) VALUES (?, ?, ?, ?, ?)', [
      input.id ?? null,
      name,
      input.description ?? '',
      color,
      position,
    ]);
    return getLabel(tx, lastID);
  });
}

/** Renames, recolours or re-describes a label; `before` is what undoes it. */
export async function updateLabel(db: Database, id: number, change: LabelChange): Promise<{ before: Label; after: Label }> {
  const name = change.name === undefined ? undefined : checkLabelName(change.name);
  const color = change.color === undefined ? undefined : checkColor(change.color);
  return db.transaction(async (tx) => {
    const before = await getLabel(tx, id);
    if (name !== undefined) await refuseTakenName(tx, name, id);
    await tx.run('UPDATE labels SET name = ?, description = ?, color = ? WHERE id = ?', [
      name ?? before.name,
      change.description ?? before.description,
      color === undefined ? before.color : color,
      id,
    ]);
    return { before, after: await getLabel(tx, id) };
  });
}

/**
 * Deletes a label nothing uses and returns it (createLabel with its id and position restores it).
 * A label still on annotations or recordings is a CONFLICT that says how many.
 */
export async function deleteLabel(db: Database, id: number): Promise<Label> {
  return db.transaction(async (tx) => {
    const label = await getLabel(tx, id);
    const annotations = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM annotations WHERE label_id = ?', [id]))!.n;
    // recordings.label_id would silently become NULL (ON DELETE SET NULL): refuse that too
    const recordings = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM recordings WHERE label_id = ?', [id]))!.n;
    if (annotations > 0 || recordings > 0) {
      const uses = [
        annotations > 0 ? `${annotations} annotation${annotations === 1 ? '' : 's'}` : null,
        recordings > 0 ? `${recordings} recording${recordings === 1 ? '' : 's'} (as their action)` : null,
      ].filter(Boolean);
      throw new StudioError('CONFLICT', `label ${label.name} is used by ${uses.join(' and ')}: relabel or delete those first`, { field: 'id' });
    }
    await tx.run('DELETE FROM labels WHERE id = ?', [id]);
    return label;
  });
}
