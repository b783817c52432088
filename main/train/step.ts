/**
 * One optimiser step: the gradients of a batch's loss (summed over the threads that share the batch,
 * where several do), L2 weight decay, the update. Used by the trainer, its peer threads, the
 * parity test and the bench alike.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What a training step's loss function returns: the total it differentiates, its terms and the logits. */
export interface StepLoss {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
  logits: tf.Tensor2D;
}

/** A step's loss value with its terms and logits, kept for reading after the step. */
export interface StepOutputs {
  value: tf.Scalar;
  outputs: { terms: Record<string, tf.Scalar>; logits: tf.Tensor2D };
}

/** replaces gradients in the map by their sums over the threads that share the batch */
export type GradientReduction = (grads: tf.NamedTensorMap) => void;

/**
 * The gradients of `loss` with respect to `variables`, summed by `reduce` where given, with L2 weight
 * decay added to each (PyTorch Adam's and SGD's `weight_decay`: g + λ·w, applied before the
 * optimiser's moments, once to the sum).
 */
export function stepGradients(
  loss: () => StepLoss,
  variables: tf.Variable[],
  weightDecay: number,
  reduce?: GradientReduction,
): StepOutputs & { grads: tf.NamedTensorMap } {
  let outputs: StepOutputs['outputs'] | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const result = loss();
    outputs = { terms: Object.fromEntries(Object.entries(result.terms).map(([k, v]) => [k, tf.keep(v)])), logits: tf.keep(result.logits) };
    return result.total;
  }, variables);
  reduce?.(grads);
  if (weightDecay > 0) {
    for (const v of variables) {
      const g = grads[v.name];
      if (!g) continue;
      grads[v.name] = tf.tidy(() => tf.add(g, tf.mul(v, weightDecay)));
      g.dispose();
    }
  }
  return { value, outputs: outputs!, grads };
}

/** One optimiser step on one batch; the caller reads and frees the returned tensors. */
export function trainStep(
  loss: () => StepLoss,
  variables: tf.Variable[],
  optimiser: tf.Optimizer,
  weightDecay: number,
  reduce?: GradientReduction,
): StepOutputs {
  const { value, outputs, grads } = stepGradients(loss, variables, weightDecay, reduce);
  optimiser.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return { value, outputs };
}
