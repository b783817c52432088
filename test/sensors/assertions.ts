/** Assertions the sensor-file tests share. */
import assert from 'node:assert/strict';
import { StudioError } from '../../main/shared/errors.ts';

export function close(actual: ArrayLike<number> | null, expected: number[], eps = 1e-9): void {
  assert.ok(actual, 'expected values, got null');
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= eps, `[${i}]: ${actual[i]} ≠ ${e}`));
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error, got none');
}

/** Asserts a BAD_INPUT error that names the file and, when given, the line and the column; a one-line message. */
export function assertBadInput(file: string, fn: () => unknown, where: { line?: number; field?: string; message?: RegExp } = {}): StudioError {
  const err = caught(fn);
  return checkBadInput(file, err, where);
}

export async function assertBadInputAsync(
  file: string,
  promise: Promise<unknown>,
  where: { line?: number; field?: string; message?: RegExp } = {},
): Promise<StudioError> {
  const err = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  return checkBadInput(file, err, where);
}

function checkBadInput(file: string, err: unknown, where: { line?: number; field?: string; message?: RegExp }): StudioError {
  assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
  assert.equal(err.code, 'BAD_INPUT', err.message);
  assert.equal(err.detail.file, file);
  assert.ok(err.message.startsWith(file), err.message);
  assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
  if (where.line !== undefined) {
    assert.equal(err.detail.line, where.line, err.message);
    assert.ok(err.message.startsWith(`${file}:${where.line}: `), err.message);
  }
  if (where.field !== undefined) {
    assert.equal(err.detail.field, where.field, err.message);
    assert.ok(err.message.includes(where.field), err.message);
  }
  if (where.message) assert.match(err.message, where.message);
  return err;
}

/** Asserts an INVALID_ARGUMENT error naming the option. */
export function assertBadOption(file: string, fn: () => unknown, field: string): void {
  const err = caught(fn);
  assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
  assert.equal(err.code, 'INVALID_ARGUMENT', err.message);
  assert.equal(err.detail.field, field);
  assert.ok(err.message.startsWith(file) && err.message.includes(field), err.message);
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32), so that a failure repeats. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
