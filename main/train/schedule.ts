/** Optimisers and learning-rate schedules. */
import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from './fusedAdam.ts';
import type { OptimiserSettings } from './job.ts';

/**
 * PyTorch's Adam defaults (β₁ 0.9, β₂ 0.999, ε 1e-8): tfjs' own ε is 1e-7, which damps the update of
 * every weight whose gradient is below about 1e-6 (test/train/parity.test.ts).
 */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export function makeOptimiser(settings: OptimiserSettings): tf.Optimizer {
  return settings.optimiser === 'adam'
    ? new FusedAdam(settings.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon)
    : tf.train.momentum(settings.learningRate, 0.9);
}

/** Sets the rate the optimiser's next updates use: tfjs keeps it in a protected field that every update reads. */
export function setLearningRate(optimiser: tf.Optimizer, rate: number): void {
  Object.assign(optimiser, { learningRate: rate });
}

/** The learning rate of a 1-based epoch. */
export function learningRateAt(settings: OptimiserSettings, epoch: number, epochs: number): number {
  const base = settings.learningRate;
  if (settings.schedule === 'cosine') return 0.5 * base * (1 + Math.cos((Math.PI * (epoch - 1)) / Math.max(1, epochs)));
  if (settings.schedule === 'step') return base * 0.5 ** Math.floor((epoch - 1) / (settings.stepEvery ?? 10));
  return base;
}
