/**
 * Where the studio writes an export bundle: a folder the caller names, or by default one next to the
 * project. A bundle never lands among other files: a folder that holds anything is refused (or, for
 * the default, the next free name is taken), so a manifest never sits beside stale model files.
 */
import { constants } from 'node:fs';
import { access, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { StudioError } from '../shared/errors.ts';
import type { ExportFormat } from './exportStudent.ts';

/** what an existing path is: a missing one (or one under a file) is null */
async function kindOf(path: string): Promise<'empty folder' | 'folder' | 'file' | null> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!info) return null;
  if (!info.isDirectory()) return 'file';
  return (await readdir(path)).length === 0 ? 'empty folder' : 'folder';
}

/** mkdir -p one level at a time: Node's recursive mkdir never returns where a level answers ENOENT (as /proc does) */
async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path; (await kindOf(at)) === null && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  for (const folder of missing) await mkdir(folder);
}

/**
 * Makes the folder a bundle is written to, or says why it cannot, naming `field`: it must be an
 * absolute path, missing or empty, and creatable (or, when it exists, writable).
 */
export async function prepareExportDir(path: string, field: string): Promise<string> {
  if (!isAbsolute(path)) throw new StudioError('INVALID_ARGUMENT', `${field}: ${path} is not an absolute path`, { field });
  const kind = await kindOf(path);
  if (kind === 'file') throw new StudioError('INVALID_ARGUMENT', `${field}: ${path} is a file, not a folder`, { field });
  if (kind === 'folder') throw new StudioError('CONFLICT', `${field}: ${path} already holds files: choose a new or empty folder`, { field });
  try {
    // creating it is the one test of writability that holds for every user, root included
    if (kind === null) await makeFolders(path);
    else await access(path, constants.W_OK);
  } catch (err) {
    throw new StudioError('INVALID_ARGUMENT', `${field}: ${path} cannot be written: ${(err as Error).message}`, { field });
  }
  return path;
}

/**
 * `<project folder>/<project name>-exports/run-<id>-<format>`, or `…-2`, `…-3`, … when that one
 * already holds an earlier export.
 */
export async function defaultExportDir(projectPath: string, runId: number, format: ExportFormat): Promise<string> {
  const project = resolve(projectPath);
  const base = join(dirname(project), `${basename(project, extname(project))}-exports`, `run-${runId}-${format}`);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const kind = await kindOf(candidate);
    if (kind === null || kind === 'empty folder') return candidate;
  }
}
