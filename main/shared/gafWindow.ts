/**
 * The GAF of a window of a sensor stream around one instant, as the recording view shows it. No Node
 * imports: the server answers `gaf.window` with it and the renderer computes it from the channels it
 * already holds for the traces, on every frame of playback without a round trip.
 */
import { StudioError } from './errors.ts';
import { rowAtOrAfter, rowTime, type RowClock } from './rowClock.ts';
import { gafFromRows, type GafMethod } from './gaf.ts';

/** some channels of a sensor stream, however they are stored */
export interface SampledChannels extends RowClock {
  channels: number;
  /** channel c's value at row r */
  at(row: number, channel: number): number;
}

/**
 * `count` rows × C at times start + (k + ½)·step, linearly interpolated between samples; times beyond
 * the stream take its first or last sample.
 */
export function sampleWindow(s: SampledChannels, start: number, step: number, count: number): Float64Array {
  if (s.rows === 0) throw new StudioError('BAD_INPUT', 'the sensor stream has no samples', { field: 'streamId' });
  const C = s.channels;
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
      const va = s.at(a, c);
      out[k * C + c] = va + (s.at(b, c) - va) * f;
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
export function gafWindow(s: SampledChannels, center: number, seconds: number, size: number, method: GafMethod): GafWindow {
  const start = center - seconds / 2;
  const samples = Math.max(2, Math.round(seconds * s.rate));
  const window = sampleWindow(s, start, seconds / samples, samples);
  const values = gafFromRows(
    window,
    samples,
    s.channels,
    Array.from({ length: s.channels }, (_, c) => c),
    { size, method },
  );
  return { start, end: start + seconds, samples, values };
}
