/** An import command's course: open (or create) the project, run the import job, and leave no new empty project behind when it fails. */
import { rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EventPayload } from '../shared/contract.ts';
import type { StudioClient } from './client.ts';
import { progressBar, type CliIO } from './command.ts';

export type ImportReport = NonNullable<Extract<EventPayload<'job.ended'>, { kind: 'import.demo' | 'import.utdMhad' | 'import.sensor' }>['result']>;

export async function importInto(studio: StudioClient, io: CliIO, projectPath: string, start: () => Promise<{ job: string }>): Promise<ImportReport> {
  const path = resolve(projectPath);
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  let report: ImportReport | undefined;
  try {
    await studio.call('project.open', { path, create: true });
    const end = await studio.job((await start()).job, progressBar(io, 'importing'));
    if (end.status === 'cancelled') throw new Error(`cancelled: ${end.error ?? 'nothing was imported'}`);
    report = end.result as ImportReport | undefined;
  } catch (err) {
    if (!existed) {
      // a command that fails creates nothing: the project it made is closed and removed
      await studio.call('project.close', {}).catch(() => undefined);
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
    }
    throw err;
  }
  if (!report) throw new Error('the import ended without a report');
  return report;
}
