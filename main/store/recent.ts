/** The projects a user opened lately, newest first, kept in a small JSON file of the studio's own. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const KEPT = 10;

/** The remembered projects that still exist (an unreadable list counts as empty). */
export async function recentProjects(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '[]');
  let paths: unknown;
  try {
    paths = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string' && existsSync(p)) : [];
}

/** Puts `path` first (once); written to a temp name and renamed, so a crash leaves the old list. */
export async function rememberProject(file: string, path: string): Promise<string[]> {
  const paths = [path, ...(await recentProjects(file)).filter((p) => p !== path)].slice(0, KEPT);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(paths, null, 2));
  await rename(`${file}.tmp`, file);
  return paths;
}
