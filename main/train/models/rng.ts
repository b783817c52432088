/**
 * Seeded pseudo-random numbers for the models: weight initialisation, TRN subset choice and dropout
 * masks all follow from integers, so a run reproduces from its seed on any backend.
 */
import { StudioError } from '../../errors.ts';

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
}

/** mulberry32: small, fast, and good enough for initialisation and sampling. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/**
 * A seed for one named part of a model (FNV-1a of the name mixed with the model's seed), so a
 * variable's initial values depend only on (seed, name), not on how many variables came before it.
 */
export function deriveSeed(seed: number, name: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let k = 0; k < name.length; k++) hash = Math.imul(hash ^ name.charCodeAt(k), 0x01000193) >>> 0;
  return hash;
}

/** A standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(0) never happens
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** `count` distinct integers of [0, n), ascending (partial Fisher–Yates). */
export function sampleDistinct(rng: Rng, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, k) => k);
  for (let k = 0; k < count; k++) {
    const j = k + rng.int(n - k);
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

/** Checks a model's seed: a non-negative 32-bit integer. */
export function checkSeed(seed: number, field = 'seed'): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new StudioError('INVALID_ARGUMENT', `${field} must be an integer in [0, 2^32), got ${seed}`, { field });
  }
  return seed;
}
