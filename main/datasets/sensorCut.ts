/**
 * A sample's sensor window: the stretch of a sensor stream under a span of video time, found through
 * the recording's clock model and resampled from the stream's own timestamps (irregular or jittery
 * clocks included) onto the stream's nominal rate, optionally clipped to ±clip.
 */
import { videoToSensor, type ClockModel } from '../shared/clockModel.ts';

/** A sensor stream as stored: row-major rows × cols, and timestamps when irregular. */
export interface SensorSeries {
  rows: number;
  cols: number;
  /** the nominal rate, Hz */
  rate: number;
  data: Float64Array;
  /** seconds from the stream's start, one per row; null: row k is at k / rate */
  timestamps: Float64Array | null;
}

export interface SensorCut {
  rows: number;
  /** rows × cols, row k at the window's first sensor time + k / rate */
  data: Float64Array;
  /** values that lay beyond ±clip before clipping, and the largest magnitude among them */
  beyondClip: number;
  largest: number;
}

/**
 * Where a span of video time lies on the stream's clock. Every cut goes through here, so that a
 * stream with a clock model of its own needs a change in one place only.
 */
export function sensorSpan(clock: ClockModel, videoStart: number, videoEnd: number): { start: number; end: number } {
  return { start: videoToSensor(clock, videoStart), end: videoToSensor(clock, videoEnd) };
}

const timeOf = (s: SensorSeries, row: number) => (s.timestamps ? s.timestamps[row] : row / s.rate);

/** First and last sample times of the stream. */
export function seriesExtent(s: SensorSeries): { first: number; last: number } {
  return { first: timeOf(s, 0), last: timeOf(s, Math.max(0, s.rows - 1)) };
}

/** Rows at `start + k / rate` for k < rows, each channel linearly interpolated; times outside the samples take the nearest sample. */
export function sampleAt(s: SensorSeries, start: number, rows: number): Float64Array {
  const { cols } = s;
  const out = new Float64Array(rows * cols);
  let j = 0;
  for (let k = 0; k < rows; k++) {
    // k / rate rather than a running sum, so the grid does not drift
    const t = start + k / s.rate;
    while (j < s.rows - 2 && timeOf(s, j + 1) <= t) j++;
    const ta = timeOf(s, j);
    const tb = s.rows > 1 ? timeOf(s, j + 1) : ta;
    const f = tb > ta ? Math.min(1, Math.max(0, (t - ta) / (tb - ta))) : 0;
    for (let c = 0; c < cols; c++) {
      const a = s.data[j * cols + c];
      out[k * cols + c] = f === 0 ? a : a + ((s.rows > 1 ? s.data[(j + 1) * cols + c] : a) - a) * f;
    }
  }
  return out;
}

/** Clips in place to ±clip; counts what lay beyond. */
function clipInPlace(data: Float64Array, clip: number | null): { beyondClip: number; largest: number } {
  let beyondClip = 0;
  let largest = 0;
  if (clip === null) return { beyondClip, largest };
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Math.abs(v) <= clip) continue;
    beyondClip++;
    largest = Math.max(largest, Math.abs(v));
    data[i] = v > 0 ? clip : -clip;
  }
  return { beyondClip, largest };
}

/**
 * The stream under a video-time window (null: the whole stream) at its nominal rate. The window's rows:
 * its sensor duration × rate, rounded (at least one). A whole regular stream is its rows as stored; a
 * whole irregular one is resampled from its first timestamp to its last.
 */
export function cutSensor(s: SensorSeries, clock: ClockModel, window: { start: number; end: number } | null, clip: number | null): SensorCut {
  let start: number;
  let rows: number;
  if (window) {
    const span = sensorSpan(clock, window.start, window.end);
    start = span.start;
    rows = Math.max(1, Math.round((span.end - span.start) * s.rate));
  } else if (!s.timestamps) {
    const data = s.data.slice();
    return { rows: s.rows, data, ...clipInPlace(data, clip) };
  } else {
    const { first, last } = seriesExtent(s);
    start = first;
    rows = Math.floor((last - first) * s.rate + 1e-9) + 1;
  }
  const data = sampleAt(s, start, rows);
  return { rows, data, ...clipInPlace(data, clip) };
}
