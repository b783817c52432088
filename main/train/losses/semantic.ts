import * as tf from '@tensorflow/tfjs-core';
import { invalid, requireRank, requireSameBatch } from './checks.ts';
import { detach } from './detach.ts';

/**
 * A learned linear map (Dense: x·kernel + bias) from the student's feature width to the teacher's,
 * trained with the student (give its variables to the optimiser along with the student's).
 */
export interface Projection {
  kernel: tf.Variable; // [studentWidth, teacherWidth]
  bias: tf.Variable; // [teacherWidth]
}

/** Glorot-uniform kernel and zero bias, as tfjs-layers' Dense initialises them; `seed` makes it repeatable. */
export function createProjection(studentWidth: number, teacherWidth: number, seed?: number): Projection {
  for (const [value, field] of [
    [studentWidth, 'studentWidth'],
    [teacherWidth, 'teacherWidth'],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw invalid(field, `expected a positive integer, got ${value}`);
  }
  const limit = Math.sqrt(6 / (studentWidth + teacherWidth));
  return tf.tidy(() => ({
    kernel: tf.variable(tf.randomUniform([studentWidth, teacherWidth], -limit, limit, 'float32', seed), true),
    bias: tf.variable(tf.zeros([teacherWidth]), true),
  }));
}

/**
 * VSKD's semantic loss L_S: mean squared difference between the student's and the (detached) teacher's
 * features before their last fully-connected layers, [N, D] (higher ranks are flattened per sample).
 * The widths differ between the two networks; then `projection` maps the student's to the teacher's.
 */
export function semantic(studentFeat: tf.Tensor, teacherFeat: tf.Tensor, projection?: Projection): tf.Scalar {
  requireSameBatch(studentFeat, teacherFeat, 'studentFeat', 'teacherFeat');
  const batch = studentFeat.shape[0];
  const studentWidth = studentFeat.size / batch;
  const teacherWidth = teacherFeat.size / batch;
  if (projection) {
    requireRank(projection.kernel, 2, 'projection');
    const [from, to] = projection.kernel.shape;
    if (from !== studentWidth || to !== teacherWidth || projection.bias.size !== teacherWidth) {
      throw invalid('projection', `maps ${from} → ${to} features, but the student has ${studentWidth} and the teacher ${teacherWidth}`);
    }
  } else if (studentWidth !== teacherWidth) {
    throw invalid('projection', `student features are ${studentWidth} wide and the teacher's ${teacherWidth}: a projection is needed`);
  }
  return tf.tidy(() => {
    const student = tf.reshape(studentFeat, [batch, studentWidth]);
    const mapped = projection ? tf.add(tf.matMul(student, projection.kernel), projection.bias) : student;
    return tf.mean(tf.squaredDifference(mapped, tf.reshape(detach(teacherFeat), [batch, teacherWidth])));
  });
}
