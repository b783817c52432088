import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StudioError } from '../../main/shared/errors.ts';
import { resampleUniform } from '../../main/sensors/resample.ts';

/** Row-major samples of two linear channels, x = 2t + 1 and y = -3t, at the given times. */
function linear(times: number[]): { timestamps: Float64Array; data: Float64Array } {
  return {
    timestamps: Float64Array.from(times),
    data: Float64Array.from(times.flatMap((t) => [2 * t + 1, -3 * t])),
  };
}

function assertLinear(data: Float64Array, rows: number, rate: number, t0 = 0): void {
  assert.equal(data.length, rows * 2);
  for (let k = 0; k < rows; k++) {
    const t = t0 + k / rate;
    assert.ok(Math.abs(data[2 * k] - (2 * t + 1)) < 1e-12, `x[${k}] = ${data[2 * k]}`);
    assert.ok(Math.abs(data[2 * k + 1] + 3 * t) < 1e-12, `y[${k}] = ${data[2 * k + 1]}`);
  }
}

function assertInvalid(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StudioError);
    assert.equal(err.code, 'INVALID_ARGUMENT', err.message);
    assert.equal(err.detail.field, field);
    assert.ok(err.message.includes(field), err.message);
    return true;
  });
}

describe('resampleUniform', () => {
  it('upsamples a linear signal exactly, up to the last time', () => {
    const { timestamps, data } = linear(Array.from({ length: 11 }, (_, i) => i / 10));
    const out = resampleUniform(timestamps, data, 2, 100);
    assert.equal(out.rows, 101);
    assert.equal(out.rate, 100);
    assertLinear(out.data, out.rows, 100);
  });

  it('resamples irregular timestamps exactly for a linear signal', () => {
    const { timestamps, data } = linear([0, 0.013, 0.019, 0.041, 0.05, 0.072, 0.1]);
    const out = resampleUniform(timestamps, data, 2, 50);
    assert.equal(out.rows, 6);
    assertLinear(out.data, out.rows, 50);
  });

  it('downsamples, stopping at the last grid time not after the last sample', () => {
    const { timestamps, data } = linear(Array.from({ length: 100 }, (_, i) => i / 100));
    const out = resampleUniform(timestamps, data, 2, 30);
    // 0.99 s at 30 Hz: t = 0 … 29/30
    assert.equal(out.rows, 30);
    assertLinear(out.data, out.rows, 30);
  });

  it('keeps a last sample that lies on the grid despite rounding', () => {
    const { timestamps, data } = linear(Array.from({ length: 100 }, (_, i) => i / 100));
    const out = resampleUniform(timestamps, data, 2, 100);
    assert.equal(out.rows, 100);
    assert.deepEqual(out.data, data);
  });

  it('starts the grid at the first timestamp', () => {
    const { timestamps, data } = linear([2, 2.1, 2.25, 2.4]);
    const out = resampleUniform(timestamps, data, 2, 20);
    assert.equal(out.rows, 9);
    assertLinear(out.data, out.rows, 20, 2);
  });

  it('interpolates a single channel between known points', () => {
    const out = resampleUniform(Float64Array.from([0, 1, 3]), Float64Array.from([0, 10, 0]), 1, 2);
    assert.deepEqual(Array.from(out.data), [0, 5, 10, 7.5, 5, 2.5, 0]);
  });

  it('returns one row for one sample', () => {
    const out = resampleUniform(Float64Array.from([0.5]), Float64Array.from([1, 2, 3]), 3, 100);
    assert.equal(out.rows, 1);
    assert.deepEqual(Array.from(out.data), [1, 2, 3]);
  });

  it('rejects bad rates, channel counts and shapes', () => {
    const { timestamps, data } = linear([0, 0.1, 0.2]);
    for (const rate of [0, -1, NaN, Infinity]) assertInvalid(() => resampleUniform(timestamps, data, 2, rate), 'rate');
    assertInvalid(() => resampleUniform(timestamps, data, 0, 10), 'channels');
    assertInvalid(() => resampleUniform(timestamps, data, 1.5, 10), 'channels');
    assertInvalid(() => resampleUniform(timestamps, data, 3, 10), 'data');
    assertInvalid(() => resampleUniform(new Float64Array(0), new Float64Array(0), 2, 10), 'timestamps');
  });

  it('rejects timestamps that do not increase or are not finite', () => {
    const data = new Float64Array(3);
    assertInvalid(() => resampleUniform(Float64Array.from([0, 0.2, 0.1]), data, 1, 10), 'timestamps');
    assertInvalid(() => resampleUniform(Float64Array.from([0, 0.1, 0.1]), data, 1, 10), 'timestamps');
    assertInvalid(() => resampleUniform(Float64Array.from([0, NaN, 0.2]), data, 1, 10), 'timestamps');
  });

  it('refuses a grid too large to hold', () => {
    assertInvalid(() => resampleUniform(Float64Array.from([0, 3600]), new Float64Array(2), 1, 1e6), 'rate');
  });
});
