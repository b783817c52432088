/**
 * The embedded demo project that `npm start` opens on a fresh machine: the demo dataset,
 * generated once into the user's cache folder and imported into demo.vskd beside it. It holds the
 * clips `vskd demo` trains on (the same generator defaults and seed), each with its ground-truth
 * action segment as an annotation; the long session stays in the folder as plain files (video, CSV,
 * annotations/session1_s1.csv) for importing as one's own recording would be.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { closeProject, createProject } from '../store/project.ts';
import { generateDemo } from './demo/generate.ts';
import { DEMO_MANIFEST } from './demo/manifest.ts';
import { importDemo } from './demoImport.ts';

/** $VSKD_CACHE_DIR, else $XDG_CACHE_HOME/vskd-studio, else ~/.cache/vskd-studio */
export function studioCacheDir(): string {
  return process.env.VSKD_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vskd-studio');
}

/** The demo project's path, made first when missing (a failed import leaves no project behind). */
export async function ensureDemoProject(cacheDir = studioCacheDir(), log: (line: string) => void = () => {}): Promise<string> {
  const projectPath = join(cacheDir, 'demo.vskd');
  if (existsSync(projectPath)) return projectPath;
  const dataDir = join(cacheDir, 'demo-data');
  if (!existsSync(join(dataDir, DEMO_MANIFEST))) {
    log(`generating the demo dataset in ${dataDir} (once; under a minute)`);
    await generateDemo(dataDir);
  }
  const building = `${projectPath}.building`;
  await removeProjectFile(building); // what an interrupted earlier attempt left
  const project = await createProject(building);
  try {
    await importDemo(project, dataDir);
  } finally {
    await closeProject(project);
  }
  await rename(building, projectPath);
  await removeProjectFile(building); // WAL side files left under the old name, if any
  return projectPath;
}

async function removeProjectFile(path: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${path}${suffix}`, { force: true })));
}
