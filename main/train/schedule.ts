/** Optimisers and learning-rate schedules. */
import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from './fusedAdam.ts';
import type { OptimiserSettings } from './job.ts';

export function makeOptimiser(settings: OptimiserSettings): tf.Optimizer {
  return settings.optimiser === 'adam' ? new FusedAdam(settings.learningRate) : tf.train.momentum(settings.learningRate, 0.9);
}

/** The learning rate of a 1-based epoch. */
export function learningRateAt(settings: OptimiserSettings, epoch: number, epochs: number): number {
  const base = settings.learningRate;
  if (settings.schedule === 'cosine') return 0.5 * base * (1 + Math.cos((Math.PI * (epoch - 1)) / Math.max(1, epochs)));
  if (settings.schedule === 'step') return base * 0.5 ** Math.floor((epoch - 1) / (settings.stepEvery ?? 10));
  return base;
}
