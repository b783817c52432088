/**
 * The seeded order of an epoch: which rows each step trains on, the same on every thread and on a
 * resumed run.
 */
import { mulberry32, type Rng } from '../random.ts';

/** A generator per (seed, epoch, purpose), so a resumed run draws exactly what it would have. */
export function epochRng(seed: number, epoch: number, purpose: number): Rng {
  return mulberry32((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b) ^ Math.imul(purpose + 1, 0xc2b2ae35)) >>> 0);
}

export function shuffledOrder(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Consecutive slices of `order` of at most `size` (the last one may be smaller). */
export function batchesOf(order: number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}
