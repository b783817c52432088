/**
 * The handlers behind the API contract: plain Node, one open project per session.
 * The Electron IPC wiring and the web mode both serve exactly these.
 */
import { importUtdMhad } from '../datasets/utdMhad.ts';
import { StudioError } from '../errors.ts';
import { importSensorFile } from '../sensors/importSensor.ts';
import { resampleUniform } from '../sensors/resample.ts';
import { listLabels } from '../store/labels.ts';
import { closeProject, createProject, openProject, type Project } from '../store/project.ts';
import { getStream, listRecordings } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import { latestSchemaVersion } from '../store/schema.ts';
import { projectSummary } from '../store/summary.ts';
import type { EventName, EventPayload, StudioHandlers } from './contract.ts';

export interface ServiceOptions {
  version: string;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
}

export interface StudioService {
  handlers: StudioHandlers;
  /** closes the open project, if any */
  dispose(): Promise<void>;
}

export function createStudioService({ version, emit }: ServiceOptions): StudioService {
  let project: Project | null = null;

  function current(): Project {
    if (!project) throw new StudioError('NOT_FOUND', 'no project is open: create or open one first', { field: 'project' });
    return project;
  }

  async function replace(next: Promise<Project>): Promise<Project> {
    const opened = await next;
    if (project) await closeProject(project);
    project = opened;
    return opened;
  }

  const progress = (job: string) => (done: number, total: number, message: string) => emit('job.progress', { job, done, total, message });

  const handlers: StudioHandlers = {
    'app.version': async () => ({ version, schemaVersion: latestSchemaVersion }),
    'project.create': async ({ path }) => projectSummary((await replace(createProject(path))).db),
    'project.open': async ({ path }) => projectSummary((await replace(openProject(path))).db),
    'project.close': async () => {
      if (project) await closeProject(project);
      project = null;
      return null;
    },
    'project.summary': async () => projectSummary(current().db),
    'recordings.list': async (filter) => listRecordings(current().db, filter),
    'labels.list': async () => listLabels(current().db),
    'streams.samples': async ({ streamId, resampleHz }) => {
      const db = current().db;
      const stream = await getStream(db, streamId);
      if (stream.kind !== 'sensor') throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is a ${stream.kind} stream, not a sensor stream`, { field: 'streamId' });
      const samples = await readSamples(db, streamId);
      let { rows, data } = samples;
      let rate = stream.rate;
      let timestamps = samples.timestamps ?? null;
      if (resampleHz !== undefined) {
        const times = timestamps ?? Float64Array.from({ length: rows }, (_, i) => i / stream.rate);
        ({ rows, data, rate } = resampleUniform(times, data, samples.cols, resampleHz));
        timestamps = null;
      }
      return { streamId, channels: stream.channels, rows, cols: samples.cols, rate, data: Array.from(data), timestamps: timestamps && Array.from(timestamps) };
    },
    'import.utdMhad': async ({ dir, skipBad }) => importUtdMhad(current(), dir, { skipBad, onProgress: progress('import.utdMhad') }),
    'import.sensor': async ({ file, options }) => importSensorFile(current(), file, options),
  };

  return {
    handlers,
    async dispose() {
      if (project) await closeProject(project);
      project = null;
    },
  };
}
