/** Linear resampling of a (possibly irregular) multi-channel stream onto a uniform grid. */
import { StudioError } from '../shared/errors.ts';

/** Refuses grids beyond this many values (2 GiB of float64): almost surely a mistyped rate. */
const MAX_OUTPUT_VALUES = 2 ** 28;
/** Grid points within this fraction of a step past the last sample still count: k / rate rounds. */
const GRID_SLACK = 1e-9;

function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `resample: ${field} ${problem}`, { field });
}

function checkInputs(timestamps: Float64Array, data: Float64Array, channels: number, rate: number): void {
  if (!Number.isInteger(channels) || channels < 1) throw invalid('channels', `must be a whole number ≥ 1, got ${channels}`);
  if (!(Number.isFinite(rate) && rate > 0)) throw invalid('rate', `must be a positive number of samples per second, got ${rate}`);
  if (timestamps.length === 0) throw invalid('timestamps', 'is empty: there is nothing to resample');
  if (data.length !== timestamps.length * channels) {
    throw invalid('data', `has ${data.length} values, but ${timestamps.length} timestamps × ${channels} channels need ${timestamps.length * channels}`);
  }
  for (let i = 0; i < timestamps.length; i++) {
    if (!Number.isFinite(timestamps[i])) throw invalid('timestamps', `[${i}] is ${timestamps[i]}, not a finite time`);
    if (i > 0 && !(timestamps[i] > timestamps[i - 1])) {
      throw invalid('timestamps', `must increase, but [${i}] = ${timestamps[i]} follows [${i - 1}] = ${timestamps[i - 1]}`);
    }
  }
}

/**
 * Linearly interpolates each channel of row-major `data` (timestamps.length × channels) onto
 * t = t0, t0 + 1/rate, … ≤ the last timestamp, where t0 is the first timestamp (0 for a SensorTable).
 */
export function resampleUniform(
  timestamps: Float64Array,
  data: Float64Array,
  channels: number,
  rate: number,
): { data: Float64Array; rows: number; rate: number } {
  checkInputs(timestamps, data, channels, rate);
  const n = timestamps.length;
  const t0 = timestamps[0];
  const rows = Math.floor((timestamps[n - 1] - t0) * rate + GRID_SLACK) + 1;
  if (rows * channels > MAX_OUTPUT_VALUES) {
    throw invalid('rate', `of ${rate} Hz over ${timestamps[n - 1] - t0} s would make ${rows} rows; choose a lower rate`);
  }
  if (n === 1) return { data: data.slice(), rows: 1, rate };
  const out = new Float64Array(rows * channels);
  let j = 0;
  for (let k = 0; k < rows; k++) {
    // k / rate rather than a running sum, so the grid does not drift
    const t = t0 + k / rate;
    while (j < n - 2 && timestamps[j + 1] <= t) j++;
    const ta = timestamps[j];
    // past the last sample only by rounding: take it as the last sample
    const f = Math.min(1, (t - ta) / (timestamps[j + 1] - ta));
    for (let c = 0; c < channels; c++) {
      const a = data[j * channels + c];
      const b = data[(j + 1) * channels + c];
      out[k * channels + c] = f === 0 ? a : f === 1 ? b : a + (b - a) * f;
    }
  }
  return { data: out, rows, rate };
}
