/**
 * A project is one SQLite file. Opening checks that it is one of ours, refuses a newer
 * schema, and migrates an older one.
 */
import { open as openFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StudioError } from '../shared/errors.ts';
import { Database } from './db.ts';
import { migrate } from './migrate.ts';
import { migrations } from './schema.ts';

/** PRAGMA application_id marks a file as a VSKD project ('VSKD' in ASCII). */
export const APPLICATION_ID = 0x56534b44;
const SQLITE_MAGIC = 'SQLite format 3\0';

export interface Project {
  path: string;
  db: Database;
}

async function configure(db: Database): Promise<void> {
  await db.exec('PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
}

async function readMagic(path: string): Promise<string> {
  const file = await openFile(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await file.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await file.close();
  }
}

export async function createProject(file: string): Promise<Project> {
  const path = resolve(file);
  const exists = await stat(path).then(() => true, () => false);
  if (exists) throw new StudioError('CONFLICT', `${path}: a file already exists there`, { file: path });
  const db = await Database.open(path, { create: true });
  await configure(db);
  await db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
  await migrate(db, migrations);
  return { path, db };
}

export async function openProject(file: string): Promise<Project> {
  const path = resolve(file);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new StudioError('NOT_FOUND', `${path}: no such project file`, { file: path });
  if ((await readMagic(path)) !== SQLITE_MAGIC) {
    throw new StudioError('BAD_INPUT', `${path}: not a VSKD project (not an SQLite file)`, { file: path });
  }
  const db = await Database.open(path, { create: false });
  try {
    const { application_id: appId } = (await db.get<{ application_id: number }>('PRAGMA application_id'))!;
    if (appId !== APPLICATION_ID) {
      throw new StudioError('BAD_INPUT', `${path}: an SQLite file, but not a VSKD project`, { file: path });
    }
    await configure(db);
    await migrate(db, migrations);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { path, db };
}

/** Opens the project, or creates it when the file does not exist yet. */
export async function openOrCreateProject(file: string): Promise<Project> {
  const path = resolve(file);
  const exists = await stat(path).then(() => true, () => false);
  return exists ? openProject(path) : createProject(path);
}

export function closeProject(project: Project): Promise<void> {
  return project.db.close();
}
