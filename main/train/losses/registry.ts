/**
 * The loss of a training objective by name (methods.ts says which terms, with which weights).
 */
import { resolveOptions, weightedLoss, type DistillationInputs, type DistillationOptions, type LossResult } from './combine.ts';
import { methodWeights } from '../../shared/lossMethods.ts';

/**
 * The loss of `method`: a function of one batch returning the weighted total and every term unweighted.
 * Unknown names and bad options fail here, before any batch. Inside tf.variableGrads the terms are
 * intermediates of the differentiated function: tf.keep those to be logged after it returns.
 */
export function distillationLoss(method: string, options: DistillationOptions = {}): (inputs: DistillationInputs) => LossResult {
  const resolved = resolveOptions(options);
  const weights = methodWeights(method, resolved);
  return (inputs) => weightedLoss(weights, inputs, resolved);
}
