/**
 * A session of your own as one recording: stored in one transaction once every file is read (a bad
 * file stores nothing), then its proxy video made when Chromium cannot play the original. A cancel
 * while reading stores nothing; during the proxy it keeps the recording, and importing the same files
 * again makes the proxy. A recording of that name from the same files is skipped; from other files,
 * refused.
 */
import type { Project } from '../store/project.ts';
import { addRecordings } from '../store/recordings.ts';
import { StudioError, throwIfCancelled } from '../shared/errors.ts';
import { makeProxies, type ProxyReport } from './proxies.ts';
import { readSession, type SessionFiles } from './readRecording.ts';

/** What a session or folder import did (the contract's import report). */
export interface SessionImportReport {
  imported: number;
  skipped: { name: string; reason: string }[];
  missing: string[];
  seconds: number;
  recordings: { id: number; name: string }[];
  warnings: string[];
  videos: ProxyReport;
}

/** a report that has imported nothing yet */
export const emptyReport = (): SessionImportReport => ({
  imported: 0,
  skipped: [],
  missing: [],
  seconds: 0,
  recordings: [],
  warnings: [],
  videos: { made: 0, reused: 0, failed: [] },
});

export interface ImportProgress {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
  /** ffmpeg processes at once for the proxies */
  videoJobs?: number;
}

export const ALREADY_THERE = 'already in the project';

/** The id of the recording named `name` when it came from exactly these files; null when there is none; CONFLICT when it came from others. */
async function sameSession(project: Project, files: SessionFiles): Promise<number | null> {
  const found = await project.db.get<{ id: number }>('SELECT id FROM recordings WHERE name = ?', [files.name]);
  if (!found) return null;
  const stored = await project.db.all<{ path: string }>('SELECT path FROM sources WHERE recording_id = ? ORDER BY path', [found.id]);
  const given = [...(files.video ? [files.video] : []), ...files.sensors.map((s) => s.file)].sort();
  if (
    stored
      .map((s) => s.path)
      .sort()
      .join('\n') !== given.join('\n')
  ) {
    throw new StudioError('CONFLICT', `name: a recording named ${files.name} is already in the project, from other files; choose another name`, {
      field: 'name',
    });
  }
  return found.id;
}

export async function importSession(project: Project, files: SessionFiles, opts: ImportProgress = {}): Promise<SessionImportReport> {
  const started = performance.now();
  const report = emptyReport();
  let id = await sameSession(project, files);
  if (id !== null) {
    report.skipped.push({ name: files.name, reason: ALREADY_THERE });
  } else {
    opts.onProgress?.(0, 1, `reading ${files.name}`);
    const read = await readSession(files, opts.signal);
    throwIfCancelled(opts.signal, `import of ${files.name} cancelled while reading its files: nothing was written`);
    [id] = await addRecordings(project.db, [read.input]);
    opts.onProgress?.(1, 1, `stored ${files.name}`);
    report.imported = 1;
    report.recordings.push({ id, name: files.name });
    report.warnings.push(...read.warnings);
  }
  report.videos = await makeProxies(project.db, new Set([id]), { signal: opts.signal, concurrency: 1, onProgress: opts.onProgress });
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
