import * as tf from '@tensorflow/tfjs-core';

/** Smooth-L1 (Huber, β = 1), mean over all entries: 0.5·d² where |d| < 1, |d| − 0.5 elsewhere. */
export function smoothL1(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const absDiff = tf.abs(tf.sub(prediction, target));
    const quadratic = tf.minimum(absDiff, 1); // the part of |d| under β
    // 0.5·q² + (|d| − q): equals 0.5·d² below β and |d| − 0.5 above, with one expression for the gradient.
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.sub(absDiff, quadratic)));
  });
}
