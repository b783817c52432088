/** Small 1-D signal tools for alignment: uniform resampling, smoothing, lagged correlation. */

/** x[i] sampled at i / rate, linearly interpolated at k / outRate for every k that falls inside x. */
export function resampleTo(x: Float64Array, rate: number, outRate: number): Float64Array {
  if (x.length < 2) return Float64Array.from(x);
  // the slack keeps the last sample when (n − 1) · outRate / rate is a whole number up to rounding
  const count = Math.floor(((x.length - 1) * outRate) / rate + 1e-9) + 1;
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const pos = (k * rate) / outRate;
    const i = Math.min(Math.floor(pos), x.length - 2);
    const f = pos - i;
    out[k] = x[i] + (x[i + 1] - x[i]) * f;
  }
  return out;
}

/** Centred moving average over `width` samples (an even width gets one more); near the ends, the mean of what is there. */
export function movingAverage(x: Float64Array, width: number): Float64Array {
  const half = Math.max(0, Math.floor(width / 2));
  const prefix = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) prefix[i + 1] = prefix[i] + x[i];
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(x.length, i + half + 1);
    out[i] = (prefix[b] - prefix[a]) / (b - a);
  }
  return out;
}

export function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return x.length ? s / x.length : 0;
}

const FLAT = 1e-9;

/** A signal with running sums, so the mean and variance of any stretch cost O(1). */
class Prefixed {
  readonly x: Float64Array;
  /** the variance of the whole signal: a stretch far below it counts as flat */
  readonly variance: number;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;

  constructor(x: Float64Array) {
    // centred first: the running sums then stay small and the variances keep their precision
    const m = mean(x);
    this.x = x.map((v) => v - m);
    this.sum = new Float64Array(x.length + 1);
    this.sumSq = new Float64Array(x.length + 1);
    for (let i = 0; i < x.length; i++) {
      this.sum[i + 1] = this.sum[i] + this.x[i];
      this.sumSq[i + 1] = this.sumSq[i] + this.x[i] ** 2;
    }
    this.variance = x.length ? this.sumSq[x.length] / x.length : 0;
  }

  /** sum and sum of squares over [a, b) */
  stretch(a: number, b: number): [number, number] {
    return [this.sum[b] - this.sum[a], this.sumSq[b] - this.sumSq[a]];
  }
}

/**
 * Normalised cross-correlation of x[i] with y[i + lag]: the Pearson correlation over their
 * overlap, restricted to i in [from, to). NaN where the overlap is shorter than `minOverlap`
 * samples, or flat (its variance at rounding level next to the whole signal's).
 */
export class LagCorrelator {
  private readonly px: Prefixed;
  private readonly py: Prefixed;

  constructor(x: Float64Array, y: Float64Array) {
    this.px = new Prefixed(x);
    this.py = new Prefixed(y);
  }

  at(lag: number, minOverlap: number, from = 0, to = this.px.x.length): number {
    const a = Math.max(from, -lag);
    const b = Math.min(to, this.py.x.length - lag);
    const n = b - a;
    if (n < Math.max(2, minOverlap)) return NaN;
    const x = this.px.x;
    const y = this.py.x;
    let sxy = 0;
    for (let i = a; i < b; i++) sxy += x[i] * y[i + lag];
    const [sx, sxx] = this.px.stretch(a, b);
    const [sy, syy] = this.py.stretch(a + lag, b + lag);
    const vx = sxx - (sx * sx) / n;
    const vy = syy - (sy * sy) / n;
    if (!(vx > FLAT * n * this.px.variance && vy > FLAT * n * this.py.variance)) return NaN;
    return (sxy - (sx * sy) / n) / Math.sqrt(vx * vy);
  }
}

/** Index of the largest finite value, or -1 when there is none. */
export function argMax(x: Float64Array): number {
  let best = -1;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && (best < 0 || x[i] > x[best])) best = i;
  return best;
}

/** Where the top of a parabola through (−1, a), (0, b), (1, c) lies, in [−0.5, 0.5]; 0 when b is no peak. */
export function parabolicPeak(a: number, b: number, c: number): number {
  const curvature = a - 2 * b + c;
  if (!(curvature < 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curvature));
}

/**
 * How much a (row-major, `columns` wide) signal varies beyond its white noise, as a variance
 * ratio summed over the columns. The noise is estimated from the median step between samples
 * (robust to a few sharp impacts), the variation after removing a 1 s moving average (gravity,
 * posture, lighting). White noise alone gives about 0; smooth movement gives tens to thousands.
 */
export function signalToNoise(values: Float64Array, columns: number, rate: number): number {
  const rows = Math.floor(values.length / columns);
  let variation = 0;
  let noise = 0;
  for (let c = 0; c < columns; c++) {
    const column = Float64Array.from({ length: rows }, (_, r) => values[r * columns + c]);
    const slow = movingAverage(column, Math.max(1, Math.round(rate)));
    for (let r = 0; r < rows; r++) variation += (column[r] - slow[r]) ** 2 / rows;
    const steps = Float64Array.from({ length: rows - 1 }, (_, r) => Math.abs(column[r + 1] - column[r])).sort();
    // a step of white noise has √2 σ spread; 1.4826 × its median absolute value estimates that
    const sigma = (1.4826 * steps[steps.length >> 1]) / Math.SQRT2;
    noise += sigma * sigma;
  }
  return noise > 0 ? variation / noise - 1 : Infinity;
}

/** Autocorrelation of x at lags 0..maxLag (1 at lag 0; 0 for a flat x). */
function autocorrelation(x: Float64Array, maxLag: number): Float64Array {
  const m = mean(x);
  const centred = x.map((v) => v - m);
  const out = new Float64Array(maxLag + 1);
  let energy = 0;
  for (const v of centred) energy += v * v;
  if (energy === 0) return out;
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let i = 0; i + k < centred.length; i++) s += centred[i] * centred[i + k];
    out[k] = s / energy;
  }
  return out;
}

/**
 * How many independent samples the correlation of x and y (equal lengths) rests on: Bartlett's
 * n / (1 + 2 Σ ρx(k) ρy(k)), the sum truncated at maxLag. Smooth signals have far fewer than n,
 * so a high correlation between short smooth signals can be chance.
 */
export function effectiveSamples(x: Float64Array, y: Float64Array, maxLag: number): number {
  const lags = Math.min(maxLag, x.length - 1);
  const rx = autocorrelation(x, lags);
  const ry = autocorrelation(y, lags);
  let sum = 1;
  for (let k = 1; k <= lags; k++) sum += 2 * rx[k] * ry[k];
  return x.length / Math.max(1, sum);
}
