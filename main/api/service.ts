/**
 * The handlers behind the API contract: plain Node, one open project per session.
 * The Electron IPC wiring and the web mode both serve exactly these.
 */
import { annotationHandlers } from '../annotations/handlers.ts';
import { StudioError } from '../shared/errors.ts';
import { exportHandlers } from '../export/handlers.ts';
import { importJobHandlers } from '../jobs/importJobs.ts';
import { createJobRegistry } from '../jobs/registry.ts';
import { gafWindow } from '../shared/gafWindow.ts';
import { resolveMediaFile, type MediaFile } from '../media/mediaRoute.ts';
import { autoSyncRecording, recordingView, skeletonFrames } from '../media/recordingView.ts';
import { loadSeries, pickColumns, seriesChannels, toBase64, traceColumns } from '../media/sensorWindow.ts';
import { resampleUniform } from '../sensors/resample.ts';
import { getAlignment, setAlignment } from '../store/alignment.ts';
import { listLabels } from '../store/labels.ts';
import { closeProject, createProject, openProject, type Project } from '../store/project.ts';
import { getStream, listRecordings } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import { latestSchemaVersion } from '../store/schema.ts';
import { projectSummary } from '../store/summary.ts';
import { fitAnchors } from '../shared/anchors.ts';
import { trainingService } from '../train/handlers.ts';
import { recentProjects, rememberProject } from '../store/recent.ts';
import type { EventName, EventPayload, StudioHandlers } from '../shared/contract.ts';

export interface ServiceOptions {
  version: string;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** where the recent-projects list is kept (none: not remembered, as in tests) */
  recentFile?: string;
}

export interface StudioService {
  handlers: StudioHandlers;
  /** the file of a video stream of the open project, for the media routes (by id: never a path from a request) */
  mediaFile(streamId: number): Promise<MediaFile>;
  /** cancels the training job and the import jobs, if any, and waits for them to end; then closes the open project, if any */
  dispose(): Promise<void>;
}

export function createStudioService({ version, emit, recentFile }: ServiceOptions): StudioService {
  let project: Project | null = null;
  // the import jobs work on the open project: closing it cancels them first (what a cancel keeps: main/jobs/importJobs.ts)
  const jobs = createJobRegistry(emit);

  function current(): Project {
    if (!project) throw new StudioError('NOT_FOUND', 'no project is open: create or open one first', { field: 'project' });
    return project;
  }

  async function replace(next: Promise<Project>): Promise<Project> {
    const opened = await next;
    await jobs.cancelAll();
    if (project) await closeProject(project);
    project = opened;
    if (recentFile) await rememberProject(recentFile, opened.path);
    return opened;
  }

  // ── training: datasets, runs, and the job that trains one in a worker thread ──
  const training = trainingService(current, emit);
  // ── end of training ──

  const handlers: StudioHandlers = {
    'app.version': async () => ({ version, schemaVersion: latestSchemaVersion }),
    'projects.recent': async () => (recentFile ? recentProjects(recentFile) : []),
    'project.create': async ({ path }) => projectSummary((await replace(createProject(path))).db),
    'project.open': async ({ path }) => projectSummary((await replace(openProject(path))).db),
    'project.close': async () => {
      await jobs.cancelAll();
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
    ...importJobHandlers(current, jobs),
    // ── the recording view ──
    'recordings.get': async ({ recordingId }) => recordingView(current().db, recordingId),
    'streams.trace': async ({ streamId, channels }) => {
      const series = await loadSeries(current().db, streamId);
      const columns = pickColumns(series, channels);
      const values = toBase64(traceColumns(series, columns));
      return { streamId, rows: series.rows, rate: series.rate, channels: columns, values, times: series.times && toBase64(series.times) };
    },
    'gaf.window': async ({ streamId, center, seconds, size, method, channels }) => {
      const series = await loadSeries(current().db, streamId);
      const columns = pickColumns(series, channels);
      const gaf = gafWindow(seriesChannels(series, columns), center, seconds, size, method);
      return { streamId, center, start: gaf.start, end: gaf.end, size, method, channels: columns, samples: gaf.samples, values: toBase64(gaf.values) };
    },
    'alignment.get': async ({ recordingId }) => getAlignment(current().db, recordingId),
    'alignment.set': async (args) => {
      const db = current().db;
      if (args.method === 'anchors') {
        // fitted here, so the stored residuals are the stored model's
        const fit = fitAnchors(args.anchors);
        return setAlignment(db, args.recordingId, { ...fit.model, method: 'anchors', detail: { anchors: args.anchors, residuals: fit.residuals, rms: fit.rms } });
      }
      if (args.method === 'auto') {
        const { offset, drift, confidence, ncc, windows } = args;
        return setAlignment(db, args.recordingId, { offset, drift, method: 'auto', detail: { confidence, ncc, windows } });
      }
      return setAlignment(db, args.recordingId, { offset: args.offset, drift: args.drift, method: 'manual' });
    },
    'alignment.auto': async ({ recordingId, sensorStreamId, maxOffset }) => {
      const { model, confidence, ncc, runnerUp, driftEstimated, windows } = await autoSyncRecording(current().db, recordingId, { sensorStreamId, maxOffset });
      return { model, confidence, ncc, runnerUp, driftEstimated, windows };
    },
    'skeleton.get': async ({ recordingId, centre }) => {
      const skeleton = await skeletonFrames(current().db, recordingId, centre === 'hip');
      return { ...skeleton, data: toBase64(skeleton.data) };
    },
    // ── end of the recording view ──
    ...annotationHandlers(() => current().db),
    ...training.handlers,
    ...exportHandlers(current, emit),
  };

  return {
    handlers,
    mediaFile: (streamId) => resolveMediaFile(current().db, streamId),
    async dispose() {
      // the jobs first: a training run is recorded as cancelled (in its own connection), an import stops, before the studio lets go
      await Promise.all([training.dispose(), jobs.cancelAll()]);
      if (project) await closeProject(project);
      project = null;
    },
  };
}
