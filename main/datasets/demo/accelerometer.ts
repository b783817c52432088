/**
 * The demo's right-wrist accelerometer, derived from the same motion the video shows.
 *
 * The sensor has its own clock: sensor_time = video_time × (1 + drift) + offset. It samples at
 * whole multiples of 1/rate on that clock; each sample evaluates the motion at the matching video
 * time. A reading is the specific force in g (the wrist's acceleration minus gravity's) along world
 * axes (x to the image's right, y up, z toward the camera) turned about x by the strap's tilt: each
 * subject wears the sensor a little rolled, so z reads part of y, as a real wrist sensor's axes never
 * line up with the room's. Untilted, a wrist at rest reads (0, 1, 0).
 * Readings saturate at ±16 g, as a real part's do.
 */
import { randomGaussian, type Rng } from '../../random.ts';
import { DEFAULT_FULL_SCALE } from '../../sensors/channelUnits.ts';
import { poseAt, type Motion } from './skeleton.ts';

export const STANDARD_GRAVITY = 9.80665;
/** the range of the simulated part, the widest common MEMS accelerometers offer */
const FULL_SCALE_G = DEFAULT_FULL_SCALE.g;

/** sensor_time = video_time × (1 + drift) + offset */
export interface ClockRelation {
  offset: number;
  drift: number;
}

export interface AccelerometerOptions {
  /** samples per second on the sensor clock */
  rate: number;
  /** standard deviation of the Gaussian noise on each axis, in g */
  noise: number;
  /** how long the sensor records before the video starts and after it ends (s) */
  margin: number;
  /** how far the strap turns the sensor about the forearm (radians), mixing y into z; default 0 */
  tilt?: number;
}

export interface AccelerometerTrace {
  /** seconds on the sensor clock */
  t: Float64Array;
  /** row-major t.length × 3, in g */
  acc: Float64Array;
}

export const toVideoTime = (clock: ClockRelation, sensorTime: number): number => (sensorTime - clock.offset) / (1 + clock.drift);
export const toSensorTime = (clock: ClockRelation, videoTime: number): number => videoTime * (1 + clock.drift) + clock.offset;

/** The sensor-clock instants k / rate that cover the video's [0, seconds] with `margin` either side. */
export function sensorTimes(clock: ClockRelation, seconds: number, rate: number, margin: number): Float64Array {
  const first = Math.ceil((toSensorTime(clock, 0) - margin) * rate);
  const last = Math.floor((toSensorTime(clock, seconds) + margin) * rate);
  return Float64Array.from({ length: last - first + 1 }, (_, i) => (first + i) / rate);
}

/** Step (s) of the central difference: small against the motion's time scales, large against rounding. */
const DIFF_STEP = 1e-3;

/** The right wrist's acceleration (m/s², x and y) at video time t, by central differences. */
export function wristAcceleration(motion: Motion, t: number): [number, number] {
  const before = poseAt(motion, t - DIFF_STEP).rightWrist;
  const at = poseAt(motion, t).rightWrist;
  const after = poseAt(motion, t + DIFF_STEP).rightWrist;
  const h2 = DIFF_STEP * DIFF_STEP;
  return [(before[0] - 2 * at[0] + after[0]) / h2, (before[1] - 2 * at[1] + after[1]) / h2];
}

/** The specific force (g) at video time t on the sensor's axes (turned `tilt` radians about x by the strap), without noise. */
export function sensorReading(motion: Motion, t: number, tilt = 0): [number, number, number] {
  const [ax, ay] = wristAcceleration(motion, t);
  // the world's: acceleration minus gravity's (0, -1 g); the figure moves in the image plane, so z is 0
  const fx = ax / STANDARD_GRAVITY;
  const fy = ay / STANDARD_GRAVITY + 1;
  // turned about x by the strap: y' = y cos α, z' = −y sin α
  return [fx, fy * Math.cos(tilt), -fy * Math.sin(tilt)];
}

export function synthesizeAccelerometer(motion: Motion, clock: ClockRelation, seconds: number, opts: AccelerometerOptions, rng: Rng): AccelerometerTrace {
  const t = sensorTimes(clock, seconds, opts.rate, opts.margin);
  const acc = new Float64Array(t.length * 3);
  for (let i = 0; i < t.length; i++) {
    const reading = sensorReading(motion, toVideoTime(clock, t[i]), opts.tilt);
    // a wearable saturates at its full scale: a jump between two actions reads ±16 g, not 34 g
    for (let k = 0; k < 3; k++) acc[3 * i + k] = Math.max(-FULL_SCALE_G, Math.min(FULL_SCALE_G, reading[k] + opts.noise * randomGaussian(rng)));
  }
  return { t, acc };
}

/** The trace as `t,acc_x,acc_y,acc_z` text (t in seconds on the sensor clock, readings in g). */
export function accelerometerCsv(trace: AccelerometerTrace): string {
  const lines = ['t,acc_x,acc_y,acc_z'];
  for (let i = 0; i < trace.t.length; i++) {
    lines.push(`${trace.t[i].toFixed(4)},${trace.acc[3 * i].toFixed(5)},${trace.acc[3 * i + 1].toFixed(5)},${trace.acc[3 * i + 2].toFixed(5)}`);
  }
  return `${lines.join('\n')}\n`;
}
