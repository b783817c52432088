/**
 * Augmentation of the student's sensor signal before its GAF image (issue 16's recipe, chosen on
 * validation splits): each epoch every training sample's accelerometer rows are drawn afresh as
 *  - a random contiguous stretch of U(crop, 1) of its length (crop 1: the whole window),
 *  - rotated by U(−rotate, rotate) degrees about a uniformly random axis (the three axes mixed, as
 *    a sensor worn slightly turned would see them),
 *  - with Gaussian noise of `jitter` times each axis' standard deviation added.
 * The GAF min-max scales every channel, so it cannot see a channel's amplitude or offset: amplitude
 * scaling would change nothing and is not offered. The same definition is in
 * test/reference/recipe_search.py, where the recipe was searched.
 */
import { StudioError } from '../shared/errors.ts';
import { randomGaussian, type Rng } from '../random.ts';

export interface SignalAugmentation {
  /** the shortest stretch kept, as a share of the window, in (0, 1]; 1: no cropping */
  crop: number;
  /** noise standard deviation over the axis' own; 0: none */
  jitter: number;
  /** largest rotation in degrees; 0: none */
  rotate: number;
}

export const noAugmentation: SignalAugmentation = { crop: 1, jitter: 0, rotate: 0 };

export function augments(a: SignalAugmentation): boolean {
  return a.crop < 1 || a.jitter > 0 || a.rotate > 0;
}

export function checkAugmentation(a: SignalAugmentation): SignalAugmentation {
  const bad = (field: keyof SignalAugmentation, rule: string) =>
    new StudioError('INVALID_ARGUMENT', `augmentation ${field} must be ${rule} (got ${String(a[field])})`, { field });
  if (!(a.crop > 0 && a.crop <= 1)) throw bad('crop', 'in (0, 1]');
  if (!(a.jitter >= 0 && Number.isFinite(a.jitter))) throw bad('jitter', 'a finite number ≥ 0');
  if (!(a.rotate >= 0 && a.rotate <= 180)) throw bad('rotate', 'in [0, 180] degrees');
  return a;
}

/** Rodrigues' formula: the 3×3 rotation (row-major) by `angle` radians about the unit vector (x, y, z). */
export function rotationMatrix(x: number, y: number, z: number, angle: number): Float64Array {
  const s = Math.sin(angle);
  const t = 1 - Math.cos(angle);
  // prettier-ignore
  return Float64Array.of(
    1 - t * (y * y + z * z), -s * z + t * x * y, s * y + t * x * z,
    s * z + t * x * y, 1 - t * (x * x + z * z), -s * x + t * y * z,
    -s * y + t * x * z, s * x + t * y * z, 1 - t * (x * x + y * y),
  );
}

/**
 * One draw of the augmentation of the first three columns (the axes) of a row-major rows × cols window:
 * a fresh rows' × 3 row-major window (rows' ≥ 2).
 */
export function augmentAxes(data: ArrayLike<number>, rows: number, cols: number, a: SignalAugmentation, rng: Rng): { rows: number; data: Float64Array } {
  const keep = a.crop < 1 ? Math.min(rows, Math.max(2, Math.round(rows * (a.crop + (1 - a.crop) * rng())))) : rows;
  const start = a.crop < 1 ? Math.floor(rng() * (rows - keep + 1)) : 0;
  const out = new Float64Array(keep * 3);
  for (let t = 0; t < keep; t++) for (let c = 0; c < 3; c++) out[t * 3 + c] = data[(start + t) * cols + c];
  if (a.rotate > 0) {
    const [x, y, z] = [randomGaussian(rng), randomGaussian(rng), randomGaussian(rng)];
    const norm = Math.hypot(x, y, z) || 1;
    const angle = ((2 * rng() - 1) * a.rotate * Math.PI) / 180;
    const r = rotationMatrix(x / norm, y / norm, z / norm, angle);
    for (let t = 0; t < keep; t++) {
      const [u, v, w] = [out[t * 3], out[t * 3 + 1], out[t * 3 + 2]];
      for (let c = 0; c < 3; c++) out[t * 3 + c] = r[c * 3] * u + r[c * 3 + 1] * v + r[c * 3 + 2] * w;
    }
  }
  if (a.jitter > 0) {
    for (let c = 0; c < 3; c++) {
      let mean = 0;
      for (let t = 0; t < keep; t++) mean += out[t * 3 + c];
      mean /= keep;
      let variance = 0;
      for (let t = 0; t < keep; t++) variance += (out[t * 3 + c] - mean) ** 2;
      const sd = a.jitter * Math.sqrt(variance / keep);
      for (let t = 0; t < keep; t++) out[t * 3 + c] += sd * randomGaussian(rng);
    }
  }
  return { rows: keep, data: out };
}
