/**
 * What the recording view asks of a sensor stream: a time range at screen resolution (per-pixel
 * min/max, or the raw samples once zoomed in far enough) and the GAF of a window around a sensor
 * time. Times are sensor seconds from the stream's first sample. A stream is read from the project
 * once and kept (a few at a time): scrubbing an hour-long stream must not reread its blob per frame.
 */
import { StudioError } from '../errors.ts';
import { gafFromRows, type GafMethod } from '../gaf/gaf.ts';
import type { Queryable } from '../store/db.ts';
import { getStream, type Channel } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';

export interface SensorSeries {
  streamId: number;
  rows: number;
  cols: number;
  rate: number;
  channels: Channel[];
  /** row-major rows × cols */
  data: Float64Array;
  /** each row's time (s); null when row r lies at r / rate */
  times: Float64Array | null;
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
  if (stream.kind !== 'sensor') throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is a ${stream.kind} stream, not a sensor stream`, { field: 'streamId' });
  const samples = await readSamples(db, streamId);
  return { streamId, rows: samples.rows, cols: samples.cols, rate: stream.rate, channels: stream.channels, data: samples.data, times: samples.timestamps ?? null };
}

export function rowTime(s: SensorSeries, row: number): number {
  return s.times ? s.times[row] : row / s.rate;
}

/** The first row at or after time t: 0 … rows. */
function rowAtOrAfter(s: SensorSeries, t: number): number {
  if (!s.times) return Math.min(s.rows, Math.max(0, Math.ceil(t * s.rate - 1e-9)));
  let lo = 0;
  let hi = s.rows;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Columns to read: the asked ones (each checked), else the first three (an accelerometer's x, y, z). */
export function pickColumns(s: SensorSeries, asked: readonly number[] | undefined): number[] {
  if (!asked) return Array.from({ length: Math.min(3, s.cols) }, (_, c) => c);
  asked.forEach((c, k) => {
    if (c >= s.cols) throw new StudioError('INVALID_ARGUMENT', `channels[${k}] = ${c}: stream ${s.streamId} has ${s.cols} channels`, { field: `channels.${k}` });
  });
  return [...asked];
}

export type TraceWindow =
  | { mode: 'minmax'; buckets: number; min: Float32Array; max: Float32Array }
  | { mode: 'raw'; rows: number; times: Float64Array; values: Float32Array };

/**
 * The columns over [start, end] for a plot `pixels` wide. With more than two samples a pixel, each
 * pixel gets its bucket's min and max per column (C × pixels, column-major; NaN where a bucket
 * holds no sample), which draws the same envelope as every sample would. Otherwise the raw rows
 * (row-major rows × C) with one more on each side, so the line reaches the plot's edges.
 */
export function traceWindow(s: SensorSeries, start: number, end: number, pixels: number, columns: readonly number[]): TraceWindow {
  const first = rowAtOrAfter(s, start);
  const last = rowAtOrAfter(s, end);
  const C = columns.length;
  if (last - first <= 2 * pixels) {
    const from = Math.max(0, first - 1);
    const to = Math.min(s.rows, last + 1);
    const rows = to - from;
    const times = new Float64Array(rows);
    const values = new Float32Array(rows * C);
    for (let r = 0; r < rows; r++) {
      times[r] = rowTime(s, from + r);
      for (let c = 0; c < C; c++) values[r * C + c] = s.data[(from + r) * s.cols + columns[c]];
    }
    return { mode: 'raw', rows, times, values };
  }
  const min = new Float32Array(C * pixels).fill(NaN);
  const max = new Float32Array(C * pixels).fill(NaN);
  const width = (end - start) / pixels;
  let row = first;
  for (let p = 0; p < pixels; p++) {
    const stop = p === pixels - 1 ? last : rowAtOrAfter(s, start + (p + 1) * width);
    for (let c = 0; c < C; c++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = row; r < stop; r++) {
        const v = s.data[r * s.cols + columns[c]];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (stop > row) {
        min[c * pixels + p] = lo;
        max[c * pixels + p] = hi;
      }
    }
    row = stop;
  }
  return { mode: 'minmax', buckets: pixels, min, max };
}

/**
 * `count` rows × C of the columns at times start + (k + ½)·step, linearly interpolated between
 * samples; times beyond the stream take its first or last sample.
 */
function sampleAt(s: SensorSeries, start: number, step: number, count: number, columns: readonly number[]): Float64Array {
  if (s.rows === 0) throw new StudioError('BAD_INPUT', `stream ${s.streamId} has no samples`, { field: 'streamId' });
  const C = columns.length;
  const out = new Float64Array(count * C);
  for (let k = 0; k < count; k++) {
    const t = start + (k + 0.5) * step;
    const after = rowAtOrAfter(s, t);
    const a = Math.max(0, after - 1);
    const b = Math.min(s.rows - 1, after);
    const ta = rowTime(s, a);
    const tb = rowTime(s, b);
    const f = b === a ? 0 : Math.min(1, Math.max(0, (t - ta) / (tb - ta)));
    for (let c = 0; c < C; c++) {
      const va = s.data[a * s.cols + columns[c]];
      out[k * C + c] = va + (s.data[b * s.cols + columns[c]] - va) * f;
    }
  }
  return out;
}

export interface GafWindow {
  /** the window is [start, end) on the sensor clock, centred on the asked time */
  start: number;
  end: number;
  /** samples the window was cut into (one per sample period of the stream) */
  samples: number;
  /** C × size × size, channel-major */
  values: Float32Array;
}

/**
 * The GAF (pyts semantics: PAA to `size`, scaled to [-1, 1]) of the `seconds` around sensor time
 * `center`. Pixel i of an image relates the instant start + (i + ½)·seconds/size.
 */
export function gafWindow(s: SensorSeries, center: number, seconds: number, size: number, method: GafMethod, columns: readonly number[]): GafWindow {
  const start = center - seconds / 2;
  const samples = Math.max(2, Math.round(seconds * s.rate));
  const window = sampleAt(s, start, seconds / samples, samples, columns);
  const values = gafFromRows(window, samples, columns.length, columns.map((_, c) => c), { size, method });
  return { start, end: start + seconds, samples, values };
}

/** Little-endian bytes (every platform the studio runs on) as base64: a quarter of JSON's size. */
export function toBase64(values: Float32Array | Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
