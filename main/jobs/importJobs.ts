/**
 * The import methods as jobs on the open project: a call checks its path, starts the import in the
 * background (registry.ts) and answers with the job's id; job.progress events and one job.ended
 * follow, as train.progress and train.ended follow runs.start.
 *
 * What a cancel keeps: the demo and sensor imports read everything first and write it in one
 * transaction, so a cancelled one stores nothing. UTD-MHAD stores its recordings in one transaction,
 * then adds the depth videos one at a time: a cancel while reading stores nothing, a cancel during
 * the videos keeps the recordings and the finished videos (ffmpeg is killed on the one in progress,
 * and its partial file removed), and importing again with video adds the rest.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { StudioHandlers } from '../shared/contract.ts';
import { importDemo } from '../datasets/demoImport.ts';
import { importUtdMhad } from '../datasets/utdMhad.ts';
import { StudioError } from '../shared/errors.ts';
import { importSensorFile } from '../sensors/importSensor.ts';
import type { Project } from '../store/project.ts';
import type { JobRegistry } from './registry.ts';

export type ImportJobMethod = 'import.demo' | 'import.utdMhad' | 'import.sensor' | 'jobs.list' | 'jobs.cancel';

/** `path` resolved, once it is known to be a `kind`: a bad path fails the call, not a job later */
async function existing(path: string, field: 'dir' | 'file', kind: 'folder' | 'file'): Promise<string> {
  const full = resolve(path);
  const stats = await stat(full).catch(() => null);
  if (!stats) throw new StudioError('NOT_FOUND', `${field}: ${full}: no such ${kind}`, { field, file: full });
  if (kind === 'folder' ? !stats.isDirectory() : !stats.isFile()) throw new StudioError('INVALID_ARGUMENT', `${field}: ${full} is not a ${kind}`, { field, file: full });
  return full;
}

export function importJobHandlers(project: () => Project, jobs: JobRegistry): Pick<StudioHandlers, ImportJobMethod> {
  return {
    'import.demo': async ({ dir }) => {
      const target = project();
      const folder = await existing(dir, 'dir', 'folder');
      const job = jobs.start({ kind: 'import.demo', title: `Demo dataset ${folder}`, key: folder }, async ({ signal, progress }) => {
        const report = await importDemo(target, folder, { signal, onProgress: (done, total, name) => progress(done, total, `reading ${name}`) });
        return { ...report, skipped: report.skipped.map((name) => ({ name, reason: 'already in the project' })), missing: [] };
      });
      return { job };
    },
    'import.utdMhad': async ({ dir, skipBad, withVideo }) => {
      const target = project();
      const folder = await existing(dir, 'dir', 'folder');
      const title = `UTD-MHAD ${folder}${withVideo ? ' with depth video' : ''}`;
      const job = jobs.start({ kind: 'import.utdMhad', title, key: folder }, ({ signal, progress }) =>
        importUtdMhad(target, folder, {
          skipBad,
          withVideo,
          signal,
          onProgress: (done, total, name) => progress(done, total, `reading ${name}`),
          onVideoProgress: (done, total, name) => progress(done, total, `depth video ${name}`),
        }),
      );
      return { job };
    },
    'import.sensor': async ({ file, options }) => {
      const target = project();
      const path = await existing(file, 'file', 'file');
      const job = jobs.start({ kind: 'import.sensor', title: `Sensor file ${path}`, key: path }, async ({ signal, progress }) => {
        const started = performance.now();
        progress(0, 1, `reading ${basename(path)}`);
        await importSensorFile(target, path, { ...options, signal });
        return { imported: 1, skipped: [], missing: [], seconds: (performance.now() - started) / 1000 };
      });
      return { job };
    },
    'jobs.list': async () => jobs.running(),
    'jobs.cancel': async ({ job }) => {
      if (!jobs.cancel(job)) throw new StudioError('NOT_FOUND', `job: no job ${job} is running (it may have ended)`, { field: 'job' });
      return { job };
    },
  };
}
