import * as tf from '@tensorflow/tfjs-core';
import { invalid, requireRank, requireSameBatch } from './checks.ts';
import { detach } from './detach.ts';
import { smoothL1 } from './smoothL1.ts';

/**
 * Pairwise Euclidean distances of the rows of `e` [N, D]: sqrt(max(|e_i|² + |e_j|² − 2 e_i·e_j, 1e-12)),
 * diagonal set to 0, divided by the mean of the non-zero entries (RKD's official code). The floor keeps
 * sqrt's gradient finite (the mask zeroes it on the diagonal) and makes every off-diagonal entry
 * positive, so the non-zero entries are exactly the N² − N off-diagonal ones.
 */
function normalisedDistances(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = e.shape[0];
    const squaredNorms = tf.sum(tf.square(e), 1);
    const gram = tf.matMul(e, e, false, true);
    const squared = tf.sub(tf.add(tf.expandDims(squaredNorms, 1), tf.expandDims(squaredNorms, 0)), tf.mul(2, gram));
    const offDiagonal = tf.sub(1, tf.eye(n));
    const distances = tf.mul(tf.sqrt(tf.maximum(squared, 1e-12)), offDiagonal) as tf.Tensor2D;
    return tf.div(distances, tf.div(tf.sum(distances), n * n - n));
  });
}

/**
 * RKD distance-wise loss: smooth-L1 (β = 1) between the student's and the (detached) teacher's
 * normalised distance matrices, mean over all N² entries. Rows are samples; widths may differ.
 */
export function rkdDistance(studentEmb: tf.Tensor, teacherEmb: tf.Tensor): tf.Scalar {
  requireRank(studentEmb, 2, 'studentEmb');
  requireRank(teacherEmb, 2, 'teacherEmb');
  requireSameBatch(studentEmb, teacherEmb, 'studentEmb', 'teacherEmb');
  if (studentEmb.shape[0] < 2) throw invalid('studentEmb', 'distances need a batch of at least 2 rows');
  return tf.tidy(() => {
    const teacher = normalisedDistances(detach(teacherEmb as tf.Tensor2D));
    return smoothL1(normalisedDistances(studentEmb as tf.Tensor2D), teacher);
  });
}
