import * as tf from '@tensorflow/tfjs-core';
import { invalid, requireRank } from './checks.ts';

/**
 * Cross-entropy of `logits` [N, C] against `labels`: class indices [N] (int32) or per-class targets
 * [N, C] (one-hot or soft), mean over the batch. log-softmax subtracts each row's max before exp,
 * so large logits do not overflow. Out-of-range indices are not checked here (that would read the
 * labels back from the device every step): tf.oneHot turns them into an all-zero row, i.e. zero loss.
 */
export function crossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  requireRank(logits, 2, 'logits');
  const [batch, classes] = logits.shape;
  if (labels.rank === 1) {
    if (labels.shape[0] !== batch) throw invalid('labels', `${labels.shape[0]} labels for a batch of ${batch}`);
    if (labels.dtype !== 'int32') throw invalid('labels', `class indices must be int32, got ${labels.dtype}`);
  } else if (labels.rank !== 2 || labels.shape[0] !== batch || labels.shape[1] !== classes) {
    throw invalid('labels', `expected [${batch}] class indices or [${batch}, ${classes}] targets, got [${labels.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const targets = labels.rank === 1 ? tf.oneHot(labels as tf.Tensor1D, classes) : tf.cast(labels, 'float32');
    const perSample = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1));
    return tf.mean(perSample);
  });
}
