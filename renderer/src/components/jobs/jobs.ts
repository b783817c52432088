/**
 * The jobs tray's state: one entry per job of the project screen (imports, the demo data, dataset exports),
 * built from jobs.list and the job.* events. Training runs and student exports show on their own screens.
 */
import type { EventPayload, JobKind, MethodResult } from '../../../../main/shared/contract.ts';

export type JobEnded = EventPayload<'job.ended'>;
export type JobProgress = EventPayload<'job.progress'>;
type ImportKind = 'import.demo' | 'import.utdMhad' | 'import.sensor' | 'import.session' | 'import.folder';
type ImportEnded = Extract<JobEnded, { kind: ImportKind }>;
export type ImportResult = NonNullable<ImportEnded['result']>;

export interface JobEntry {
  job: string;
  title: string;
  done: number;
  total: number;
  message: string;
  etaSeconds: number | null;
  status: 'running' | JobEnded['status'];
  /** Cancel was pressed; the job.ended is still to come */
  cancelling: boolean;
  /** why it failed, or what a cancel kept */
  error: string | null;
  /** what a finished job did, in one line */
  result: string | null;
}

const trayKinds: readonly JobKind[] = ['import.demo', 'import.utdMhad', 'import.sensor', 'import.session', 'import.folder', 'demo.generate', 'export.dataset'];
const inTray = (kind: JobKind) => trayKinds.includes(kind);

const running = (job: string, title: string): JobEntry => ({
  job,
  title,
  done: 0,
  total: 0,
  message: '',
  etaSeconds: null,
  status: 'running',
  cancelling: false,
  error: null,
  result: null,
});

/** the entries of the jobs running when the screen opened */
export function fromRunning(list: MethodResult<'jobs.list'>): JobEntry[] {
  return list
    .filter((j) => inTray(j.kind))
    .map(({ job, title, done, total, message, etaSeconds }) => ({ ...running(job, title), done, total, message, etaSeconds }));
}

/** the entries with a job's progress */
export function withProgress(entries: JobEntry[], p: JobProgress): JobEntry[] {
  if (!inTray(p.kind)) return entries;
  const entry = entries.find((e) => e.job === p.job) ?? running(p.job, p.title);
  const updated = { ...entry, done: p.done, total: p.total, message: p.message, etaSeconds: p.etaSeconds };
  return entries.includes(entry) ? entries.map((e) => (e === entry ? updated : e)) : [...entries, updated];
}

/** the entries with a job's end (a job that ended before this screen heard of it gets an entry too) */
export function withEnd(entries: JobEntry[], end: JobEnded): JobEntry[] {
  if (!inTray(end.kind)) return entries;
  const entry = entries.find((e) => e.job === end.job) ?? running(end.job, end.title);
  const updated: JobEntry = { ...entry, status: end.status, cancelling: false, error: end.error ?? null, result: describeEnd(end) };
  return entries.includes(entry) ? entries.map((e) => (e === entry ? updated : e)) : [...entries, updated];
}

/** the share done, 0..1; null while the job does not know its total yet */
export const share = (entry: JobEntry): number | null => (entry.total > 0 ? Math.min(1, entry.done / entry.total) : null);

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** what a finished import did, in one line */
export function describeImport(result: ImportResult): string {
  const parts = [`${plural(result.imported, 'recording')} imported`];
  const already = result.skipped.filter((s) => s.reason === 'already in the project').length;
  if (already) parts.push(`${already} already in the project`);
  const bad = result.skipped.length - already;
  if (bad) parts.push(`${bad} skipped as unreadable`);
  if (result.missing.length) parts.push(`${plural(result.missing.length, 'file')} missing in the dataset`);
  if (result.videos) {
    const { made, reused, failed } = result.videos;
    parts.push(`depth videos: ${made} made${reused ? `, ${reused} reused` : ''}${failed.length ? `, ${failed.length} failed` : ''}`);
  }
  if (result.warnings?.length) parts.push(plural(result.warnings.length, 'warning'));
  return `${parts.join(' · ')} in ${result.seconds.toFixed(1)} s`;
}

/** what a job that is done made, in one line; null for one that failed or was cancelled */
export function describeEnd(end: JobEnded): string | null {
  if (end.kind === 'demo.generate')
    return end.result ? `${plural(end.result.clips, 'clip')} written to ${end.result.dir} in ${end.result.seconds.toFixed(1)} s` : null;
  if (end.kind === 'export.dataset') return end.result ? `${end.result.written} files written, ${end.result.kept} kept in ${end.result.outDir}` : null;
  if (
    end.kind === 'import.demo' ||
    end.kind === 'import.utdMhad' ||
    end.kind === 'import.sensor' ||
    end.kind === 'import.session' ||
    end.kind === 'import.folder'
  ) {
    return end.result ? describeImport(end.result) : null;
  }
  return null;
}
