/**
 * A small seeded random number generator (mulberry32), so that a seed reproduces the demo
 * dataset byte for byte on any machine. Not for anything that needs real randomness.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform in [low, high) */
  uniform(low: number, high: number): number;
  /** standard normal (Box–Muller) */
  gaussian(): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    gaussian: () => {
      // 1 - next() is in (0, 1], so the log is finite
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      return r * Math.cos(2 * Math.PI * next());
    },
  };
}

/**
 * A seed derived from a base seed and a key (FNV-1a), so each recording has its own stream of
 * numbers and does not change when recordings are added or removed around it.
 */
export function deriveSeed(seed: number, key: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
