/**
 * TSN/TRN segment sampling: which K frames of an F-frame clip a model sees.
 * Training takes one random frame in each of K equal segments; evaluation takes the segment centres.
 */
import { StudioError } from '../shared/errors.ts';
import { randomInt, type Rng } from '../random.ts';

export type SamplingMode = 'train' | 'eval';

/**
 * K frame indices in [0, frameCount), ascending.
 * - train: avg = ⌊F/K⌋; segment k gives k·avg + a random offset in [0, avg);
 *   when F < K, K sorted random indices (with repeats);
 * - eval: tick = F/K; frame k = ⌊tick/2 + tick·k⌋ (deterministic; repeats when F < K).
 * `rng` (default Math.random) only matters in training; pass mulberry32(seed) to repeat a draw.
 */
export function segmentIndices(frameCount: number, K: number, mode: SamplingMode, rng: Rng = Math.random): number[] {
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    throw new StudioError('INVALID_ARGUMENT', `frameCount must be a whole number ≥ 1, got ${frameCount}`, { field: 'frameCount' });
  }
  if (!Number.isInteger(K) || K < 1) throw new StudioError('INVALID_ARGUMENT', `segments must be a whole number ≥ 1, got ${K}`, { field: 'segments' });
  if (mode === 'eval') {
    // the same floating-point steps as the reference, so both pick the same frames
    const tick = frameCount / K;
    return Array.from({ length: K }, (_, k) => Math.floor(tick / 2 + tick * k));
  }
  if (mode !== 'train') throw new StudioError('INVALID_ARGUMENT', `mode must be train or eval, got ${String(mode)}`, { field: 'mode' });
  const avg = Math.floor(frameCount / K);
  if (avg > 0) return Array.from({ length: K }, (_, k) => k * avg + randomInt(rng, avg));
  return Array.from({ length: K }, () => randomInt(rng, frameCount)).sort((a, b) => a - b);
}
