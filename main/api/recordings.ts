/** The API of the recording view: its streams, traces, GAF windows, skeleton and clock alignment. */
import { autoSyncRecording, recordingView, skeletonFrames } from '../media/recordingView.ts';
import { loadSeries, pickColumns, seriesChannels, toBase64, traceColumns } from '../media/sensorWindow.ts';
import { resampleUniform } from '../sensors/resample.ts';
import { fitAnchors } from '../shared/anchors.ts';
import { maxSampleRows } from '../shared/contract.ts';
import { StudioError } from '../shared/errors.ts';
import { gafWindow } from '../shared/gafWindow.ts';
import { getAlignment, getStreamAlignment, setAlignment, setStreamAlignment, type Alignment, type AlignmentInput } from '../store/alignment.ts';
import type { Queryable } from '../store/db.ts';
import { getStream } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

type SetArgs = Parameters<DomainHandlers<'recordings'>['alignment.set']>[0];

/** The alignment a call asks for; the anchors are fitted here, so the stored residuals are the stored model's. */
function alignmentInput(args: SetArgs): AlignmentInput {
  if (args.method === 'anchors') {
    const fit = fitAnchors(args.anchors);
    return { ...fit.model, method: 'anchors', detail: { anchors: args.anchors, residuals: fit.residuals, rms: fit.rms } };
  }
  if (args.method === 'auto') {
    const { offset, drift, confidence, ncc, windows } = args;
    return { offset, drift, method: 'auto', detail: { confidence, ncc, windows } };
  }
  return { offset: args.offset, drift: args.drift, method: 'manual' };
}

/** The alignment an alignment call works on: the sensor stream's when one is named (it must be the recording's), else the recording's. */
async function alignmentOf(db: Queryable, recordingId: number, sensorStreamId: number | undefined): Promise<Alignment> {
  if (sensorStreamId === undefined) return getAlignment(db, recordingId);
  const alignment = await getStreamAlignment(db, sensorStreamId);
  if (alignment.recordingId !== recordingId) {
    await getAlignment(db, recordingId); // an unknown recording is named as such
    throw new StudioError('NOT_FOUND', `recording ${recordingId} has no sensor stream ${sensorStreamId}`, { field: 'sensorStreamId' });
  }
  return alignment;
}

/** An answer of streams.samples is plain JSON numbers: refused beyond maxSampleRows before it is made. */
function checkSampleRows(rows: number, field: 'streamId' | 'resampleHz', what: string): void {
  if (rows <= maxSampleRows) return;
  const instead = field === 'resampleHz' ? 'ask for a lower rate' : 'resample it (resampleHz)';
  throw new StudioError(
    'INVALID_ARGUMENT',
    `streams.samples: ${field}: ${what} would answer ${rows} rows, over the limit of ${maxSampleRows}: ${instead}, or read it with streams.trace`,
    {
      field,
    },
  );
}

export function recordingHandlers(context: ServiceContext): DomainHandlers<'recordings'> {
  const db = () => context.project().db;
  return {
    'streams.samples': async ({ streamId, resampleHz }) => {
      const stream = await getStream(db(), streamId);
      if (stream.kind !== 'sensor')
        throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is a ${stream.kind} stream, not a sensor stream`, { field: 'streamId' });
      const samples = await readSamples(db(), streamId);
      let { rows, data } = samples;
      let rate = stream.rate;
      let timestamps = samples.timestamps ?? null;
      if (resampleHz === undefined) checkSampleRows(rows, 'streamId', `stream ${streamId}`);
      else {
        const times = timestamps ?? Float64Array.from({ length: rows }, (_, i) => i / stream.rate);
        const seconds = times[rows - 1] - times[0];
        checkSampleRows(Math.floor(seconds * resampleHz) + 1, 'resampleHz', `${resampleHz} Hz over ${+seconds.toFixed(3)} s`);
        ({ rows, data, rate } = resampleUniform(times, data, samples.cols, resampleHz));
        timestamps = null;
      }
      return { streamId, channels: stream.channels, rows, cols: samples.cols, rate, data: Array.from(data), timestamps: timestamps && Array.from(timestamps) };
    },
    'recordings.get': async ({ recordingId }) => recordingView(db(), recordingId),
    'streams.trace': async ({ streamId, channels }) => {
      const series = await loadSeries(db(), streamId);
      const columns = pickColumns(series, channels);
      const values = toBase64(traceColumns(series, columns));
      return { streamId, rows: series.rows, rate: series.rate, channels: columns, values, times: series.times && toBase64(series.times) };
    },
    'gaf.window': async ({ streamId, center, seconds, size, method, channels }) => {
      const series = await loadSeries(db(), streamId);
      const columns = pickColumns(series, channels);
      const gaf = gafWindow(seriesChannels(series, columns), center, seconds, size, method);
      return { streamId, center, start: gaf.start, end: gaf.end, size, method, channels: columns, samples: gaf.samples, values: toBase64(gaf.values) };
    },
    'alignment.get': async ({ recordingId, sensorStreamId }) => alignmentOf(db(), recordingId, sensorStreamId),
    'alignment.set': async (args) => {
      const input = alignmentInput(args);
      const { recordingId, sensorStreamId } = args;
      await alignmentOf(db(), recordingId, sensorStreamId); // an unknown recording or another's stream fails a dry run too
      if (!args.dryRun) return sensorStreamId === undefined ? setAlignment(db(), recordingId, input) : setStreamAlignment(db(), sensorStreamId, input);
      const proposed: Alignment = {
        recordingId,
        model: { offset: input.offset, drift: input.drift },
        method: input.method,
        detail: input.detail ?? {},
        updatedAt: null,
        ...(sensorStreamId === undefined ? {} : { sensorStreamId, inherited: false }),
      };
      return proposed;
    },
    'alignment.auto': async ({ recordingId, sensorStreamId, maxOffset }) => {
      const { model, confidence, ncc, runnerUp, driftEstimated, windows } = await autoSyncRecording(db(), recordingId, { sensorStreamId, maxOffset });
      return { model, confidence, ncc, runnerUp, driftEstimated, windows };
    },
    'skeleton.get': async ({ recordingId, centre }) => {
      const skeleton = await skeletonFrames(db(), recordingId, centre === 'hip');
      return { ...skeleton, data: toBase64(skeleton.data) };
    },
  };
}
