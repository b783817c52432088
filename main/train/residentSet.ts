/**
 * The student's training set and the teacher's outputs on it, uploaded to the backend once for the
 * whole run: each step gathers its rows on the device instead of uploading a batch. Row r of every
 * tensor belongs to training recording r, so a batch pairs each student image with the teacher's
 * outputs of the same recording.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Predictions } from './predict.ts';

export interface ResidentSet {
  /** GAF images [rows, S, S, 3] */
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
  teacherLogits: tf.Tensor2D | null;
  teacherFeatures: tf.Tensor2D | null;
  /** the teacher's time maps [rows, K, 1, d], kept for attention transfer only */
  teacherMaps: tf.Tensor4D | null;
}

export function residentSet(images: Float32Array, size: number, labels: Int32Array, teacher: Predictions | null, withMaps: boolean): ResidentSet {
  const rows = labels.length;
  return {
    images: tf.tensor4d(images, [rows, size, size, 3]),
    labels: tf.tensor1d(labels, 'int32'),
    teacherLogits: teacher && tf.tensor2d(teacher.logits, [rows, teacher.classes]),
    teacherFeatures: teacher && tf.tensor2d(teacher.features, [rows, teacher.featureSize]),
    teacherMaps: teacher && withMaps ? tf.tensor4d(teacher.maps, [rows, ...teacher.mapShape] as [number, number, number, number]) : null,
  };
}

/** The rows of every tensor of the set, in the order given. */
export function pairedBatch(set: ResidentSet, rows: number[]): ResidentSet {
  const index = tf.tensor1d(rows, 'int32');
  const pick = <T extends tf.Tensor>(t: T | null) => (t ? (tf.gather(t, index) as T) : null);
  try {
    return {
      images: pick(set.images)!,
      labels: pick(set.labels)!,
      teacherLogits: pick(set.teacherLogits),
      teacherFeatures: pick(set.teacherFeatures),
      teacherMaps: pick(set.teacherMaps),
    };
  } finally {
    index.dispose();
  }
}

export function disposeSet(set: ResidentSet): void {
  tf.dispose(Object.values(set).filter((t): t is tf.Tensor => t !== null));
}
