/**
 * A small seeded pseudo-random generator (mulberry32), so sampling and training runs repeat exactly
 * from a seed. Not for anything secret.
 */

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
