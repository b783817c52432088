import * as tf from '@tensorflow/tfjs-core';
import { requireNumber } from '../../shared/lossMethods.ts';
import { requireRank, requireSameShape } from './checks.ts';
import { detach } from './detach.ts';

/**
 * Hinton's knowledge distillation ("ST"): T² · mean over the batch of KL(softmax(t/T) ‖ softmax(s/T)).
 * T² keeps the gradient's scale independent of T. The teacher is detached; KL is computed from
 * log-softmax on both sides, so a teacher probability that underflows to 0 contributes 0, not NaN.
 */
export function kd(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, temperature = 4): tf.Scalar {
  requireRank(studentLogits, 2, 'studentLogits');
  requireSameShape(studentLogits, teacherLogits, 'studentLogits', 'teacherLogits');
  requireNumber(temperature, 'temperature', { positive: true });
  return tf.tidy(() => {
    const teacherLog = tf.logSoftmax(tf.div(detach(teacherLogits), temperature));
    const studentLog = tf.logSoftmax(tf.div(studentLogits, temperature));
    const klPerSample = tf.sum(tf.mul(tf.exp(teacherLog), tf.sub(teacherLog, studentLog)), 1);
    return tf.mul(temperature * temperature, tf.mean(klPerSample));
  });
}
