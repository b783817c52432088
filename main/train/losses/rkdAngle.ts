import * as tf from '@tensorflow/tfjs-core';
import { requireNumber } from '../../shared/lossMethods.ts';
import { invalid, requireRank, requireSameBatch } from './checks.ts';
import { detach } from './detach.ts';
import { smoothL1 } from './smoothL1.ts';

/** Default largest batch: the loss holds N³ cosines (and their gradients), 262 144 at N = 64. */
export const MAX_ANGLE_BATCH = 64;

/**
 * Added to squared lengths before the square root when normalising e_i − e_j. The difference of a
 * sample with itself (the diagonal, or two identical rows) is a zero vector: dividing by its plain
 * norm gives NaN gradients; with the epsilon it normalises to 0 with a finite gradient.
 */
const ANGLE_EPSILON = 1e-12;

/** cos ∠(e_i, e_j, e_k) = ⟨n(e_i − e_j), n(e_k − e_j)⟩ for every triplet: [N (vertex j), N (i), N (k)]. */
function tripletCosines(e: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const differences = tf.sub(tf.expandDims(e, 0), tf.expandDims(e, 1)); // [j, i, :] = e_i − e_j
    const lengths = tf.sqrt(tf.add(tf.sum(tf.square(differences), 2, true), ANGLE_EPSILON));
    const directions = tf.div(differences, lengths) as tf.Tensor3D;
    return tf.matMul(directions, directions, false, true);
  });
}

/**
 * RKD angle-wise loss: smooth-L1 (β = 1) between student and (detached) teacher cosines of all N³
 * triplets, mean. Batches above `maxBatch` rows are refused rather than silently allocating N³.
 */
export function rkdAngle(studentEmb: tf.Tensor, teacherEmb: tf.Tensor, maxBatch = MAX_ANGLE_BATCH): tf.Scalar {
  requireRank(studentEmb, 2, 'studentEmb');
  requireRank(teacherEmb, 2, 'teacherEmb');
  requireSameBatch(studentEmb, teacherEmb, 'studentEmb', 'teacherEmb');
  requireNumber(maxBatch, 'maxBatch', { positive: true });
  const n = studentEmb.shape[0];
  if (n > maxBatch) {
    throw invalid('studentEmb', `batch of ${n} rows exceeds ${maxBatch} for the angle loss (its memory grows as N³); use a smaller batch or raise maxBatch`);
  }
  return tf.tidy(() => smoothL1(tripletCosines(studentEmb as tf.Tensor2D), tripletCosines(detach(teacherEmb as tf.Tensor2D))));
}
