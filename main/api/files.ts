/**
 * The file browser behind the web mode's pickers (Electron has its native dialog): one folder's
 * entries at a time, as the user navigates. It lists names, kinds and sizes, never reads a file, and
 * is served like every method: through the dispatcher, token-guarded in the web mode.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { maxFolderEntries, type MethodResult } from '../shared/contract.ts';
import { StudioError } from '../shared/errors.ts';
import type { DomainHandlers } from './domains.ts';

type Entry = MethodResult<'files.list'>['entries'][number];

/** a folder, or a link to one, counts as a folder; anything else that exists as a file; a broken link is left out */
async function kindOf(dir: string, dirent: Dirent): Promise<Entry['kind'] | null> {
  if (dirent.isDirectory()) return 'folder';
  if (!dirent.isSymbolicLink()) return 'file';
  const target = await stat(join(dir, dirent.name)).catch(() => null);
  return target === null ? null : target.isDirectory() ? 'folder' : 'file';
}

function folderError(dir: string, err: unknown): StudioError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StudioError('NOT_FOUND', `dir: ${dir} does not exist`, { field: 'dir', file: dir });
  if (code === 'ENOTDIR') return new StudioError('INVALID_ARGUMENT', `dir: ${dir} is a file, not a folder`, { field: 'dir', file: dir });
  if (code === 'EACCES' || code === 'EPERM') return new StudioError('FORBIDDEN', `dir: ${dir} cannot be read: permission denied`, { field: 'dir', file: dir });
  return new StudioError('INVALID_ARGUMENT', `dir: ${dir} cannot be listed: ${code ?? String(err)}`, { field: 'dir', file: dir });
}

export async function listFolder(requested: string | undefined, hidden = false): Promise<MethodResult<'files.list'>> {
  const home = homedir();
  if (requested !== undefined && !isAbsolute(requested)) {
    throw new StudioError('INVALID_ARGUMENT', `dir: ${requested} is not an absolute path`, { field: 'dir' });
  }
  const dir = resolve(requested ?? home);
  const dirents = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw folderError(dir, err);
  });
  const shown = dirents.filter((d) => hidden || !d.name.startsWith('.'));
  const kinds = await Promise.all(shown.map((d) => kindOf(dir, d)));
  const named = shown.flatMap((d, i) => (kinds[i] === null ? [] : [{ name: d.name, kind: kinds[i]! }]));
  named.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.kind === 'folder' ? -1 : 1));
  const kept = named.slice(0, maxFolderEntries);
  const entries = await Promise.all(
    kept.map(async (e): Promise<Entry> => ({ ...e, bytes: e.kind === 'file' ? ((await stat(join(dir, e.name)).catch(() => null))?.size ?? null) : null })),
  );
  const parent = dirname(dir);
  return { dir, parent: parent === dir ? null : parent, home, entries, total: named.length, truncated: named.length > kept.length };
}

export function fileHandlers(): DomainHandlers<'files'> {
  return { 'files.list': async ({ dir, hidden }) => listFolder(dir, hidden) };
}
