/**
 * What the web mode's file browser shows of a folder the studio listed (files.list): the path as
 * breadcrumbs, the entries a picker of some kind wants, and paths joined as the server writes them.
 */
import type { MethodResult } from '../../../main/shared/contract.ts';

export type FolderEntry = MethodResult<'files.list'>['entries'][number];
export type PickKind = 'file' | 'folder' | 'save';

/** the separator the studio's paths use: a drive letter or a backslash means Windows */
const separatorOf = (path: string): '/' | '\\' => (/^[A-Za-z]:\\/.test(path) || (path.includes('\\') && !path.includes('/')) ? '\\' : '/');

export function joinPath(dir: string, name: string): string {
  const sep = separatorOf(dir);
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** the folder a path lies in ('' for a bare name) */
export function folderOf(path: string): string {
  const sep = separatorOf(path);
  const at = path.lastIndexOf(sep);
  if (at < 0) return '';
  return at === 0 || (sep === '\\' && at === 2) ? path.slice(0, at + 1) : path.slice(0, at);
}

/** each folder from the root down to `dir`, with the path that opens it */
export function breadcrumbs(dir: string): { name: string; path: string }[] {
  const sep = separatorOf(dir);
  const parts = dir.split(sep).filter((p) => p !== '');
  const rootIsDrive = sep === '\\' && /^[A-Za-z]:$/.test(parts[0] ?? '');
  const crumbs = [{ name: rootIsDrive ? `${parts[0]}\\` : sep, path: rootIsDrive ? `${parts[0]}\\` : sep }];
  for (const part of rootIsDrive ? parts.slice(1) : parts) {
    const parent = crumbs[crumbs.length - 1].path;
    crumbs.push({ name: part, path: joinPath(parent, part) });
  }
  return crumbs;
}

/** lower-case extensions without the dot: 'CSV', '.csv' → 'csv' */
export const normaliseExtensions = (extensions: string[]): string[] => extensions.map((e) => e.replace(/^\./, '').toLowerCase());

export function hasExtension(name: string, extensions: string[]): boolean {
  if (extensions.length === 0) return true;
  const lower = name.toLowerCase();
  return normaliseExtensions(extensions).some((e) => lower.endsWith(`.${e}`));
}

/**
 * The entries a picker shows: every folder (to walk into), and for a file picker the files with one of
 * `extensions` (none: every file); `text` narrows both to names that contain it.
 */
export function shownEntries(entries: FolderEntry[], kind: PickKind, extensions: string[], text = ''): FolderEntry[] {
  const needle = text.trim().toLowerCase();
  return entries.filter(
    (e) => (needle === '' || e.name.toLowerCase().includes(needle)) && (e.kind === 'folder' || (kind !== 'folder' && hasExtension(e.name, extensions))),
  );
}

/** A size as a person reads it: 900 B, 12.3 kB, 4.5 MB. */
export function sizeText(bytes: number | null): string {
  if (bytes === null) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  for (; value >= 1000 && unit < units.length - 1; unit++) value /= 1000;
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** the folder the browser opened last, so the next picker starts there (for this page) */
let lastFolder: string | null = null;
export const rememberFolder = (dir: string): void => void (lastFolder = dir);
export const rememberedFolder = (): string | null => lastFolder;
