import * as tf from '@tensorflow/tfjs-core';
import { requireSameBatch } from './checks.ts';
import { detach } from './detach.ts';
import { l2NormaliseRows } from './normalise.ts';

/** The batch's similarity matrix f·fᵀ of flattened features, each row L2-normalised: [N, N]. */
function normalisedSimilarities(features: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const flat = tf.reshape(features, [features.shape[0], -1]) as tf.Tensor2D;
    return l2NormaliseRows(tf.matMul(flat, flat, false, true));
  });
}

/**
 * Similarity-preserving KD (Tung & Mori): ‖G_s − G_t‖²_F / N². Features may have any rank and
 * different widths (only the N × N similarities are compared); the teacher's are detached.
 */
export function similarityPreserving(studentFeat: tf.Tensor, teacherFeat: tf.Tensor): tf.Scalar {
  requireSameBatch(studentFeat, teacherFeat, 'studentFeat', 'teacherFeat');
  return tf.tidy(() => {
    const n = studentFeat.shape[0];
    const difference = tf.sub(normalisedSimilarities(studentFeat), normalisedSimilarities(detach(teacherFeat)));
    return tf.div(tf.sum(tf.square(difference)), n * n);
  });
}
