import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows divided by their L2 norm, the norm floored at 1e-12 (PyTorch's F.normalize, as the SP and AT
 * reference codes use). The floor is applied to the squared norm (1e-24) so that an all-zero row has
 * a zero gradient instead of sqrt's infinite one.
 */
export function l2NormaliseRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const squaredNorm = tf.sum(tf.square(x), 1, true);
    return tf.div(x, tf.sqrt(tf.maximum(squaredNorm, 1e-24)));
  });
}
