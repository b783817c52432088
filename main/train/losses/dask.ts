/**
 * VSKD's DASK loss: L = CE + α·KD + β·(L_D + L_A) + γ·L_S (distance, angle, semantic).
 * Defaults are those of VSKD's public code: α = 0.01, β = 1, γ = 1, T = 4.
 */
import { type DistillationInputs, type DistillationOptions, type LossResult } from './combine.ts';
import { distillationLoss } from './registry.ts';

export function dask(inputs: DistillationInputs, options: DistillationOptions = {}): LossResult {
  return distillationLoss('dask', options)(inputs);
}
