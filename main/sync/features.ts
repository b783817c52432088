/**
 * What the video and the accelerometer can both tell about the wrist, on one 100 Hz grid.
 *
 * Motion energy rises with on-screen speed; the accelerometer measures the change of velocity.
 * So the two are compared in matching pairs rather than raw: the video's speed-like signal with
 * the accelerometer's velocity (its integral), and the video's rate of change with the
 * accelerometer's acceleration. Matching |speed| against |acceleration| directly would be biased
 * by up to a quarter of a movement's period (an oscillation's speed and acceleration peak apart).
 */
import { effectiveSamples, LagCorrelator, movingAverage, resampleTo } from './signal.ts';

/** the common grid (Hz) */
export const FEATURE_RATE = 100;
/** the accelerometer's slow part (gravity, posture) is its moving average over this many seconds; its velocity's too */
const GRAVITY_WINDOW_S = 1;
/** motion energy is smoothed this much (s) before it is differentiated: frame-to-frame noise */
const DERIVATIVE_SMOOTHING_S = 0.07;
/** every feature is smoothed over this many seconds last: movements, not single samples, are matched */
const FEATURE_SMOOTHING_S = 0.15;
/** autocorrelations count up to this lag (s) towards the effective number of samples */
const MEMORY_S = 3;

export interface Features {
  /** how fast things move */
  speed: Float64Array;
  /** how fast that changes */
  change: Float64Array;
}

function smooth(x: Float64Array, seconds: number): Float64Array {
  return movingAverage(x, Math.max(1, Math.round(seconds * FEATURE_RATE)));
}

/** |dx/dt| by central differences (ends copied from their neighbours), per second. */
function absDerivative(x: Float64Array, rate: number): Float64Array {
  const d = new Float64Array(x.length);
  for (let i = 1; i + 1 < x.length; i++) d[i] = (Math.abs(x[i + 1] - x[i - 1]) * rate) / 2;
  if (x.length >= 3) {
    d[0] = d[1];
    d[x.length - 1] = d[x.length - 2];
  }
  return d;
}

/** Video motion energy (at `rate`, value i at time i / rate) as features on the common grid. */
export function motionFeatures(motion: Float64Array, rate: number): Features {
  const energy = resampleTo(motion, rate, FEATURE_RATE);
  return {
    speed: smooth(energy, FEATURE_SMOOTHING_S),
    change: smooth(absDerivative(smooth(energy, DERIVATIVE_SMOOTHING_S), FEATURE_RATE), FEATURE_SMOOTHING_S),
  };
}

/** A rows × 3 accelerometer (row i at time i / rate) as features on the common grid. */
export function accelFeatures(accel: Float64Array, rate: number): Features {
  const rows = accel.length / 3;
  const slowWidth = Math.max(1, Math.round(GRAVITY_WINDOW_S * rate));
  const acceleration = new Float64Array(rows);
  const velocity = new Float64Array(rows);
  for (let axis = 0; axis < 3; axis++) {
    const column = Float64Array.from({ length: rows }, (_, r) => accel[r * 3 + axis]);
    const slow = movingAverage(column, slowWidth);
    const moving = column.map((a, r) => a - slow[r]);
    const integral = new Float64Array(rows);
    for (let r = 1; r < rows; r++) integral[r] = integral[r - 1] + (moving[r - 1] + moving[r]) / (2 * rate);
    // the integral wanders (noise, what the moving average missed): a centred high-pass keeps
    // the velocity's timing, where a leaky integrator would shift it by tens of milliseconds
    const drift = movingAverage(integral, slowWidth);
    for (let r = 0; r < rows; r++) {
      acceleration[r] += moving[r] ** 2;
      velocity[r] += (integral[r] - drift[r]) ** 2;
    }
  }
  return {
    speed: smooth(resampleTo(velocity.map(Math.sqrt), rate, FEATURE_RATE), FEATURE_SMOOTHING_S),
    change: smooth(resampleTo(acceleration.map(Math.sqrt), rate, FEATURE_RATE), FEATURE_SMOOTHING_S),
  };
}

/** The mean of the two pairs' normalised cross-correlations, video[i] against sensor[i + lag]. */
export class FeatureCorrelator {
  private readonly speed: LagCorrelator;
  private readonly change: LagCorrelator;
  readonly videoLength: number;
  readonly sensorLength: number;

  constructor(
    private readonly video: Features,
    private readonly sensor: Features,
  ) {
    this.speed = new LagCorrelator(video.speed, sensor.speed);
    this.change = new LagCorrelator(video.change, sensor.change);
    this.videoLength = video.speed.length;
    this.sensorLength = sensor.speed.length;
  }

  at(lag: number, minOverlap: number, from?: number, to?: number): number {
    return (this.speed.at(lag, minOverlap, from, to) + this.change.at(lag, minOverlap, from, to)) / 2;
  }

  scan(lo: number, hi: number, minOverlap: number, from?: number, to?: number): Float64Array {
    const out = new Float64Array(hi - lo + 1);
    for (let lag = lo; lag <= hi; lag++) out[lag - lo] = this.at(lag, minOverlap, from, to);
    return out;
  }

  /**
   * `ncc`, found at `lag`, in standard errors of a chance correlation between signals as smooth
   * as these over their overlap: a short, smooth overlap needs a high NCC to mean anything.
   */
  significance(lag: number, ncc: number): number {
    const at = Math.round(lag);
    const a = Math.max(0, -at);
    const b = Math.min(this.videoLength, this.sensorLength - at);
    if (b - a < 2) return 0;
    const samples = (pick: (f: Features) => Float64Array) =>
      effectiveSamples(pick(this.video).subarray(a, b), pick(this.sensor).subarray(a + at, b + at), Math.round(MEMORY_S * FEATURE_RATE));
    const variance = (1 / samples((f) => f.speed) + 1 / samples((f) => f.change)) / 2;
    return ncc / Math.sqrt(variance);
  }
}
