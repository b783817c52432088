/**
 * The import methods as jobs on the open project: a call checks its path, starts the import in the
 * background (main/jobs/manager.ts) and answers with the job's id; job.progress events and one job.ended
 * follow.
 *
 * What a cancel keeps: the demo and sensor imports read everything first and write it in one
 * transaction, so a cancelled one stores nothing. UTD-MHAD stores its recordings in one transaction,
 * then adds the depth videos one at a time: a cancel while reading stores nothing, a cancel during
 * the videos keeps the recordings and the finished videos (ffmpeg is killed on the one in progress,
 * and its partial file removed), and importing again with video adds the rest.
 *
 * A session stores its recording in one transaction, then makes its proxy video: a cancel while reading
 * stores nothing, during the proxy keeps the recording. A folder stores its recordings in batches as
 * they are read, then makes the proxies: a cancel keeps the batches stored and the finished proxies.
 * Importing either again skips what is there and makes the proxies that are missing.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { importDemo } from '../datasets/demoImport.ts';
import { importUtdMhad } from '../datasets/utdMhad.ts';
import { importSensorFile } from '../sensors/importSensor.ts';
import { importFolder, previewFolder } from '../sessions/folderImport.ts';
import { checkFolderRequest } from '../sessions/folderPlan.ts';
import { importSession } from '../sessions/importSession.ts';
import { defaultStreamName } from '../sessions/readRecording.ts';
import type { Project } from '../store/project.ts';
import { StudioError } from '../shared/errors.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

/** `path` resolved, once it is known to be a `kind`: a bad path fails the call, not a job later */
export async function existing(path: string, field: string, kind: 'folder' | 'file'): Promise<string> {
  const full = resolve(path);
  const stats = await stat(full).catch(() => null);
  if (!stats) throw new StudioError('NOT_FOUND', `${field}: ${full}: no such ${kind}`, { field, file: full });
  if (kind === 'folder' ? !stats.isDirectory() : !stats.isFile())
    throw new StudioError('INVALID_ARGUMENT', `${field}: ${full} is not a ${kind}`, { field, file: full });
  return full;
}

/** an import's lease in the project file: one import of a source at a time, across processes too */
const importLease = (context: ServiceContext, source: string) => ({ db: context.project().db, resource: `the import of ${source}`, holder: context.holder });

/** The open project, or null when none is: a folder's preview needs one only to tell what it holds already. */
function openProjectOrNull(context: ServiceContext): Project | null {
  try {
    return context.project();
  } catch (err) {
    if (err instanceof StudioError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

export function importHandlers(context: ServiceContext): DomainHandlers<'imports'> {
  const { jobs } = context;
  return {
    'import.demo': async ({ dir }) => {
      const target = context.project();
      const folder = await existing(dir, 'dir', 'folder');
      const spec = { kind: 'import.demo' as const, title: `Demo dataset ${folder}`, key: folder, lease: importLease(context, folder) };
      const job = await jobs.start(spec, async ({ signal, progress }) => {
        const report = await importDemo(target, folder, { signal, onProgress: (done, total, name) => progress(done, total, `reading ${name}`) });
        return { ...report, skipped: report.skipped.map((name) => ({ name, reason: 'already in the project' })), missing: [] };
      });
      return { job };
    },
    'import.utdMhad': async ({ dir, skipBad, withVideo, videoJobs }) => {
      const target = context.project();
      const folder = await existing(dir, 'dir', 'folder');
      const title = `UTD-MHAD ${folder}${withVideo ? ' with depth video' : ''}`;
      const job = await jobs.start({ kind: 'import.utdMhad', title, key: folder, lease: importLease(context, folder) }, ({ signal, progress }) =>
        importUtdMhad(target, folder, {
          skipBad,
          withVideo,
          videoConcurrency: videoJobs,
          signal,
          onProgress: (done, total, name) => progress(done, total, `reading ${name}`),
          onVideoProgress: (done, total, name) => progress(done, total, `depth video ${name}`),
        }),
      );
      return { job };
    },
    'import.sensor': async ({ file, options }) => {
      const target = context.project();
      const path = await existing(file, 'file', 'file');
      const job = await jobs.start(
        { kind: 'import.sensor', title: `Sensor file ${path}`, key: path, lease: importLease(context, path) },
        async ({ signal, progress }) => {
          const started = performance.now();
          progress(0, 1, `reading ${basename(path)}`);
          const { recording, warnings } = await importSensorFile(target, path, { ...options, signal });
          progress(1, 1, `read ${basename(path)}`);
          const recordings = [{ id: recording.id, name: recording.name }];
          return { imported: 1, skipped: [], missing: [], recordings, warnings, seconds: (performance.now() - started) / 1000 };
        },
      );
      return { job };
    },
    'import.session': async ({ video, sensors, name, subject, trial, label }) => {
      const target = context.project();
      const files = {
        name,
        subject: subject ?? null,
        trial: trial ?? null,
        label: label ?? null,
        video: video === undefined ? null : await existing(video, 'video', 'file'),
        sensors: await Promise.all(
          sensors.map(async (s, i) => {
            const file = await existing(s.file, `sensors[${i}].file`, 'file');
            return { file, stream: s.stream ?? defaultStreamName(file), options: s.options };
          }),
        ),
      };
      const spec = { kind: 'import.session' as const, title: `Session ${name}`, key: `session ${name}`, lease: importLease(context, `session ${name}`) };
      const job = await jobs.start(spec, ({ signal, progress }) => importSession(target, files, { signal, onProgress: progress }));
      return { job };
    },
    'import.folder.preview': async ({ dir, ...request }) =>
      previewFolder(openProjectOrNull(context), { ...request, dir: await existing(dir, 'dir', 'folder') }),
    'import.folder': async ({ dir, videoJobs, ...request }) => {
      const target = context.project();
      const folder = await existing(dir, 'dir', 'folder');
      checkFolderRequest(request);
      const spec = { kind: 'import.folder' as const, title: `Folder ${folder}`, key: folder, lease: importLease(context, folder) };
      const job = await jobs.start(spec, ({ signal, progress }) =>
        importFolder(target, { ...request, dir: folder }, { signal, onProgress: progress, videoJobs }),
      );
      return { job };
    },
  };
}
