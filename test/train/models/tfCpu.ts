// Shared by the model tests: TensorFlow.js on the cpu backend, and small assertion helpers.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { StudioError, type ErrorCode } from '../../../main/shared/errors.ts';

await tf.setBackend('cpu');

export { tf };

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = 'value'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    const diff = Math.abs(actual[k] - expected[k]);
    assert.ok(diff <= tol * Math.max(1, Math.abs(expected[k])), `${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Seeded standard-normal input. */
export function randomInput<R extends tf.Rank>(shape: number[], seed: number): tf.Tensor<R> {
  return tf.randomNormal<tf.Rank>(shape, 0, 1, 'float32', seed) as tf.Tensor<R>;
}

export function studioError(code: ErrorCode, field?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (field !== undefined) assert.equal(err.detail.field, field, err.message);
    return true;
  };
}
