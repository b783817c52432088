/**
 * Seeded pseudo-random numbers (mulberry32), so that sampling, dataset splits, the demo dataset
 * and model initialisation repeat exactly from a seed on any machine. Not for anything secret.
 */
import { StudioError } from './shared/errors.ts';

/** Returns numbers uniform in [0, 1); the same seed gives the same sequence. */
export type Rng = () => number;

/** mulberry32: 32 bits of state, a full 2^32 period, fast; the seed is taken modulo 2^32. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number uniform in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A number uniform in [low, high). */
export function randomUniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng();
}

/** A standard normal number (Box–Muller); draws two numbers from `rng`. */
export function randomGaussian(rng: Rng): number {
  // 1 - rng() is in (0, 1], so the log is finite
  const r = Math.sqrt(-2 * Math.log(1 - rng()));
  return r * Math.cos(2 * Math.PI * rng());
}

/** `count` distinct whole numbers of [0, n), ascending (a partial Fisher–Yates shuffle). */
export function randomSubset(rng: Rng, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, k) => k);
  for (let k = 0; k < count; k++) {
    const j = k + randomInt(rng, n - k);
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

/**
 * Checks a seed given by a user or a config: a whole number in [0, 2^32), since mulberry32 would
 * silently map any other number onto one of those.
 */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new StudioError('INVALID_ARGUMENT', `seed must be an integer in [0, 2^32), got ${seed}`, { field: 'seed' });
  }
  return seed;
}

/**
 * A seed derived from a base seed and a key (FNV-1a), so that each user of a seed (a demo
 * recording, say) has its own stream of numbers and does not change when others are added or
 * removed around it. The models use it too (key: a variable's name), so a variable's initial values
 * depend only on (seed, name), not on how many variables came before it.
 */
export function deriveSeed(seed: number, key: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
