import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, randomInput, studioError, tf, values } from './tfCpu.ts';
import { combinations, TrnModel, trnScales } from '../../../main/train/models/trn.ts';
import { mulberry32 } from '../../../main/random.ts';
import type { WeightMap } from '../../../main/train/models/parameters.ts';

/** y = x W + b for one row. */
function dense(x: number[], w: WeightMap[string], b: WeightMap[string]): number[] {
  const [rows, cols] = w.shape;
  return Array.from({ length: cols }, (_, j) => {
    let sum = b.data[j];
    for (let i = 0; i < rows; i++) sum += x[i] * w.data[i * cols + j];
    return sum;
  });
}

const relu = (v: number[]) => v.map((x) => Math.max(0, x));

describe('multi-scale TRN head', () => {
  it('relates scales K … 2 over ordered subsets, one at scale K and at most 3 below', () => {
    assert.deepEqual(trnScales(8), [8, 7, 6, 5, 4, 3, 2]);
    assert.deepEqual(combinations(4, 2), [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    const model = new TrnModel({ segments: 8, featureDim: 4, classes: 3, hidden: 5 });
    const { head } = model;
    assert.deepEqual(
      head.relations.map((r) => r.length),
      [1, 8, 28, 56, 70, 56, 28],
    );
    assert.deepEqual(
      head.evaluationSubsets.map((r) => r.length),
      [1, 3, 3, 3, 3, 3, 3],
    );
    head.evaluationSubsets.forEach((subsets, s) => {
      assert.equal(new Set(subsets.map(String)).size, subsets.length, 'distinct subsets');
      for (const subset of subsets) {
        assert.equal(subset.length, head.scales[s]);
        assert.ok(
          subset.every((v, k) => k === 0 || v > subset[k - 1]),
          `time order kept: ${subset}`,
        );
      }
    });
    // per scale s: Linear(s·d, 5) and Linear(5, 3)
    const expected = trnScales(8).reduce((n, s) => n + s * 4 * 5 + 5 + 5 * 3 + 3, 0);
    assert.equal(model.parameterCount(), expected);
    model.dispose();
  });

  it('evaluates with fixed subsets, chosen from the seed', () => {
    const a = new TrnModel({ segments: 5, featureDim: 3, classes: 2, hidden: 4, seed: 11 });
    const b = new TrnModel({ segments: 5, featureDim: 3, classes: 2, hidden: 4, seed: 11 });
    const x = randomInput<tf.Rank.R3>([2, 5, 3], 1);
    const first = a.forward(x, { training: false, rng: mulberry32(1) });
    const second = a.forward(x, { training: false, rng: mulberry32(2) });
    assert.deepEqual(values(first.logits), values(second.logits));
    assert.deepEqual(first.subsets, a.head.evaluationSubsets);
    assert.deepEqual(b.head.evaluationSubsets, a.head.evaluationSubsets);
    tf.dispose([first, second, x]);
    a.dispose();
    b.dispose();
  });

  it('draws training subsets from the rng it is given', () => {
    const model = new TrnModel({ segments: 6, featureDim: 2, classes: 2, hidden: 3 });
    const x = randomInput<tf.Rank.R3>([1, 6, 2], 2);
    const draw = (seed: number) => {
      const out = model.forward(x, { training: true, rng: mulberry32(seed) });
      const result = { subsets: out.subsets, logits: values(out.logits) };
      tf.dispose(out);
      return result;
    };
    assert.deepEqual(draw(5), draw(5));
    const drawn = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(draw(seed).subsets)));
    assert.ok(drawn.size >= 4, `${drawn.size} distinct draws out of 5`);
    // without an rng the head uses its own: successive calls differ
    const own = [0, 1, 2].map(() => {
      const out = model.forward(x, { training: true });
      tf.dispose(out);
      return JSON.stringify(out.subsets);
    });
    assert.ok(new Set(own).size > 1);
    x.dispose();
    model.dispose();
  });

  it('sums the logits of every used subset of every scale, and averages their bottlenecks', async () => {
    const model = new TrnModel({ segments: 4, featureDim: 2, classes: 2, hidden: 3, seed: 3 });
    const w = await model.getWeights();
    const x = randomInput<tf.Rank.R3>([2, 4, 2], 3);
    const data = values(x);
    const out = model.forward(x, { training: true, rng: mulberry32(9) });
    // scale 4: the one subset; scales 3 and 2 (4 and 6 subsets): three each
    assert.deepEqual(
      out.subsets.map((s) => s.length),
      [1, 3, 3],
    );
    const logits: number[] = [];
    const feature: number[] = [];
    for (let b = 0; b < 2; b++) {
      const sum = [0, 0];
      const scaleMeans = out.subsets.map((subsets, s) => {
        const scale = model.head.scales[s];
        const mean = [0, 0, 0];
        for (const subset of subsets) {
          const input = subset.flatMap((k) => data.slice((b * 4 + k) * 2, (b * 4 + k) * 2 + 2));
          const h = relu(dense(relu(input), w[`trn/scale${scale}/fc1/kernel`], w[`trn/scale${scale}/fc1/bias`]));
          dense(h, w[`trn/scale${scale}/fc2/kernel`], w[`trn/scale${scale}/fc2/bias`]).forEach((v, c) => (sum[c] += v));
          h.forEach((v, j) => (mean[j] += v / subsets.length));
        }
        return mean;
      });
      logits.push(...sum);
      feature.push(...[0, 1, 2].map((j) => scaleMeans.reduce((acc, m) => acc + m[j], 0) / scaleMeans.length));
    }
    assertClose(values(out.logits), logits, 1e-5, 'logits');
    assertClose(values(out.feature), feature, 1e-5, 'feature');
    assert.deepEqual(out.feature.shape, [2, 3]);
    tf.dispose([out, x]);
    model.dispose();
  });

  it('rejects bad configs and inputs, naming the argument', () => {
    assert.throws(() => new TrnModel({ segments: 1, featureDim: 2, classes: 2 }), studioError('INVALID_ARGUMENT', 'segments'));
    assert.throws(() => new TrnModel({ segments: 3, featureDim: 0, classes: 2 }), studioError('INVALID_ARGUMENT', 'featureDim'));
    const model = new TrnModel({ segments: 3, featureDim: 2, classes: 2 });
    const x = tf.zeros([1, 4, 2]) as tf.Tensor3D;
    assert.throws(() => model.forward(x, { training: false }), studioError('INVALID_ARGUMENT', 'x'));
    x.dispose();
    model.dispose();
  });
});
