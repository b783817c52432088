/**
 * Shape checks shared by the losses: a wrong shape is a caller's mistake, reported as
 * INVALID_ARGUMENT naming the argument (tfjs' own broadcasting would silently compute nonsense).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';

export function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${field}: ${problem}`, { field });
}

export function requireRank(x: tf.Tensor, rank: number, field: string): void {
  if (x.rank !== rank) throw invalid(field, `expected rank ${rank}, got shape [${x.shape.join(', ')}]`);
}

export function requireSameShape(student: tf.Tensor, teacher: tf.Tensor, studentField: string, teacherField: string): void {
  const same = student.rank === teacher.rank && student.shape.every((size, k) => size === teacher.shape[k]);
  if (!same) throw invalid(teacherField, `shape [${teacher.shape.join(', ')}] differs from ${studentField}'s [${student.shape.join(', ')}]`);
}

/** Both tensors have at least rank 2 and the same batch size (first dimension). */
export function requireSameBatch(student: tf.Tensor, teacher: tf.Tensor, studentField: string, teacherField: string): void {
  if (student.rank < 2) throw invalid(studentField, `expected a batch of rows (rank ≥ 2), got shape [${student.shape.join(', ')}]`);
  if (teacher.rank < 2) throw invalid(teacherField, `expected a batch of rows (rank ≥ 2), got shape [${teacher.shape.join(', ')}]`);
  if (student.shape[0] !== teacher.shape[0]) {
    throw invalid(teacherField, `batch of ${teacher.shape[0]} differs from ${studentField}'s ${student.shape[0]}`);
  }
}
