/**
 * VSKD's DASK loss: L = CE + α·KD + β·(L_D + L_A) + γ·L_S (distance, angle, semantic).
 * Defaults are those of VSKD's public code: α = 0.01, β = 1, γ = 1, T = 4.
 */
import { resolveOptions, weightedLoss, type DistillationInputs, type DistillationOptions, type LossResult, type TermWeights } from './combine.ts';

export function daskTermWeights({ alpha, beta, gamma }: { alpha: number; beta: number; gamma: number }): TermWeights {
  return { crossEntropy: 1, kd: alpha, rkdDistance: beta, rkdAngle: beta, semantic: gamma };
}

export function dask(inputs: DistillationInputs, options: DistillationOptions = {}): LossResult {
  const resolved = resolveOptions(options);
  return weightedLoss(daskTermWeights(resolved), inputs, resolved);
}
