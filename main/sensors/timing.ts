/**
 * What a column of timestamps says about a sensor's clock: the unit, the nominal rate and how
 * evenly the samples came.
 *
 * The rate is 1 / the slope of a least-squares line through (row, time) over the whole file. Unlike
 * 1 / the median step, that holds when the steps are uneven: a logger that stamps 25 ms and 50 ms
 * steps, 182 samples over 5.83 s, is 31.1 Hz, where the median step says 40 Hz and the recording
 * would seem 4.55 s long. A gap (samples lost) tilts the line and lowers the rate; such a file is
 * irregular, and its kept timestamps, not the rate, place its samples. The jitter is the standard
 * deviation of the steps.
 */

export interface Clock {
  /** seconds from the first sample */
  timestamps: Float64Array;
  /** absolute time of the first sample, in seconds */
  startTime: number;
  /** samples per second, from the line fit */
  rate: number;
  /** the standard deviation of the steps between samples, in seconds */
  jitter: number;
  /** every step within 1% (or 1 µs) of the median step: the rate alone describes the times */
  regular: boolean;
}

/** Relative and absolute (seconds) tolerance of a step against the median for "regular". */
const REGULAR_STEP_TOLERANCE = 0.01;
const REGULAR_STEP_SLACK_S = 1e-6;
/** A median step this large cannot be seconds for an accelerometer (≤ 2 Hz): it is milliseconds. */
const MS_STEP_THRESHOLD = 0.5;

/** Time-name suffix → units per second, tried in order. */
const NAME_TIME_UNITS: [RegExp, number][] = [
  [/(ms|msecs?|millis|milliseconds)$/, 1e3],
  [/(us|µs|μs|usecs?|micros|microseconds)$/, 1e6],
  [/(ns|nsecs?|nanos|nanoseconds)$/, 1e9],
  [/(^|[^a-z])(s|secs?|seconds)$/, 1],
];

/** How many time units a column's name says make a second, or undefined when it does not say. */
export function timeScaleFromName(name: string): number | undefined {
  const bare = name
    .trim()
    .toLowerCase()
    .replace(/[\s)\]]+$/, '');
  return NAME_TIME_UNITS.find(([pattern]) => pattern.test(bare))?.[1];
}

function median(values: Float64Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The slope of the least-squares line through (i, raw[i] - raw[0]), in raw units per row. */
function fittedStep(raw: Float64Array): number {
  const n = raw.length;
  const meanRow = (n - 1) / 2;
  let sum = 0;
  // Σ(i - ī) = 0, so the times need no centring; the offset from raw[0] keeps epochs exact
  for (let i = 0; i < n; i++) sum += (i - meanRow) * (raw[i] - raw[0]);
  return sum / ((n * (n * n - 1)) / 12);
}

function stepDeviation(steps: Float64Array): number {
  let mean = 0;
  for (const step of steps) mean += step;
  mean /= steps.length;
  let squares = 0;
  for (const step of steps) squares += (step - mean) ** 2;
  return Math.sqrt(squares / steps.length);
}

/**
 * The clock of strictly increasing raw times (at least two), converted in place to seconds from the
 * first sample. `perSecond` is the raw units in a second when known (the option or the column's
 * name); otherwise a median step of 0.5 or more means milliseconds.
 */
export function clockOf(raw: Float64Array, perSecond: number | undefined): Clock {
  const steps = new Float64Array(raw.length - 1);
  for (let i = 1; i < raw.length; i++) steps[i - 1] = raw[i] - raw[i - 1];
  const medianStep = median(steps);
  const scale = perSecond ?? (medianStep >= MS_STEP_THRESHOLD ? 1e3 : 1);
  const tolerance = Math.max(REGULAR_STEP_TOLERANCE * medianStep, REGULAR_STEP_SLACK_S * scale);
  const regular = steps.every((step) => Math.abs(step - medianStep) <= tolerance);
  const rate = scale / fittedStep(raw);
  const start = raw[0];
  // dividing (rather than multiplying by 0.001) keeps whole milliseconds exact to the last bit
  for (let i = 0; i < raw.length; i++) raw[i] = (raw[i] - start) / scale;
  return { timestamps: raw, startTime: start / scale, rate, jitter: stepDeviation(steps) / scale, regular };
}
