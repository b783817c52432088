/**
 * The files of a folder to import, as paths under it ('/' between folders), in natural order
 * (a2 before a10). Hidden entries are skipped, and so are a project's own file and media folder
 * when the project lives inside the folder.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { StudioError } from '../shared/errors.ts';

/** A folder import reads at most this many files: beyond, a pattern on a folder deeper down is meant. */
export const MAX_FOLDER_FILES = 200_000;

export const VIDEO_EXTENSIONS = new Set([
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.avi',
  '.webm',
  '.mpg',
  '.mpeg',
  '.wmv',
  '.flv',
  '.3gp',
  '.mts',
  '.m2ts',
  '.ts',
  '.ogv',
]);
export const SENSOR_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.dat', '.log', '.mat']);

export type FileKind = 'video' | 'sensor';

export function fileKind(path: string): FileKind | null {
  const ext = extname(path).toLowerCase();
  return VIDEO_EXTENSIONS.has(ext) ? 'video' : SENSOR_EXTENSIONS.has(ext) ? 'sensor' : null;
}

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** `dir`'s files below it, recursively; `skip` holds absolute paths left out (the project file, its media folder). */
export async function folderFiles(dir: string, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const files: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const entries = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      throw new StudioError('BAD_INPUT', `${folder}: cannot list the folder (${err.code ?? err.message})`, { file: folder });
    });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.name.startsWith('.') || skip.has(path)) continue;
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) files.push(relative(dir, path).split(sep).join('/'));
      if (files.length > MAX_FOLDER_FILES) {
        throw new StudioError('INVALID_ARGUMENT', `${dir}: more than ${MAX_FOLDER_FILES} files below it; import a folder further down`, {
          field: 'dir',
          file: dir,
        });
      }
    }
  }
  return files.sort(natural.compare);
}
