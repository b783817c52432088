/**
 * The trace's min/max pyramid: every bucket of every level is the min and max of its samples, and a
 * run of rows of any length and position gets exactly the min and max a scan of its samples gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPyramid, fillMinMax } from '../../renderer/src/lib/minmaxPyramid.ts';

/** noisy values with a spike now and then, as float32 */
function samples(n: number, seed = 3): Float32Array {
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return Float32Array.from({ length: n }, (_, r) => Math.sin(r / 9) + (random() - 0.5) + (r % 97 === 0 ? 5 : 0));
}

/** min and max of samples[from … to) by scanning, NaN skipped; null when none is a number */
function scan(values: Float32Array, from: number, to: number): [number, number] | null {
  const numbers = Array.from(values.subarray(from, to)).filter((v) => !Number.isNaN(v));
  return numbers.length ? [Math.min(...numbers), Math.max(...numbers)] : null;
}

describe('min/max pyramid', () => {
  it('each bucket of each level holds the min and max of its samples, the odd last bucket too, and never NaN', () => {
    for (const n of [1, 2, 3, 7, 64, 1000, 1025]) {
      const values = samples(n);
      const pyramid = buildPyramid(values);
      assert.equal(pyramid.mins[0], values, 'level 0 is the samples');
      assert.equal(pyramid.mins.at(-1)!.length, 1, `n = ${n}: the top level is one bucket`);
      pyramid.mins.forEach((mins, k) => {
        const width = 2 ** k;
        assert.equal(mins.length, Math.ceil(n / width), `n = ${n}, level ${k}: one bucket per ${width} rows`);
        for (let i = 0; i < mins.length; i++) {
          const [lo, hi] = scan(values, i * width, Math.min(n, (i + 1) * width))!;
          assert.equal(mins[i], lo, `n = ${n}, level ${k}, bucket ${i}: min`);
          assert.equal(pyramid.maxs[k][i], hi, `n = ${n}, level ${k}, bucket ${i}: max`);
        }
        assert.ok(!mins.some(Number.isNaN) && !pyramid.maxs[k].some(Number.isNaN), `n = ${n}, level ${k}: no NaN`);
      });
    }
  });

  it('skips NaN samples: a bucket of only NaN is empty (+∞ / −∞), never NaN', () => {
    const values = Float32Array.from([1, NaN, NaN, NaN, -2, 4, NaN, 0.5]);
    const pyramid = buildPyramid(values);
    assert.deepEqual(Array.from(pyramid.mins[1]), [1, Infinity, -2, 0.5]);
    assert.deepEqual(Array.from(pyramid.maxs[1]), [1, -Infinity, 4, 0.5]);
    assert.deepEqual([pyramid.mins[3][0], pyramid.maxs[3][0]], [-2, 4]);
  });

  it('fillMinMax gives every run of rows exactly the min and max a scan gives, NaN for a run with no number', () => {
    for (const n of [1, 5, 333, 4096, 5000]) {
      const values = samples(n, n);
      values[Math.floor(n / 2)] = NaN;
      const pyramid = buildPyramid(values);
      // runs: empty, single rows, the edges, the whole, and consecutive runs of growing width
      const bounds = [0, 0, 1, 1, Math.floor(n / 2), Math.floor(n / 2) + 1, n, n, 0, n];
      for (let from = 0, width = 1; from < n; from += width, width = width * 2 + 1) bounds.push(from, Math.min(n, from + width));
      const buckets = bounds.length / 2;
      const [min, max] = [new Float32Array(buckets + 2), new Float32Array(buckets + 2)];
      for (let b = 0; b < buckets; b++) {
        fillMinMax(pyramid, Int32Array.from(bounds.slice(2 * b, 2 * b + 2)), 1, min, max, b + 2);
        const expected = scan(values, bounds[2 * b], bounds[2 * b + 1]);
        const run = `n = ${n}, rows [${bounds[2 * b]}, ${bounds[2 * b + 1]})`;
        if (expected === null) assert.ok(Number.isNaN(min[b + 2]) && Number.isNaN(max[b + 2]), `${run}: no number, NaN`);
        else assert.deepEqual([min[b + 2], max[b + 2]], expected, `${run}: min and max`);
      }
      assert.deepEqual([min[0], min[1]], [0, 0], 'writes from the offset on');
    }
  });

  it('fillMinMax fills consecutive buckets from one array of bounds', () => {
    const values = samples(10_000);
    const pyramid = buildPyramid(values);
    const bounds = Int32Array.from({ length: 101 }, (_, p) => Math.round((p * 10_000) / 100 + (p % 3) * (p < 100 && p > 0 ? 7 : 0)));
    const [min, max] = [new Float32Array(100), new Float32Array(100)];
    fillMinMax(pyramid, bounds, 100, min, max, 0);
    for (let p = 0; p < 100; p++) assert.deepEqual([min[p], max[p]], scan(values, bounds[p], bounds[p + 1]), `bucket ${p}`);
  });
});
