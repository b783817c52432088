import * as tf from '@tensorflow/tfjs-core';
import { invalid, requireRank, requireSameBatch } from './checks.ts';
import { detach } from './detach.ts';
import { l2NormaliseRows } from './normalise.ts';

/**
 * [outSize, inSize] averaging matrix of adaptive average pooling (PyTorch's bins: from
 * floor(i·in/out) to ceil((i+1)·in/out)), so that pooling is a differentiable matrix product.
 */
function adaptivePoolMatrix(inSize: number, outSize: number): tf.Tensor2D {
  const weights = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let k = start; k < end; k++) weights[i * inSize + k] = 1 / (end - start);
  }
  return tf.tensor2d(weights, [outSize, inSize]);
}

/** Pools the leading axis of `x` [in, ...rest] to `outSize` bins. */
function poolLeadingAxis(x: tf.Tensor, outSize: number): tf.Tensor {
  const [inSize, ...rest] = x.shape;
  if (inSize === outSize) return x;
  const pooled = tf.matMul(adaptivePoolMatrix(inSize, outSize), tf.reshape(x, [inSize, -1]));
  return tf.reshape(pooled, [outSize, ...rest]);
}

/** Adaptive average pooling of NHWC maps to height × width. */
export function adaptiveAvgPool(maps: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    const byRow = poolLeadingAxis(tf.transpose(maps, [1, 0, 2, 3]), height); // [height, N, W, C]
    const byColumn = poolLeadingAxis(tf.transpose(byRow, [2, 0, 1, 3]), width); // [width, height, N, C]
    return tf.transpose(byColumn, [2, 1, 0, 3]) as tf.Tensor4D;
  });
}

/** a = L2-normalise(mean over channels of f²), flattened per sample: [N, H·W]. */
function attentionMap(maps: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, height, width] = maps.shape;
    return l2NormaliseRows(tf.reshape(tf.mean(tf.square(maps), 3), [batch, height * width]));
  });
}

/**
 * Attention transfer (Zagoruyko & Komodakis), "code" mode as in their released code and RepDistiller:
 * p = 2, mean over channels, L2-normalised, loss = mean of (a_s − a_t)² per pair of maps (not the
 * paper's unsquared ‖·‖₂ with β/2), summed over the pairs. Maps are NHWC; channel counts may differ;
 * when spatial sizes differ both maps of a pair are adaptively average-pooled to the smaller size.
 * The teacher's maps are detached.
 */
export function attention(studentMaps: readonly tf.Tensor[], teacherMaps: readonly tf.Tensor[]): tf.Scalar {
  if (studentMaps.length === 0) throw invalid('studentMaps', 'expected at least one feature map');
  if (teacherMaps.length !== studentMaps.length) {
    throw invalid('teacherMaps', `${teacherMaps.length} maps for the student's ${studentMaps.length}`);
  }
  studentMaps.forEach((student, k) => {
    requireRank(student, 4, `studentMaps[${k}]`);
    requireRank(teacherMaps[k], 4, `teacherMaps[${k}]`);
    requireSameBatch(student, teacherMaps[k], `studentMaps[${k}]`, `teacherMaps[${k}]`);
  });
  return tf.tidy(() => {
    const perPair = (studentMaps as tf.Tensor4D[]).map((student, k) => {
      const teacher = detach(teacherMaps[k] as tf.Tensor4D);
      const height = Math.min(student.shape[1], teacher.shape[1]);
      const width = Math.min(student.shape[2], teacher.shape[2]);
      const a = attentionMap(adaptiveAvgPool(student, height, width));
      const b = attentionMap(adaptiveAvgPool(teacher, height, width));
      return tf.mean(tf.squaredDifference(a, b));
    });
    return tf.addN(perPair) as tf.Scalar;
  });
}
