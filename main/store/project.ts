/**
 * A project is one SQLite file. Opening checks that it is one of ours, refuses a newer
 * schema, and migrates an older one. Creating is atomic: the file is built under a temporary
 * name beside it and linked into place once its schema is complete, so a crash leaves either
 * no project or a whole one.
 */
import { randomBytes } from 'node:crypto';
import { link, open as openFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
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
  /** whether this call made the file (createProject, or openOrCreateProject when it was missing) */
  created?: boolean;
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

// A file being created: `<name>.<pid>-<random>.creating`, beside the project it becomes.
const CREATING = /^(.*)\.(\d+)-[0-9a-f]+\.creating(-journal)?$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what creations of `path` killed midway left behind (their process is gone): a temporary file, or a second name of the project. */
async function removeAbandoned(path: string): Promise<void> {
  const name = basename(path);
  for (const entry of await readdir(dirname(path)).catch(() => [])) {
    const match = CREATING.exec(entry);
    if (match && match[1] === name && !isRunning(Number(match[2]))) await rm(join(dirname(path), entry), { force: true });
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await openFile(path, 'r');
  try {
    await handle.sync();
  } catch {
    // some filesystems (and folders on some platforms) cannot be synced: the rename is still atomic
  } finally {
    await handle.close();
  }
}

/** Puts `temp` at `path` unless something is there already (link refuses to overwrite; rename would not). */
async function moveIntoPlace(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
    await unlink(temp);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new StudioError('CONFLICT', `${path}: a file already exists there`, { file: path });
    // a filesystem without hard links: check, then rename (atomic, but it could replace a file made in between)
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      throw new StudioError('CONFLICT', `${path}: a file already exists there`, { file: path });
    await rename(temp, path);
  }
}

/** Creates a new project file; CONFLICT when a file is already there. */
export async function createProject(file: string): Promise<Project> {
  const path = resolve(file);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) throw new StudioError('CONFLICT', `${path}: a file already exists there`, { file: path });
  await removeAbandoned(path);
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.creating`;
  try {
    // built with a rollback journal, which leaves everything in the one file once closed (WAL would not)
    const building = await Database.open(temp, { create: true });
    try {
      await building.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      await migrate(building, migrations);
    } finally {
      await building.close();
    }
    await syncPath(temp);
    await moveIntoPlace(temp, path);
    await syncPath(dirname(path));
  } catch (err) {
    await rm(temp, { force: true });
    await rm(`${temp}-journal`, { force: true });
    throw err;
  }
  const db = await Database.open(path, { create: false });
  await configure(db);
  return { path, db, created: true };
}

/**
 * Closes and deletes a project this process created, with its WAL files: for a command that created a
 * project and then failed, so that it leaves nothing behind. Refuses a project it did not create.
 */
export async function discardCreatedProject(project: Project): Promise<void> {
  if (!project.created) {
    throw new StudioError('INTERNAL', `${project.path}: not created by this call, so not removed`, { file: project.path });
  }
  await project.db.close();
  for (const suffix of ['', '-wal', '-shm']) await rm(`${project.path}${suffix}`, { force: true });
}

export async function openProject(file: string): Promise<Project> {
  const path = resolve(file);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new StudioError('NOT_FOUND', `${path}: no such project file`, { file: path });
  if ((await readMagic(path)) !== SQLITE_MAGIC) {
    throw new StudioError('BAD_INPUT', `${path}: not a VSKD project (not an SQLite file)`, { file: path });
  }
  await removeAbandoned(path);
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
  return { path, db, created: false };
}

/** Opens the project, or creates it when the file does not exist yet (then `created` is true). */
export async function openOrCreateProject(file: string): Promise<Project> {
  const path = resolve(file);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  return exists ? openProject(path) : createProject(path);
}

export function closeProject(project: Project): Promise<void> {
  return project.db.close();
}
