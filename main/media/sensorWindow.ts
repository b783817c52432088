/**
 * What the recording view asks of a sensor stream: its channels whole (the renderer builds its
 * zoomable traces from them, see renderer/src/lib/minmaxPyramid.ts) and its columns for the GAF of a
 * window around a sensor time (main/gaf/gafWindow.ts). Times are sensor seconds from the stream's first sample. A stream is read from the
 * project once and kept (a few at a time): scrubbing an hour-long stream must not reread its blob per frame.
 */
import { StudioError } from '../shared/errors.ts';
import type { SampledChannels } from '../shared/gafWindow.ts';
import type { Queryable } from '../store/db.ts';
import { getStream, type Channel } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import type { RowClock } from '../shared/rowClock.ts';

export interface SensorSeries extends RowClock {
  streamId: number;
  cols: number;
  channels: Channel[];
  /** row-major rows × cols */
  data: Float64Array;
}

/** streams kept per project; an hour at 100 Hz × 6 channels is 17 MB */
const KEEP = 4;
const cache = new WeakMap<Queryable, Map<number, Promise<SensorSeries>>>();

/** The stream's samples, from the cache when read lately. Samples are never rewritten, so the copy stays true. */
export function loadSeries(db: Queryable, streamId: number): Promise<SensorSeries> {
  let kept = cache.get(db);
  if (!kept) cache.set(db, (kept = new Map()));
  const hit = kept.get(streamId);
  if (hit) {
    // the most recently used goes last, so eviction takes the oldest
    kept.delete(streamId);
    kept.set(streamId, hit);
    return hit;
  }
  const loading = readSeries(db, streamId);
  kept.set(streamId, loading);
  loading.catch(() => kept.delete(streamId));
  while (kept.size > KEEP) kept.delete(kept.keys().next().value as number);
  return loading;
}

async function readSeries(db: Queryable, streamId: number): Promise<SensorSeries> {
  const stream = await getStream(db, streamId);
  if (stream.kind !== 'sensor')
    throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is a ${stream.kind} stream, not a sensor stream`, { field: 'streamId' });
  const samples = await readSamples(db, streamId);
  return {
    streamId,
    rows: samples.rows,
    cols: samples.cols,
    rate: stream.rate,
    channels: stream.channels,
    data: samples.data,
    times: samples.timestamps ?? null,
  };
}

/** Columns to read: the asked ones (each checked), else the first three (an accelerometer's x, y, z). */
export function pickColumns(s: SensorSeries, asked: readonly number[] | undefined): number[] {
  if (!asked) return Array.from({ length: Math.min(3, s.cols) }, (_, c) => c);
  asked.forEach((c, k) => {
    if (c >= s.cols)
      throw new StudioError('INVALID_ARGUMENT', `channels[${k}] = ${c}: stream ${s.streamId} has ${s.cols} channels`, { field: `channels.${k}` });
  });
  return [...asked];
}

/** The columns as float32, channel-major (C × rows): a trace needs no more precision than a screen shows. */
export function traceColumns(s: SensorSeries, columns: readonly number[]): Float32Array {
  const { rows, cols, data } = s;
  const out = new Float32Array(columns.length * rows);
  columns.forEach((column, c) => {
    for (let r = 0, at = column; r < rows; r++, at += cols) out[c * rows + r] = data[at];
  });
  return out;
}

/** The columns of the series as the GAF window reads them. */
export function seriesChannels(s: SensorSeries, columns: readonly number[]): SampledChannels {
  return { rows: s.rows, rate: s.rate, times: s.times, channels: columns.length, at: (row, c) => s.data[row * s.cols + columns[c]] };
}

/** Little-endian bytes (every platform the studio runs on) as base64: a quarter of JSON's size. */
export function toBase64(values: Float32Array | Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
