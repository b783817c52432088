/** The jobs tray's state: one entry per import job, built from jobs.list and the job.* events. */
import type { EventPayload, MethodResult } from '../../../../main/shared/contract.ts';

export type JobEnded = EventPayload<'job.ended'>;
export type JobProgress = EventPayload<'job.progress'>;
export type ImportResult = NonNullable<JobEnded['result']>;

export interface JobEntry {
  job: string;
  title: string;
  done: number;
  total: number;
  message: string;
  status: 'running' | JobEnded['status'];
  /** Cancel was pressed; the job.ended is still to come */
  cancelling: boolean;
  /** why it failed, or what a cancel kept */
  error: string | null;
  result: ImportResult | null;
}

const kindNames: Record<JobEnded['kind'], string> = { 'import.demo': 'Demo dataset', 'import.utdMhad': 'UTD-MHAD', 'import.sensor': 'Sensor file' };

const running = (job: string, title: string): JobEntry => ({ job, title, done: 0, total: 0, message: '', status: 'running', cancelling: false, error: null, result: null });

/** the entries of the jobs running when the screen opened */
export function fromRunning(list: MethodResult<'jobs.list'>): JobEntry[] {
  return list.map(({ job, title, done, total, message }) => ({ ...running(job, title), done, total, message }));
}

/** the entries with a job's progress; a progress without a kind is not an import job's (runs.export reports its own) */
export function withProgress(entries: JobEntry[], p: JobProgress): JobEntry[] {
  if (!p.kind || !p.title) return entries;
  const entry = entries.find((e) => e.job === p.job) ?? running(p.job, p.title);
  const updated = { ...entry, done: p.done, total: p.total, message: p.message };
  return entries.includes(entry) ? entries.map((e) => (e === entry ? updated : e)) : [...entries, updated];
}

/** the entries with a job's end (a job that ended before this screen heard of it gets an entry too) */
export function withEnd(entries: JobEntry[], end: JobEnded): JobEntry[] {
  const entry = entries.find((e) => e.job === end.job) ?? running(end.job, kindNames[end.kind]);
  const updated: JobEntry = { ...entry, status: end.status, cancelling: false, error: end.error ?? null, result: end.result ?? null };
  return entries.includes(entry) ? entries.map((e) => (e === entry ? updated : e)) : [...entries, updated];
}

/** the share done, 0..1; null while the job does not know its total yet */
export const share = (entry: JobEntry): number | null => (entry.total > 0 ? Math.min(1, entry.done / entry.total) : null);

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** what a finished import did, in one line */
export function describeResult(result: ImportResult): string {
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
  return `${parts.join(' · ')} in ${result.seconds.toFixed(1)} s`;
}
