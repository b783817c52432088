/**
 * Synthetic recordings for the alignment tests. A wrist makes random bursts of to-and-fro
 * movement; a 30 fps camera sees motion energy that follows the wrist's speed (plus a noise
 * floor), and a 50 Hz accelerometer on the wrist feels its acceleration plus gravity and noise,
 * sampled on its own clock, which is off by a known offset and drift.
 */
import { mulberry32 as random, randomGaussian as gaussian } from '../../main/random.ts';
import { sensorToVideo, type ClockModel } from '../../main/shared/clockModel.ts';

export { gaussian, random };

interface Burst {
  start: number;
  duration: number;
  /** metres */
  amplitude: number;
  /** Hz */
  frequency: number;
}

/** Bursts of 0.6–3 s separated by 0.5–4 s of rest, over `duration` seconds of video time. */
function bursts(duration: number, rand: () => number): Burst[] {
  const out: Burst[] = [];
  for (let t = 0.5 + 2 * rand(); t < duration;) {
    const burst = { start: t, duration: 0.6 + 2.4 * rand(), amplitude: 0.05 + 0.15 * rand(), frequency: 0.8 + 2 * rand() };
    out.push(burst);
    t += burst.duration + 0.5 + 3.5 * rand();
  }
  return out;
}

/** The wrist's displacement (m) at video time t: each burst an oscillation under a smooth rise and fall. */
function position(list: Burst[], t: number): number {
  // bursts are sorted and do not overlap: find the one that holds t by bisection
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid].start <= t) lo = mid;
    else hi = mid - 1;
  }
  const b = list[lo];
  if (!b || t < b.start || t >= b.start + b.duration) return 0;
  const u = (t - b.start) / b.duration;
  return b.amplitude * Math.sin(Math.PI * u) ** 2 * Math.sin(2 * Math.PI * b.frequency * (t - b.start));
}

const H = 1e-3;
const velocity = (list: Burst[], t: number) => (position(list, t + H) - position(list, t - H)) / (2 * H);
const acceleration = (list: Burst[], t: number) => (position(list, t + H) - 2 * position(list, t) + position(list, t - H)) / (H * H);

export interface SyntheticOptions {
  /** seconds of video */
  duration: number;
  /** the true clock model: sensor = video × (1 + drift) + offset */
  truth: ClockModel;
  seed?: number;
  fps?: number;
  accelRate?: number;
  /** accelerometer noise per axis (m/s²) */
  noise?: number;
}

/**
 * motion[k] belongs to video time k / fps; accel row j to sensor time j / accelRate, and the
 * accelerometer runs from sensor time 0 until the video's end (by the true clock) plus 1 s.
 */
export function syntheticRecording({ duration, truth, seed = 1, fps = 30, accelRate = 50, noise = 0.05 }: SyntheticOptions) {
  const rand = random(seed);
  const list = bursts(duration, rand);
  // pixels change with speed; a fast swing fills the frame difference, so it saturates
  const motion = Float64Array.from({ length: Math.round(duration * fps) }, (_, k) => {
    const speed = Math.abs(velocity(list, k / fps));
    return 0.5 + 6 * Math.min(speed, 1.5) + 0.2 * Math.abs(gaussian(rand));
  });
  const rows = Math.round((duration * (1 + truth.drift) + truth.offset + 1) * accelRate);
  const accel = new Float64Array(rows * 3);
  for (let j = 0; j < rows; j++) {
    const a = acceleration(list, sensorToVideo(truth, j / accelRate));
    // gravity mostly on z; the movement along a tilted axis
    accel[j * 3] = 0.8 * a + noise * gaussian(rand);
    accel[j * 3 + 1] = 1.2 + 0.5 * a + noise * gaussian(rand);
    accel[j * 3 + 2] = 9.73 + 0.3 * a + noise * gaussian(rand);
  }
  return { motion, motionRate: fps, accel, accelRate };
}
